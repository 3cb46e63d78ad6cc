/**
 * `idc.train.ablation(...)`: the LoRA rank x module grid of the paper, one seeded run per
 * configuration in worker processes (one per core by default), each scored on the test split
 * per category, beside two baselines: the zero-shot base model and the constant caption (the
 * most common training reference). Every run works in its own folder under `out`; a grid
 * started again skips finished runs and resumes the others from their checkpoints.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { currentSignal } from '../../outputs/cellContext';
import { checkOptions, type OptionKeys } from '../../platform/options';
import type { BackendName } from '../backends/backend';
import { loadData, type DataSpec } from '../data/dataSpec';
import { categoryAccuracy } from '../data/synthetic/categoryClassifier';
import { DEFAULT_ABLATION_OUT, DEFAULT_BACKEND, DEFAULT_GRID, DEFAULT_LORA_TRAINING, DEFAULT_SYNTHETIC } from '../defaults';
import { defaultBase } from '../model/blip2/files';
import { validateLoraSettings, type LoraPart } from '../model/blip2/lora';
import { AblationResult } from './ablationResult';
import { local, type Executor } from './executor';
import type { Job, LoraJob, RunRecord, TrainSettings, WorkerMessage, ZeroShotJob, ZeroShotRecord } from './jobs';
import { LiveAblation } from './liveDisplay';
import { baseFingerprint, openRunFolders } from './runFolders';
import { mostCommonCaption, scoreCaptions } from './scoring';

export interface AblationOptions {
  /** The base model folder (default: the shipped media/base). */
  base?: string;
  /** The data (default: the embedded synthetic set, 2000 pairs at 64 px, seed 1). */
  data?: DataSpec;
  /** LoRA ranks (default [4, 16]). */
  ranks?: number[];
  /**
   * Adapted module sets (default [['qformer', 'llm']]: on two CPU cores an adapter in the ViT
   * costs twice the step time for back-propagating through it, and in the 10 minutes of the
   * demo the Q-Former and LLM reach further; docs/research-log.md).
   */
  modules?: LoraPart[][];
  /**
   * AdamW's (peak) learning rate (default 3e-3: with the cosine schedule over 1,500 steps r16 on
   * the Q-Former and LLM reaches CIDEr-D 167.7 and 69.0% category accuracy from the shipped
   * base; 6e-3 gave 59.5 and 33.5% where 3e-3 gave 92.1 and 42.5% on its first pretraining
   * stage alone (docs/research-log.md); the paper's 5e-5 to 1e-4 are for BLIP-2's 3.8 B
   * parameters).
   */
  learningRate?: number;
  /**
   * The learning rate over a run: `cosine` (default) decays it to a tenth over `maxSteps`, as a
   * run cut at a step budget needs (on the earlier architecture constant 2e-3 gave 54% where
   * cosine from 3e-3 gave 66%); `constant` is the paper's, for runs that stop by patience.
   */
  schedule?: 'constant' | 'cosine';
  batchSize?: number;
  maxEpochs?: number;
  patience?: number;
  /**
   * Optimizer steps per run at most: the time budget of a run (default 1500: the default grid
   * on two cores in about 8 to 9.5 minutes, build included, on the BLIP-2 mini config; pass Infinity
   * to stop only by patience or epochs).
   */
  maxSteps?: number;
  seed?: number;
  /** Worker processes of the local executor (default: one per core). */
  workers?: number;
  /** Where the runs execute: `idc.train.local()` (default) or `idc.train.slurm({...})`. */
  executor?: Executor;
  /** Where runs keep their checkpoints, adapters and results (default out/ablation). */
  out?: string;
  backend?: BackendName;
  checkpointEvery?: number;
}

const runName = (rank: number, modules: readonly LoraPart[]) => `r${rank} ${modules.join('+')}`;
const folderName = (name: string) => name.replace(/[^a-z0-9]+/gi, '-');

/**
 * The order workers take jobs in: the costliest first, so that the cheap ones fill in at the
 * end and the workers finish together. A step's cost is set by how deep the gradient goes:
 * an adapter in the ViT back-propagates through every stage, one in the Q-Former through
 * the Q-Former and decoder, one in the LLM alone through the decoder only (whose frozen
 * inputs are computed once, frozenFeatures.ts). Ties keep the grid's order.
 */
export function longestFirst(jobs: readonly Job[]): Job[] {
  const cost = (j: Job) => (j.kind !== 'lora' ? 0 : (j.train.maxSteps ?? 1e9) * (j.modules.includes('vit') ? 3 : j.modules.includes('qformer') ? 1.5 : 1));
  return jobs
    .map((job, i) => ({ job, i }))
    .sort((a, b) => cost(b.job) - cost(a.job) || a.i - b.i)
    .map((x) => x.job);
}

