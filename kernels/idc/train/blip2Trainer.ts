/**
 * LoRA training of the BLIP-2 (OPT) model as BLIP2IDC trains it: a new adapter (PEFT's init) on
 * the chosen parts, AdamW, one seeded reference per pair and epoch, captions as BOS, words, EOS
 * and EOS padding, BLIP2IDC's loss by default (every label, padding included, no attention
 * mask), validation after each epoch with early stopping and the best adapter kept; checkpoints
 * every few steps and on interruption, from which a killed run goes on exactly. Stages no
 * adapter touches are computed once per pair and reused (without augmentation).
 */
import * as tf from '@tensorflow/tfjs-core';
import { LRUCache } from 'lru-cache';
import { hashSeed, SeededRandom } from '../../platform/random';
import type { TensorMap } from '../../platform/safetensors';
import { PairPipeline } from '../data/images/pairPipeline';
import { channelsFirstValues } from '../data/images/processor';
import type { IdcSample } from '../data/types';
import { DEFAULT_LORA_TRAINING } from '../defaults';
import {
  blip2idcTargetModules,
  linearModules,
  linearSize,
  newLoraAdapter,
  targetedModules,
  validateLoraSettings,
  type LoraSettings,
} from '../model/blip2/lora';
import { captionLoss, type CaptionLoss } from '../model/blip2/loss';
import type { Blip2Model } from '../model/blip2/model';
import type { CaptionTokenizer } from '../model/blip2/tokenizer';
import { AdamW } from './adamw';
import { hasCheckpoint, loadCheckpoint, saveCheckpoint, type TrainingCounters } from './checkpoint';
import { scheduledRate, type LearningRateSchedule } from './schedule';

export interface Blip2TrainOptions {
  model: Blip2Model;
  tokenizer: CaptionTokenizer;
  /** Samples of every split: train ones are trained on, validation ones give the epoch loss. */
  samples: readonly IdcSample[];
  lora: LoraSettings;
  seed?: number;
  learningRate?: number;
  batchSize?: number;
  maxEpochs?: number;
  patience?: number;
  /** Text tokens per caption at most, BOS and EOS included (default 24). */
  maxTokens?: number;
  /** `blip2idc` (default, BLIP2IDC's) or `masked` (padding left out of the mean). */
  loss?: CaptionLoss;
  checkpointDir?: string;
  checkpointEvery?: number;
  maxSteps?: number;
  schedule?: LearningRateSchedule;
  signal?: AbortSignal;
  pipeline?: PairPipeline;
  /** Reuse the outputs of the stages no adapter touches (default true; without augmentation only). */
  reuseFrozenFeatures?: boolean;
  onStep?: (info: { step: number; epoch: number; loss: number; learningRate: number; seconds: number }) => void;
  onEpoch?: (info: { epoch: number; validationLoss: number; improved: boolean }) => void;
}

export type StopReason = 'patience' | 'epochs' | 'steps' | 'interrupted';

export interface Blip2TrainResult {
  trainableParameters: number;
  losses: number[];
  validation: Array<{ epoch: number; loss: number }>;
  bestEpoch: number | null;
  stoppedBy: StopReason;
  /** The adapter now in the model: the best validation epoch's, or the last one when cut short. */
  adapter: TensorMap;
  seconds: number;
  resumedFromStep: number | null;
}

/** A batch's text: ids [B, T] (BOS, words, EOS, EOS padding) and the mask of real tokens (the first EOS included). */
export function captionIds(tokenizer: CaptionTokenizer, captions: readonly string[], maxTokens: number, eos: number): { ids: number[][]; mask: number[][] } {
  const rows = captions.map((c) => [...tokenizer.encode(c).slice(0, maxTokens - 1), eos]);
  const length = Math.max(...rows.map((r) => r.length));
  return {
    ids: rows.map((r) => [...r, ...new Array<number>(length - r.length).fill(eos)]),
    mask: rows.map((r) => [...r.map(() => 1), ...new Array<number>(length - r.length).fill(0)]),
  };
}

/** Pixels NHWC [n, S, S, 3] (the pipeline's layout) -> channels first [n, 3, S, S], as pixel_values. */
export function channelsFirst(pixels: Float32Array, count: number, size: number): tf.Tensor4D {
  return tf.tensor4d(channelsFirstValues(pixels, count, size), [count, 3, size, size]);
}

