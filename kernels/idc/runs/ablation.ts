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
import { currentCell, currentSignal, type DisplayHandle } from '../../outputs/cellContext';
import type { CategoryChartPayload, TrainingPayload } from '../../outputs/contracts';
import { categoryChartBundle } from '../display/categoryChart';
import type { MimeBundle } from '../../outputs/mime';
import { MIME_BUNDLE, type RichOutput } from '../../outputs/richOutput';
import { trainingBundle } from '../display/training';
import { categoryAccuracy } from '../data/synthetic/categoryClassifier';
import { validateLora, type LoraModule } from '../model/lora';
import { writeFileAtomic } from '../../platform/atomicWrite';
import type { BackendName } from '../backends/backend';
import { defaultBase } from '../model/baseFiles';
import { loadData, type DataSpec } from '../data/dataSpec';
import { mostCommonCaption, scoreCaptions, type RunMetrics } from './scoring';
import type { Job, LoraJob, RunRecord, TrainSettings, WorkerMessage, ZeroShotRecord } from './jobs';
import { local, type Executor } from './executor';
import { checkOptions, type OptionKeys } from '../../platform/options';
import { DEFAULT_ABLATION_OUT, DEFAULT_BACKEND, DEFAULT_GRID, DEFAULT_LORA_TRAINING, DEFAULT_SYNTHETIC } from '../defaults';

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
   * demo the Q-Former and LLM reach further; README, "Model and training").
   */
  modules?: LoraModule[][];
  /**
   * AdamW's (peak) learning rate (default 3e-3: with the cosine schedule over 1,500 steps r16 on
   * the Q-Former and LLM reached 66% category accuracy, 59.5% from 2e-3; the paper's 5e-5 to
   * 1e-4 are for BLIP-2's 3.8 B parameters).
   */
  learningRate?: number;
  /**
   * The learning rate over a run: `cosine` (default) decays it to a tenth over `maxSteps`, as a
   * run cut at a step budget needs (constant 2e-3 gave 54% where cosine from 3e-3 gave 66%);
   * `constant` is the paper's, for runs that stop by patience.
   */
  schedule?: 'constant' | 'cosine';
  batchSize?: number;
  maxEpochs?: number;
  patience?: number;
  /**
   * Optimizer steps per run at most: the time budget of a run (default 1500: the default grid
   * on two cores in about seven minutes; pass Infinity to stop only by patience or epochs).
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

export interface AblationJson {
  runs: Array<Omit<RunRecord, 'predictions' | 'losses' | 'validation' | 'name'>>;
  baselines: { zero_shot: RunMetrics; constant: RunMetrics & { caption: string } };
  classifier_accuracy_on_references: number;
  backend: string;
  config: Record<string, unknown>;
}

const runName = (rank: number, modules: readonly LoraModule[]) => `r${rank} ${modules.join('+')}`;
const folderName = (name: string) => name.replace(/[^a-z0-9]+/gi, '-');

/** Scores by change category of named runs, as a category-chart payload. */
function scoresChart(series: Array<[string, RunMetrics]>, note: string): CategoryChartPayload {
  const categories = [...new Set(series.flatMap(([, m]) => Object.keys(m.per_category))), 'overall'];
  const metrics = ['CIDEr', 'Bleu_4', 'ROUGE_L', 'METEOR'];
  return {
    v: 1,
    title: 'LoRA ablation: scores by change category (test split)',
    categories,
    metrics,
    series: series.map(([name, m]) => ({
      name,
      values: Object.fromEntries(
        metrics.map((metric) => [metric, categories.map((c) => (c === 'overall' ? m.overall : m.per_category[c])?.[metric as 'CIDEr'] ?? null)]),
      ),
    })),
    notes: [`category accuracy: ${series.map(([n, m]) => `${n} ${(100 * m.category_accuracy).toFixed(1)}%`).join(', ')}; ${note}`],
  };
}

export class AblationResult implements RichOutput {
  constructor(
    readonly runs: RunRecord[],
    readonly zeroShot: ZeroShotRecord,
    readonly constant: RunMetrics & { caption: string },
    readonly classifierAccuracy: number,
    readonly backend: string,
    readonly config: Record<string, unknown>,
  ) {}

  /** The best run by overall CIDEr-D. */
  get best(): RunRecord | undefined {
    return [...this.runs].sort((a, b) => (b.metrics.overall.CIDEr ?? 0) - (a.metrics.overall.CIDEr ?? 0))[0];
  }

