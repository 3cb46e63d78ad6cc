/**
 * The notebook face of the metrics: `idc.metrics.score(...)` returns a `MetricsResult`,
 * which shows itself as a category chart (payload, text table, SVG fallback) and serialises
 * to the toolkit's JSON; `idc.metrics.chart({...})` puts several results side by side, for
 * example one per LoRA rank.
 */
import { categoryChartBundle } from '../display/categoryChart';
import type { CategoryChartPayload, CategoryChartSeries } from '../../outputs/contracts';
import type { MimeBundle } from '../../outputs/mime';
import { MIME_BUNDLE, type RichOutput } from '../../outputs/richOutput';
import {
  EVALUATE_OPTIONS,
  evaluateCaptions,
  REPORTED_METRICS,
  toToolkitJson,
  type CaptionEvaluation,
  type EvaluateOptions,
  type ReportedMetric,
} from './evaluate';
import { BOOTSTRAP_OPTIONS, pairedBootstrap, type BootstrapOptions, type PairedComparison, type WithMeteor } from './bootstrap';
import { pairCaptions, parseRefsCandsJson, type CaptionSet } from './inputs';
import { checkOptions, type OptionKeys } from '../../platform/options';

/** What `score` accepts: the ../shared/metrics JSON shape, or a caption set in image order. */
export type ScoreInput = { refs: Record<string, string[]>; cands: Record<string, string> } | CaptionSet;

export interface ScoreOptions extends EvaluateOptions {
  /** The series name in charts (default "predictions"). */
  name?: string;
}

/** CIDEr first: the paper's main metric. */
const CHART_ORDER: ReportedMetric[] = ['CIDEr', 'METEOR', 'Bleu_4', 'ROUGE_L', 'Bleu_1', 'Bleu_2', 'Bleu_3'];

export class MetricsResult implements RichOutput {
  constructor(
    readonly evaluation: CaptionEvaluation,
    readonly name: string,
  ) {}

  get corpus() {
    return this.evaluation.corpus;
  }

  get perCategory() {
    return this.evaluation.perCategory;
  }

  get notes() {
    return this.evaluation.notes;
  }

  /** The toolkit's JSON: {"corpus", "per_image"} (+ "per_category"). */
  toJSON(): Record<string, unknown> {
    return toToolkitJson(this.evaluation);
  }

  [MIME_BUNDLE](): MimeBundle {
    return chartOf({ [this.name]: this });
  }
}

function toCaptionSet(input: ScoreInput): CaptionSet {
  if ('ids' in input && Array.isArray(input.ids)) {
    const set = input as CaptionSet;
    return pairCaptions(new Map(set.ids.map((id, i) => [id, set.refs[i] ?? []])), new Map(set.ids.map((id, i) => [id, set.cands[i] as string])), {
      refs: 'refs',
      cands: 'cands',
    });
  }
  // validated like a file, so a bad argument gets the same clear messages
  return parseRefsCandsJson(JSON.stringify(input), 'score() argument');
}

const SCORE_OPTIONS: OptionKeys<ScoreOptions> = { ...EVALUATE_OPTIONS, name: true };

export function score(input: ScoreInput, options: ScoreOptions = {}): MetricsResult {
  checkOptions('idc.metrics.score', options, SCORE_OPTIONS);
  const { name, ...evaluate } = options;
  return new MetricsResult(evaluateCaptions(toCaptionSet(input), evaluate), name ?? 'predictions');
}

/** The chart payload of several results (one series each), categories plus "overall". */
export function chartPayload(results: Readonly<Record<string, MetricsResult>>, title = 'Caption metrics by category'): CategoryChartPayload {
  const entries = Object.entries(results);
  const categories: string[] = [];
  for (const [, r] of entries) for (const c of r.perCategory?.keys() ?? []) if (!categories.includes(c)) categories.push(c);
  categories.push('overall');
  const metrics = CHART_ORDER.filter((m) => entries.some(([, r]) => r.corpus[m] !== undefined));
  const series: CategoryChartSeries[] = entries.map(([name, r]) => {
    const tableOf = (c: string) => (c === 'overall' ? r.corpus : r.perCategory?.get(c));
    const values = Object.fromEntries(metrics.map((m) => [m, categories.map((c) => tableOf(c)?.[m] ?? null)]));
    const s: CategoryChartSeries = { name, values };
    const intervals = r.evaluation.intervals;
    if (intervals) {
      s.intervals = Object.fromEntries(
        metrics.map((m) => [
          m,
          categories.map((c) => {
            const ci = (c === 'overall' ? intervals.overall : intervals.byCategory.get(c))?.[m];
            return ci ? ([ci.low, ci.high] as [number, number]) : null;
          }),
        ]),
      );
    }
    return s;
  });
  const notes = [...new Set(entries.flatMap(([, r]) => [...r.notes, ...r.evaluation.warnings]))];
  return { v: 1, title, categories, metrics, series, notes };
}

function chartOf(results: Readonly<Record<string, MetricsResult>>, title?: string): MimeBundle {
  return categoryChartBundle(chartPayload(results, title));
}

export interface Comparison extends RichOutput {
  names: [string, string];
  /** Per metric: both scores, the difference with its interval, and P(first is better). */
  metrics: WithMeteor<PairedComparison>;
}

/**
 * A paired bootstrap between two results on the same references: which differences are
 * real. METEOR is included when both results computed it.
 */
export function compare(a: MetricsResult, b: MetricsResult, options: BootstrapOptions = {}): Comparison {
  checkOptions('idc.metrics.compare', options, BOOTSTRAP_OPTIONS);
  const ea = a.evaluation;
  const eb = b.evaluation;
  const sameRefs =
    ea.ids.length === eb.ids.length &&
    ea.ids.every((id, i) => id === eb.ids[i] && JSON.stringify(ea.tokenized.refs[i]) === JSON.stringify(eb.tokenized.refs[i]));
  if (!sameRefs) throw new Error(`compare: "${a.name}" and "${b.name}" were scored on different images or references; a paired test needs the same ones`);
  const meteorStats = ea.meteorStats && eb.meteorStats ? { a: ea.meteorStats, b: eb.meteorStats } : undefined;
  const metrics = pairedBootstrap(ea.tokenized, ea.tokenized.cands, eb.tokenized.cands, options, meteorStats);
  const names: [string, string] = [a.name, b.name === a.name ? `${b.name} (2)` : b.name];
  const text = () => {
    const rows = (Object.keys(metrics) as Array<keyof typeof metrics>).map((m) => {
      const c = metrics[m] as PairedComparison;
      return `${m.padEnd(8)} ${c.a.toFixed(4)} vs ${c.b.toFixed(4)}  difference ${c.delta.value >= 0 ? '+' : ''}${c.delta.value.toFixed(4)} [${c.delta.low.toFixed(4)}, ${c.delta.high.toFixed(4)}]  P(${names[0]} better) = ${c.probabilityABetter.toFixed(3)}`;
    });
    return [
      `${names[0]} vs ${names[1]}: paired bootstrap over ${ea.ids.length} images`,
      ...rows,
      ...[...new Set([...a.notes, ...b.notes])].map((n) => `note: ${n}`),
    ].join('\n');
  };
  return { names, metrics, [MIME_BUNDLE]: () => ({ 'text/plain': text() }) };
}

/** Several results as one chart, e.g. `chart({'r=4': a, 'r=8': b})`. */
export function chart(results: Readonly<Record<string, MetricsResult>>, title?: string): RichOutput {
  return { [MIME_BUNDLE]: () => chartOf(results, title) };
}

export { REPORTED_METRICS };