/** Which reference a sample is trained on in an epoch: a seeded draw, the same on resume. */
function referenceOf(sample: IdcSample, seed: number, epoch: number): string {
  const refs = sample.references;
  return refs[Math.abs(hashSeed(`${seed}:${epoch}:${sample.id}`)) % refs.length] as string;
}

type Stage = 'image' | 'prefix';

/** Outputs of a frozen stage per pair ([tokens, width] each), computed once. */
class StageCache {
  private readonly cache = new LRUCache<string, Float32Array>({ maxSize: 512 * 1024 * 1024, sizeCalculation: (v) => v.byteLength });
  private shape: [number, number] | undefined;

  constructor(
    private readonly model: Blip2Model,
    readonly stage: Stage,
  ) {}

  /** [B, tokens, width] for the samples; computed from `pixels` for those not seen yet. */
  outputs(samples: readonly IdcSample[], pixels: tf.Tensor4D): tf.Tensor3D {
    const keys = samples.map((s) => `${s.split}:${s.id}`);
    if (!this.shape || keys.some((k) => !this.cache.has(k))) {
      const computed = this.stage === 'image' ? this.model.imageOf(pixels) : this.model.prefixOf(pixels);
      const [, tokens, width] = computed.shape;
      this.shape = [tokens, width];
      const values = computed.dataSync() as Float32Array;
      computed.dispose();
      keys.forEach((k, i) => this.cache.set(k, values.slice(i * tokens * width, (i + 1) * tokens * width)));
    }
    const [tokens, width] = this.shape;
    const flat = new Float32Array(keys.length * tokens * width);
    keys.forEach((k, i) => flat.set(this.cache.get(k) as Float32Array, i * tokens * width));
    return tf.tensor3d(flat, [keys.length, tokens, width]);
  }
}

function fingerprint(options: Blip2TrainOptions, seed: number, lr: number, batchSize: number): string {
  const ids = options.samples.map((s) => `${s.split}:${s.id}`).join('|');
  const { model } = options;
  const lora = validateLoraSettings(options.lora);
  return JSON.stringify({
    lora: { rank: lora.rank, parts: [...lora.parts], alpha: lora.alpha, dropout: lora.dropout },
    seed,
    lr,
    batchSize,
    loss: options.loss ?? 'blip2idc',
    samples: hashSeed(ids),
    count: options.samples.length,
    config: model.config.json,
    // the step budget shapes a cosine schedule; with a constant rate it is only where the run stops
    schedule: options.schedule === 'cosine' ? { cosine: options.maxSteps ?? null } : 'constant',
  });
}