  toJson(): AblationJson {
    return {
      runs: this.runs.map(({ predictions: _p, losses: _l, validation: _v, name: _n, ...rest }) => rest),
      baselines: { zero_shot: this.zeroShot.metrics, constant: this.constant },
      classifier_accuracy_on_references: this.classifierAccuracy,
      backend: this.backend,
      config: this.config,
    };
  }

  async save(file: string): Promise<void> {
    await fs.promises.mkdir(path.dirname(path.resolve(file)), { recursive: true });
    await writeFileAtomic(file, `${JSON.stringify(this.toJson(), null, 1)}\n`);
  }

  private series(): Array<[string, RunMetrics]> {
    return [
      ...this.runs.map((r) => [r.name, r.metrics] as [string, RunMetrics]),
      ['zero-shot base', this.zeroShot.metrics],
      ['constant caption', this.constant],
    ];
  }

  /** CIDEr-D by category for every run and both baselines (a category-chart output). */
  chart(): RichOutput {
    const payload = scoresChart(
      this.series(),
      `the keyword classifier assigns ${(100 * this.classifierAccuracy).toFixed(1)}% of the references to their category`,
    );
    return { [MIME_BUNDLE]: () => categoryChartBundle(payload) };
  }

  tableText(): string {
    const rows = [['run', 'trainable', 'adapter KB', 'train s', 'CIDEr-D', 'BLEU-4', 'METEOR', 'ROUGE-L', 'cat. acc.', 'distinct']];
    const fmt = (v: number | undefined) => (v === undefined ? '-' : (100 * v).toFixed(1));
    for (const r of this.runs)
      rows.push([
        r.name,
        String(r.trainable_params),
        (r.adapter_bytes / 1024).toFixed(1),
        r.train_seconds.toFixed(0),
        fmt(r.metrics.overall.CIDEr),
        fmt(r.metrics.overall.Bleu_4),
        fmt(r.metrics.overall.METEOR),
        fmt(r.metrics.overall.ROUGE_L),
        fmt(r.metrics.category_accuracy),
        String(r.metrics.distinct_captions),
      ]);
    for (const [name, m] of [
      ['zero-shot base', this.zeroShot.metrics],
      ['constant caption', this.constant],
    ] as const)
      rows.push([
        name,
        '-',
        '-',
        '-',
        fmt(m.overall.CIDEr),
        fmt(m.overall.Bleu_4),
        fmt(m.overall.METEOR),
        fmt(m.overall.ROUGE_L),
        fmt(m.category_accuracy),
        String(m.distinct_captions),
      ]);
    const widths = rows[0]!.map((_, k) => Math.max(...rows.map((r) => (r[k] as string).length)));
    const lines = rows.map((r) => r.map((c, k) => (k === 0 ? c.padEnd(widths[k] as number) : c.padStart(widths[k] as number))).join('  '));
    return [
      ...lines,
      `scores x100 on the test split; backend ${this.backend}, test captions by ${this.zeroShot.caption_engine}; keyword classifier on the references: ${(100 * this.classifierAccuracy).toFixed(1)}%`,
    ].join('\n');
  }

  table(): RichOutput {
    return { [MIME_BUNDLE]: () => ({ 'text/plain': this.tableText() }) };
  }

  curves(): RichOutput {
    const payload: TrainingPayload = {
      v: 1,
      title: 'LoRA ablation: training loss',
      runs: this.runs.map((r) => ({ name: r.name, loss: r.losses, validation: r.validation, state: 'done' })),
      notes: [],
    };
    return { [MIME_BUNDLE]: () => trainingBundle(payload) };
  }

  [MIME_BUNDLE](): MimeBundle {
    return { 'text/plain': this.tableText() };
  }
}

/** What makes a run what it is: the settings a finished or checkpointed run is reused for. */
function jobSettings(job: Extract<Job, { dir: string }>): Record<string, unknown> {
  const { dir: _dir, name: _name, ...rest } = job;
  return rest;
}

