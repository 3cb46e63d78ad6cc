/**
 * What a worker does with a run of the grid: a LoRA run trains (resuming from its checkpoint),
 * saves its adapter as PEFT saves one (`adapter/`: what `PeftModel.from_pretrained` and
 * `idc.model.load(base, {adapter})` open), captions the test split and scores it; the
 * zero-shot run captions and scores with the base alone. The caller (kernels/idc/worker.ts)
 * owns the process: messages, result.json and the exit.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BackendName } from '../backends/backend';
import { loadData } from '../data/dataSpec';
import { loadBlip2Base } from '../model/blip2/baseFolder';
import { ADAPTER_WEIGHTS_FILE } from '../model/blip2/lora';
import { trainBlip2Lora } from '../train/blip2Trainer';
import { captionSamples } from './evaluateRun';
import type { LoraJob, RunRecord, WorkerMessage, ZeroShotJob, ZeroShotRecord } from './jobs';
import { checkpointFolder } from './runFolders';
import { scoreCaptions } from './scoring';

/** The folder of a run's PEFT adapter. */
export const ADAPTER_FOLDER = 'adapter';

export async function runGridJob(
  job: LoraJob | ZeroShotJob,
  backend: BackendName,
  send: (message: WorkerMessage) => void,
): Promise<RunRecord | ZeroShotRecord> {
  const { model, tokenizer } = await loadBlip2Base(job.base);
  const data = await loadData(job.data);
  const test = data.samples.filter((s) => s.split === 'test');
  await fs.promises.mkdir(job.dir, { recursive: true });
  if (job.kind === 'zero-shot') {
    const { captions, engine, fallback } = await captionSamples(model, tokenizer, test);
    return {
      name: job.name,
      metrics: scoreCaptions(test, captions, data.categories),
      backend,
      caption_engine: engine,
      ...(fallback ? { caption_fallback: fallback } : {}),
      predictions: Object.fromEntries(captions),
    };
  }
  const result = await trainBlip2Lora({
    model,
    tokenizer,
    samples: data.samples,
    lora: { rank: job.rank, parts: job.modules },
    seed: job.train.seed,
    learningRate: job.train.learningRate,
    batchSize: job.train.batchSize,
    maxEpochs: job.train.maxEpochs,
    patience: job.train.patience,
    checkpointDir: checkpointFolder(job),
    checkpointEvery: job.train.checkpointEvery,
    ...(job.train.maxSteps !== undefined ? { maxSteps: job.train.maxSteps } : {}),
    ...(job.train.schedule !== undefined ? { schedule: job.train.schedule } : {}),
    onStep: (s) => send({ type: 'progress', name: job.name, ...s }),
    onEpoch: (e) => send({ type: 'epoch', name: job.name, epoch: e.epoch, validationLoss: e.validationLoss }),
  });
  const adapterFolder = path.join(job.dir, ADAPTER_FOLDER);
  await model.saveLora(adapterFolder, { baseModel: job.base });
  const { captions, engine, fallback } = await captionSamples(model, tokenizer, test);
  return {
    name: job.name,
    rank: job.rank,
    modules: job.modules,
    trainable_params: result.trainableParameters,
    adapter_bytes: (await fs.promises.stat(path.join(adapterFolder, ADAPTER_WEIGHTS_FILE))).size,
    train_seconds: Number(result.seconds.toFixed(1)),
    steps: result.losses.length,
    stopped_by: result.stoppedBy,
    best_epoch: result.bestEpoch,
    losses: result.losses.map((l) => Number(l.toFixed(5))),
    validation: result.validation,
    metrics: scoreCaptions(test, captions, data.categories),
    backend,
    caption_engine: engine,
    ...(fallback ? { caption_fallback: fallback } : {}),
    predictions: Object.fromEntries(captions),
  };
}