export async function trainBlip2Lora(options: Blip2TrainOptions): Promise<Blip2TrainResult> {
  const { model, tokenizer } = options;
  const d = DEFAULT_LORA_TRAINING;
  const seed = options.seed ?? d.seed;
  const lr = options.learningRate ?? d.learningRate;
  const batchSize = options.batchSize ?? d.batchSize;
  const maxEpochs = options.maxEpochs ?? d.maxEpochs;
  const patience = options.patience ?? d.patience;
  const checkpointEvery = options.checkpointEvery ?? d.checkpointEvery;
  const maxTokens = options.maxTokens ?? 24;
  const lossKind = options.loss ?? 'blip2idc';
  const schedule = options.schedule ?? 'constant';
  if (schedule !== 'constant' && schedule !== 'cosine')
    throw new RangeError(`trainBlip2Lora: schedule: expected "constant" or "cosine", found ${JSON.stringify(schedule)}`);
  const lora = validateLoraSettings(options.lora);
  const { rank, parts } = lora;
  const started = performance.now();

  const loraConfig = {
    r: rank,
    loraAlpha: lora.alpha,
    loraDropout: lora.dropout,
    targetModules: blip2idcTargetModules(model.config, parts),
  };
  model.attachLora(newLoraAdapter(model.config, loraConfig, seed));
  const trainableParameters = targetedModules(loraConfig.targetModules, linearModules(model.config)).reduce((n, m) => {
    const { inputs, outputs } = linearSize(model.config, m);
    return n + rank * (inputs + outputs);
  }, 0);
  const variables = model.params.adapters;
  const optimizer = new AdamW({ learningRate: lr });
  const size = model.config.vision.imageSize;
  const pipeline = options.pipeline ?? new PairPipeline({ width: size, height: size });
  const train = options.samples.filter((s) => s.split === 'train');
  const validation = options.samples.filter((s) => s.split === 'validation');
  if (train.length === 0) throw new Error('trainBlip2Lora: no samples in the train split');
  const stage: Stage | undefined =
    options.reuseFrozenFeatures === false || pipeline.augments || parts.includes('vit') ? undefined : parts.includes('qformer') ? 'image' : 'prefix';
  const frozen = stage ? new StageCache(model, stage) : undefined;
  const eos = model.config.text.eosTokenId;
  const print = fingerprint(options, seed, lr, batchSize);

  /** The loss of a batch's captions on its pixels (or its frozen stage's outputs). */
  const batchLoss = (samples: readonly IdcSample[], pixels: tf.Tensor4D, captions: readonly string[], dropout?: { seed: number }): tf.Scalar => {
    const { ids, mask } = captionIds(tokenizer, captions, maxTokens, eos);
    const start = frozen ? { [frozen.stage]: frozen.outputs(samples, pixels) } : { pixelValues: pixels };
    const out = model.forwardFrom(start as Parameters<Blip2Model['forwardFrom']>[0], { inputIds: ids }, dropout ? { dropout } : {});
    const loss = captionLoss(out.get('logits') as tf.Tensor3D, ids, lossKind === 'masked' ? mask : undefined);
    tf.dispose([...out.values(), ...Object.values(start)]);
    return loss;
  };

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
          const pixels = channelsFirst(prepared.pixels, prepared.samples.length, size);
          const captions = prepared.samples.map((s) => referenceOf(s, seed, counters.epoch));
          optimizer.learningRate = scheduledRate(schedule, lr, counters.step, totalSteps);
          const dropout = { seed: hashSeed(`${seed}:dropout:${counters.step}`) };
          const { value, grads } = tf.variableGrads(() => batchLoss(prepared.samples, pixels, captions, dropout), [...variables.values()]);
          const named: Record<string, tf.Tensor> = {};
          for (const [name, v] of variables) named[name] = grads[v.name] as tf.Tensor;
          optimizer.apply(variables, named);
          const loss = (await value.data())[0] as number;
          tf.dispose([value, pixels, ...Object.values(grads)]);
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
      // end of epoch: validation loss (no dropout, each pair on a fixed reference), best adapter, early stopping
      let validationLoss: number | null = null;
      if (validation.length > 0) {
        let total = 0;
        let count = 0;
        for (let at = 0; at < validation.length; at += batchSize) {
          const prepared = await pipeline.prepare(validation.slice(at, at + batchSize), 0);
          if (prepared.samples.length === 0) continue;
          const pixels = channelsFirst(prepared.pixels, prepared.samples.length, size);
          const loss = batchLoss(
            prepared.samples,
            pixels,
            prepared.samples.map((s) => referenceOf(s, seed, -1)),
          );
          total += ((await loss.data())[0] as number) * prepared.samples.length;
          count += prepared.samples.length;
          tf.dispose([loss, pixels]);
        }
        validationLoss = count === 0 ? null : total / count;
      }
      if (validationLoss !== null) {
        validationLog = [...validationLog, { epoch: counters.epoch, loss: validationLoss }];
        const improved = counters.bestValidationLoss === null || validationLoss < counters.bestValidationLoss;
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
  // evaluation uses the best adapter (as the paper saves it on improvement), unless the run was cut short
  const keepBest = best !== undefined && stoppedBy !== 'steps' && stoppedBy !== 'interrupted';
  if (keepBest && best) model.params.assign(best, 'adapter', 'best adapter');
  return {
    trainableParameters,
    losses,
    validation: validationLog,
    bestEpoch: counters.bestEpoch,
    stoppedBy,
    adapter: keepBest && best ? best : await model.params.read('adapter'),
    seconds: (performance.now() - started) / 1000,
    resumedFromStep,
  };
}
