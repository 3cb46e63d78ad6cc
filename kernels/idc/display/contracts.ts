/**
 * The output contracts: the JSON payloads of IDC Lab's own MIME types, versioned by `v`.
 * The kernel writes them and the renderers read them; both import this module, which holds
 * types and constants only (it is bundled into browser code).
 */
export { IDC_MIME } from './mime';

/** application/vnd.idc-lab.progress+json: a loop's progress, updated in place. */
export interface ProgressPayload {
  v: 1;
  label: string;
  /** Items finished. */
  done: number;
  /** Items in all, when known. */
  total: number | null;
  ratePerSecond: number | null;
  etaSeconds: number | null;
  elapsedSeconds: number;
  state: 'running' | 'done' | 'failed';
}

/**
 * application/vnd.idc-lab.category-chart+json: metrics by category for several series (LoRA
 * ranks, module sets, training sets), with optional confidence intervals.
 */
export interface CategoryChartPayload {
  v: 1;
  title: string;
  /** The x axis, in order ("overall" included when the producer adds it). */
  categories: string[];
  /** Metrics present in the series; the first is the one shown first. */
  metrics: string[];
  series: CategoryChartSeries[];
  /** Said wherever the chart is shown (for example "METEOR without a paraphrase table"). */
  notes: string[];
}

export interface CategoryChartSeries {
  name: string;
  /** values[metric][k]: the metric on categories[k]; null where this series has no score. */
  values: Record<string, Array<number | null>>;
  /** intervals[metric][k]: [low, high] of a confidence interval, null where unknown. */
  intervals?: Record<string, Array<[number, number] | null>>;
}
