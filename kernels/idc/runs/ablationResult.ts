/**
 * What an ablation gives back: every run's record beside the two baselines, shown as a table
 * (the result itself), a category chart (`chart()`) and loss curves (`curves()`), and saved as
 * ablation.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CategoryChartPayload, TrainingPayload } from '../../outputs/contracts';
import type { MimeBundle } from '../../outputs/mime';
import { MIME_BUNDLE, type RichOutput } from '../../outputs/richOutput';
import { writeFileAtomic } from '../../platform/atomicWrite';
import { categoryChartBundle } from '../display/categoryChart';
import { trainingBundle } from '../display/training';
import type { RunRecord, ZeroShotRecord } from './jobs';
import type { RunMetrics } from './scoring';

export interface AblationJson {
  runs: Array<Omit<RunRecord, 'predictions' | 'losses' | 'validation' | 'name'>>;
  baselines: { zero_shot: RunMetrics; constant: RunMetrics & { caption: string } };
  classifier_accuracy_on_references: number;
  backend: string;
  config: Record<string, unknown>;
}

/** Scores by change category of named runs, as a category-chart payload. */
export function scoresChart(series: Array<[string, RunMetrics]>, note: string): CategoryChartPayload {
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
