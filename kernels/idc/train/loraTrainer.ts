/**
 * LoRA fine-tuning as the paper does it: AdamW (0.9 / 0.999, eps 1e-8, weight decay 0.01) at a
 * constant learning rate, no warm-up, no clipping; the mean validation loss after every epoch,
 * the adapter kept when it improves, early stopping after `patience` epochs without
 * improvement. Checkpoints every `checkpointEvery` steps; a run given the same folder resumes
 * from its last checkpoint and repeats the same steps (every random draw is keyed by seed,
 * epoch, step and sample id). Stops cleanly on the signal, leaving a checkpoint.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Blip2Idc } from '../model/blip2idc';
import { loraParameterCount, type LoraSettings } from '../model/lora';
import type { WordTokenizer } from '../model/tokenizer';
import { PairPipeline } from '../data/images/pairPipeline';
import { hashSeed, SeededRandom } from '../../platform/random';
import type { IdcSample } from '../data/types';
import type { TensorMap } from '../../platform/safetensors';
import { AdamW } from './adamw';
import { scheduledRate, type LearningRateSchedule } from './schedule';
import { captionBatch, disposeBatch } from './captionBatch';
import { hasCheckpoint, loadCheckpoint, saveCheckpoint, type TrainingCounters } from './checkpoint';
import { FrozenFeatureCache, frozenStage } from './frozenFeatures';
import { DEFAULT_LORA_TRAINING } from '../defaults';

export interface LoraTrainOptions {
  model: Blip2Idc;
  tokenizer: WordTokenizer;
  /** Samples of every split: train ones are trained on, validation ones give the epoch loss. */
  samples: readonly IdcSample[];
  lora: LoraSettings;
  seed?: number;
  learningRate?: number;
  batchSize?: number;
  maxEpochs?: number;
  patience?: number;
  /** Folder for checkpoints (none: no checkpoints, no resume). */
  checkpointDir?: string;
  checkpointEvery?: number;
  /** Stop after this many optimizer steps in all (a cut for tests and budgets; resumable). */
  maxSteps?: number;
  /**
   * `constant` (the paper's, default) or `cosine`: from the learning rate down to a tenth of it
   * over the run's steps (`maxSteps`, else every epoch's), for a run cut at a step budget.
   */
  schedule?: LearningRateSchedule;
  signal?: AbortSignal;
  pipeline?: PairPipeline;
  /**
   * Reuse the features of the stages no adapter touches from epoch to epoch (default true;
   * without augmentation only): LoRA on the LLM alone then trains the decoder only.
   */
  reuseFrozenFeatures?: boolean;
  onStep?: (info: { step: number; epoch: number; loss: number; learningRate: number; seconds: number }) => void;
  onEpoch?: (info: { epoch: number; validationLoss: number; improved: boolean }) => void;
}

export type StopReason = 'patience' | 'epochs' | 'steps' | 'interrupted';

export interface LoraTrainResult {
  settings: Required<LoraSettings>;
  trainableParameters: number;
  losses: number[];
  validation: Array<{ epoch: number; loss: number }>;
  bestEpoch: number | null;
  stoppedBy: StopReason;
  /** The adapter of the best validation epoch (or the last one when there was no validation), now in the model. */
  adapter: TensorMap;
  seconds: number;
  resumedFromStep: number | null;
}

/** Which reference a sample is trained on in an epoch: a seeded draw, the same on resume. */
function referenceOf(sample: IdcSample, seed: number, epoch: number): string {
  const refs = sample.references;
  return refs[Math.abs(hashSeed(`${seed}:${epoch}:${sample.id}`)) % refs.length] as string;
}

function fingerprint(options: LoraTrainOptions, settings: Required<LoraSettings>, seed: number, lr: number, batchSize: number): string {
  const ids = options.samples.map((s) => `${s.split}:${s.id}`).join('|');
  // a constant rate keeps the fingerprint of runs made before schedules existed
  const schedule = options.schedule === 'cosine' ? { schedule: 'cosine', maxSteps: options.maxSteps ?? null } : {};
  return JSON.stringify({ settings, seed, lr, batchSize, samples: hashSeed(ids), count: options.samples.length, config: options.model.config, ...schedule });
}