/** A copy with every object's keys in order, so equal settings always serialise alike. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]),
  );
}

/** The top-level fields that differ between two saved settings, for the error message. */
function settingsDifference(saved: string, wanted: string): string {
  let a: Record<string, unknown>;
  try {
    a = JSON.parse(saved) as Record<string, unknown>;
  } catch {
    return 'job.json is not valid JSON';
  }
  if (typeof a !== 'object' || a === null) return 'job.json is not a JSON object';
  const b = JSON.parse(wanted) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
  return keys.map((k) => `${k}: ${JSON.stringify(a[k])} there, ${JSON.stringify(b[k])} now`).join('; ');
}

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
  for (const rank of ranks) for (const modules of moduleSets) validateLora({ rank, modules });
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
  const config = { base, data, ranks, modules: moduleSets, train, backend, executor: executor.describe(), out };

  const loraJobs: LoraJob[] = ranks.flatMap((rank) =>
    moduleSets.map((modules) => ({
      kind: 'lora' as const,
      name: runName(rank, modules),
      dir: path.join(out, folderName(runName(rank, modules))),
      base,
      data,
      rank,
      modules: [...modules],
      train,
      backend,
    })),
  );
  const zeroShotJob: Job = { kind: 'zero-shot', name: 'zero-shot base', dir: path.join(out, 'zero-shot'), base, data, backend };
  // finished runs are read back, not run again; a folder holding a run of other settings is
  // refused rather than reused (its result or checkpoint would pass for this configuration)
  const done = new Map<string, RunRecord | ZeroShotRecord>();
  for (const job of [...loraJobs, zeroShotJob]) {
    const settings = `${JSON.stringify(sortedKeys(jobSettings(job)), null, 1)}\n`;
    const settingsFile = path.join(job.dir, 'job.json');
    if (fs.existsSync(settingsFile)) {
      const saved = fs.readFileSync(settingsFile, 'utf8');
      if (saved !== settings)
        throw new Error(
          `${settingsFile}: this folder holds the run "${job.name}" with other settings (${settingsDifference(saved, settings)}); pass another \`out\` or remove ${job.dir}`,
        );
    } else if (fs.existsSync(job.dir) && fs.readdirSync(job.dir).length > 0) {
      throw new Error(`${job.dir}: expected an empty folder or one of this grid's runs (with job.json), found other files; pass another \`out\` or remove it`);
    }
    await fs.promises.mkdir(job.dir, { recursive: true });
    await writeFileAtomic(settingsFile, settings);
    const file = path.join(job.dir, 'result.json');
    if (fs.existsSync(file)) done.set(job.name, JSON.parse(fs.readFileSync(file, 'utf8')) as RunRecord | ZeroShotRecord);
  }

  const live: TrainingPayload = {
    v: 1,
    title: 'LoRA ablation: training loss',
    runs: loraJobs.map((j) => ({
      name: j.name,
      loss: [...((done.get(j.name) as RunRecord | undefined)?.losses ?? [])],
      validation: [],
      state: done.has(j.name) ? 'done' : 'waiting',
    })),
    notes: [],
  };
  const handle: DisplayHandle | undefined = currentCell()?.display(trainingBundle(live));
  let lastShown = 0;
  const show = (force = false) => {
    if (!handle || (!force && Date.now() - lastShown < 500)) return;
    lastShown = Date.now();
    handle.update(trainingBundle(live));
  };
  // the scores of the runs finished so far, filling in as runs (local or on Slurm) finish
  let scoresHandle: DisplayHandle | undefined;
  const showScores = () => {
    const finished = [zeroShotJob, ...loraJobs].flatMap((j) => {
      const r = done.get(j.name);
      return r ? [[j.name, r.metrics] as [string, RunMetrics]] : [];
    });
    if (finished.length === 0) return;
    const bundle = categoryChartBundle(scoresChart(finished, `${finished.length} of ${loraJobs.length + 1} runs scored so far`));
    if (scoresHandle) scoresHandle.update(bundle);
    else scoresHandle = currentCell()?.display(bundle);
  };
  const onMessage = (m: WorkerMessage) => {
    if (m.type === 'done' && 'metrics' in m.record) {
      done.set(m.name, m.record as RunRecord | ZeroShotRecord);
      showScores();
    }
    const run = live.runs.find((r) => r.name === m.name);
    if (!run) return;
    if (m.type === 'progress') {
      run.state = 'running';
      run.loss.push(m.loss);
    } else if (m.type === 'epoch') run.validation.push({ epoch: m.epoch, loss: m.validationLoss });
    else run.state = m.type === 'done' ? 'done' : 'failed';
    show(m.type !== 'progress');
  };
  showScores();
  const todo = longestFirst([...loraJobs, zeroShotJob]).filter((j) => !done.has(j.name));
  const signal = currentSignal();
  let records: Array<RunRecord | ZeroShotRecord>;
  try {
    records = (await executor.run(todo, signal, onMessage)) as Array<RunRecord | ZeroShotRecord>;
  } catch (error) {
    for (const r of live.runs) if (r.state === 'running' || r.state === 'waiting') r.state = signal.aborted ? 'interrupted' : r.state;
    show(true);
    throw signal.aborted ? new Error(`ablation interrupted; finished runs and checkpoints are kept in ${out}: run it again to resume`) : error;
  }
  for (const r of records) done.set(r.name, r);
  show(true);

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