const ABLATION_OPTIONS: OptionKeys<AblationOptions> = {
  base: true,
  data: true,
  ranks: true,
  modules: true,
  learningRate: true,
  schedule: true,
  batchSize: true,
  maxEpochs: true,
  patience: true,
  maxSteps: true,
  seed: true,
  workers: true,
  executor: true,
  out: true,
  backend: true,
  checkpointEvery: true,
};

export async function ablation(options: AblationOptions = {}): Promise<AblationResult> {
  checkOptions('idc.train.ablation', options, ABLATION_OPTIONS);
  const ranks = options.ranks ?? [...DEFAULT_GRID.ranks];
  const moduleSets = options.modules ?? DEFAULT_GRID.modules.map((m) => [...m]);
  for (const rank of ranks) for (const modules of moduleSets) validateLoraSettings({ rank, parts: modules });
  const base = path.resolve(options.base ?? defaultBase());
  if (!fs.existsSync(path.join(base, 'config.json')))
    throw new Error(
      `${base}: expected a base model folder (config.json, model.safetensors, tokenizer.json), found none; run \`npm run pretrain\` or pass {base}`,
    );
  const data: DataSpec = options.data ?? { synthetic: { ...DEFAULT_SYNTHETIC } };
  const d = DEFAULT_LORA_TRAINING;
  const train: TrainSettings = {
    learningRate: options.learningRate ?? d.learningRate,
    batchSize: options.batchSize ?? d.batchSize,
    maxEpochs: options.maxEpochs ?? d.maxEpochs,
    patience: options.patience ?? d.patience,
    seed: options.seed ?? d.seed,
    checkpointEvery: options.checkpointEvery ?? d.checkpointEvery,
    ...(options.maxSteps === Infinity ? {} : { maxSteps: options.maxSteps ?? d.maxSteps }),
    // a constant rate is recorded as no schedule, as runs made before schedules existed were
    ...((options.schedule ?? d.schedule) === 'constant' ? {} : { schedule: 'cosine' as const }),
  };
  const backend = options.backend ?? DEFAULT_BACKEND;
  const out = path.resolve(options.out ?? DEFAULT_ABLATION_OUT);
  const executor = options.executor ?? local({ ...(options.workers !== undefined ? { workers: options.workers } : {}) }, os.cpus().length);
  const loaded = await loadData(data);
  const fingerprint = baseFingerprint(base);
  const config = { base, data, ranks, modules: moduleSets, train, backend, executor: executor.describe(), out };

  const loraJobs: LoraJob[] = ranks.flatMap((rank) =>
    moduleSets.map((modules) => ({
      kind: 'lora' as const,
      name: runName(rank, modules),
      dir: path.join(out, folderName(runName(rank, modules))),
      base,
      baseFingerprint: fingerprint,
      data,
      rank,
      modules: [...modules],
      train,
      backend,
    })),
  );
  const zeroShotJob: ZeroShotJob = {
    kind: 'zero-shot',
    name: 'zero-shot base',
    dir: path.join(out, 'zero-shot'),
    base,
    baseFingerprint: fingerprint,
    data,
    backend,
  };
  const done = await openRunFolders([...loraJobs, zeroShotJob]);

  const live = await LiveAblation.open(loraJobs, zeroShotJob, done, loaded.samples.filter((s) => s.split === 'train').length);
  const onMessage = (m: WorkerMessage) => {
    if (m.type === 'done' && 'metrics' in m.record) done.set(m.name, m.record as RunRecord | ZeroShotRecord);
    live.update(m, done);
  };
  const todo = longestFirst([...loraJobs, zeroShotJob]).filter((j) => !done.has(j.name));
  const signal = currentSignal();
  let records: Array<RunRecord | ZeroShotRecord>;
  try {
    records = (await executor.run(todo, signal, onMessage)) as Array<RunRecord | ZeroShotRecord>;
  } catch (error) {
    live.stopped(signal.aborted);
    throw signal.aborted ? new Error(`ablation interrupted; finished runs and checkpoints are kept in ${out}: run it again to resume`) : error;
  }
  for (const r of records) done.set(r.name, r);
  live.finished();

  const test = loaded.samples.filter((s) => s.split === 'test');
  const caption = mostCommonCaption(loaded.samples);
  const constant = { ...scoreCaptions(test, new Map(test.map((s) => [s.id, caption])), loaded.categories), caption };
  const refs = test.flatMap((s) => s.references);
  const truth = test.flatMap((s) => s.references.map(() => s.category));
  const classifierAccuracy = categoryAccuracy(refs, truth, loaded.categories);
  const runs = loraJobs.map((j) => done.get(j.name) as RunRecord);
  const result = new AblationResult(runs, done.get(zeroShotJob.name) as ZeroShotRecord, constant, classifierAccuracy, runs[0]?.backend ?? backend, config);
  await result.save(path.join(out, 'ablation.json'));
  return result;
}