export async function trainLora(options: LoraTrainOptions): Promise<LoraTrainResult> {
  const { model, tokenizer } = options;
  const d = DEFAULT_LORA_TRAINING;
  const seed = options.seed ?? d.seed;
  const lr = options.learningRate ?? d.learningRate;
  const batchSize = options.batchSize ?? d.batchSize;
  const maxEpochs = options.maxEpochs ?? d.maxEpochs;
  const patience = options.patience ?? d.patience;
  const checkpointEvery = options.checkpointEvery ?? d.checkpointEvery;
  const started = performance.now();
  model.attachLora(options.lora, seed);
  const settings = model.loraSettings as Required<LoraSettings>;
  const variables = model.params.adapters;
  const optimizer = new AdamW({ learningRate: lr });
  const pipeline = options.pipeline ?? new PairPipeline({ width: model.config.image.width, height: model.config.image.height });
  const train = options.samples.filter((s) => s.split === 'train');
  const validation = options.samples.filter((s) => s.split === 'validation');
  if (train.length === 0) throw new Error('trainLora: no samples in the train split');
  const print = fingerprint(options, settings, seed, lr, batchSize);
  const stage = options.reuseFrozenFeatures === false || pipeline.augments ? undefined : frozenStage(settings.modules);
  const frozen = stage ? new FrozenFeatureCache(model, stage) : undefined;

  let counters: TrainingCounters = {
    step: 0,
    epoch: 0,
    batchInEpoch: 0,
    bestValidationLoss: null,
    bestEpoch: null,
    epochsWithoutImprovement: 0,
    stopped: false,
  };
  let losses: number[] = [];
  let validationLog: Array<{ epoch: number; loss: number }> = [];
  let best: TensorMap | undefined;
  let resumedFromStep: number | null = null;
  if (options.checkpointDir && hasCheckpoint(options.checkpointDir)) {
    const saved = await loadCheckpoint(options.checkpointDir, print);
    model.params.assign(saved.adapter, 'adapter', `${options.checkpointDir}/checkpoint`);
    optimizer.restore(saved.optimizer, new Map([...variables].map(([n, v]) => [n, v.shape])));
    ({ counters, losses, validation: validationLog } = saved.state);
    resumedFromStep = counters.step;
  }
  const checkpoint = async () => {
    if (!options.checkpointDir) return;
    await saveCheckpoint(options.checkpointDir, {
      state: { version: 1, fingerprint: print, counters, losses, validation: validationLog },
      adapter: await model.params.read('adapter'),
      optimizer: await optimizer.state(),
    });
  };

  const batchesPerEpoch = Math.ceil(train.length / batchSize);
  const schedule = options.schedule ?? 'constant';
  if (schedule !== 'constant' && schedule !== 'cosine')
    throw new RangeError(`trainLora: schedule: expected "constant" or "cosine", found ${JSON.stringify(schedule)}`);
  const totalSteps = options.maxSteps ?? maxEpochs * batchesPerEpoch;
  let stoppedBy: StopReason = 'epochs';
  try {
    outer: while (!counters.stopped && counters.epoch < maxEpochs) {
      const order = new SeededRandom(hashSeed(`${seed}:order:${counters.epoch}`)).shuffled(train);
      while (counters.batchInEpoch < batchesPerEpoch) {
        if (options.signal?.aborted) {
          stoppedBy = 'interrupted';
          break outer;
        }
        if (options.maxSteps !== undefined && counters.step >= options.maxSteps) {
          stoppedBy = 'steps';
          break outer;
        }
        const part = order.slice(counters.batchInEpoch * batchSize, (counters.batchInEpoch + 1) * batchSize);
        const prepared = await pipeline.prepare(part, counters.epoch);
        if (prepared.samples.length > 0) {
          const batch = captionBatch(
            prepared.pixels,
            prepared.samples.map((s) => referenceOf(s, seed, counters.epoch)),
            model.config,
            tokenizer,
          );
          const dropoutSeed = hashSeed(`${seed}:dropout:${counters.step}`);
          optimizer.learningRate = scheduledRate(schedule, lr, counters.step, totalSteps);
          const features = frozen ? await frozen.features(prepared.samples, batch.patches) : undefined;
          const forward = { training: true, dropoutSeed };
          const { value, grads } = tf.variableGrads(
            () => (frozen && features ? model.lossFrom(frozen.stage, features, batch, forward) : model.loss(batch, forward)),
            [...variables.values()],
          );
          features?.dispose();
          const named: Record<string, tf.Tensor> = {};
          for (const [name, v] of variables) named[name] = grads[v.name] as tf.Tensor;
          optimizer.apply(variables, named);
          const loss = (await value.data())[0] as number;
          tf.dispose([value, ...Object.values(grads)]);
          disposeBatch(batch);
          losses.push(loss);
          options.onStep?.({
            step: counters.step + 1,
            epoch: counters.epoch,
            loss,
            learningRate: optimizer.learningRate,
            seconds: (performance.now() - started) / 1000,
          });
        }
        counters = { ...counters, step: counters.step + 1, batchInEpoch: counters.batchInEpoch + 1 };
        if (counters.step % checkpointEvery === 0) await checkpoint();
        await new Promise((resolve) => setImmediate(resolve)); // interrupts and output get through
      }
      // end of epoch: validation loss, keep the best adapter, early stopping
      const validationLoss = validation.length > 0 ? await meanLoss(model, tokenizer, pipeline, validation, seed, batchSize, frozen) : null;
      let improved = false;
      if (validationLoss !== null) {
        validationLog = [...validationLog, { epoch: counters.epoch, loss: validationLoss }];
        improved = counters.bestValidationLoss === null || validationLoss < counters.bestValidationLoss;
        counters = improved
          ? { ...counters, bestValidationLoss: validationLoss, bestEpoch: counters.epoch, epochsWithoutImprovement: 0 }
          : { ...counters, epochsWithoutImprovement: counters.epochsWithoutImprovement + 1 };
        if (improved) best = await model.params.read('adapter');
        options.onEpoch?.({ epoch: counters.epoch, validationLoss, improved });
      }
      counters = { ...counters, epoch: counters.epoch + 1, batchInEpoch: 0 };
      if (counters.epochsWithoutImprovement >= patience) {
        counters = { ...counters, stopped: true };
        stoppedBy = 'patience';
      }
      await checkpoint();
    }
    if (stoppedBy === 'steps' || stoppedBy === 'interrupted') await checkpoint();
  } finally {
    optimizer.dispose();
  }
  // evaluation uses the best adapter (as the paper saves it on improvement)
  if (best && stoppedBy !== 'steps' && stoppedBy !== 'interrupted') model.params.assign(best, 'adapter', 'best adapter');
  const adapter = best && stoppedBy !== 'steps' && stoppedBy !== 'interrupted' ? best : await model.params.read('adapter');
  return {
    settings,
    trainableParameters: loraParameterCount(model.config, settings),
    losses,
    validation: validationLog,
    bestEpoch: counters.bestEpoch,
    stoppedBy,
    adapter,
    seconds: (performance.now() - started) / 1000,
    resumedFromStep,
  };
}

/** Mean caption loss over samples, each on its fixed reference (no dropout). */
export async function meanLoss(
  model: Blip2Idc,
  tokenizer: WordTokenizer,
  pipeline: PairPipeline,
  samples: readonly IdcSample[],
  seed: number,
  batchSize: number,
  frozen?: FrozenFeatureCache,
): Promise<number> {
  let total = 0;
  let count = 0;
  for (let start = 0; start < samples.length; start += batchSize) {
    const prepared = await pipeline.prepare(samples.slice(start, start + batchSize), 0);
    if (prepared.samples.length === 0) continue;
    const batch = captionBatch(
      prepared.pixels,
      prepared.samples.map((s) => referenceOf(s, seed, -1)),
      model.config,
      tokenizer,
    );
    const features = frozen ? await frozen.features(prepared.samples, batch.patches) : undefined;
    const loss = tf.tidy(() => (frozen && features ? model.lossFrom(frozen.stage, features, batch) : model.loss(batch)));
    features?.dispose();
    total += ((await loss.data())[0] as number) * prepared.samples.length;
    count += prepared.samples.length;
    loss.dispose();
    disposeBatch(batch);
  }
  return count === 0 ? NaN : total / count;
}
