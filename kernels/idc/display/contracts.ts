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

/** An encoded image inside a payload: base64 of PNG or JPEG bytes. */
export interface EncodedImage {
  mime: 'image/png' | 'image/jpeg';
  width: number;
  height: number;
  /** base64 of the encoded bytes. */
  data: string;
}

/**
 * application/vnd.idc-lab.image-pair+json: one page of image pairs with what is known of each
 * (references, a prediction, the category, per-sample scores). `before` is shown at `after`'s
 * size (the reference resized as the model sees it), so the two can be swiped and subtracted.
 */
/** application/vnd.idc-lab.training+json: loss curves of one or more runs, updated in place. */
export interface TrainingPayload {
  v: 1;
  title: string;
  runs: TrainingRun[];
  notes: string[];
}

export interface TrainingRun {
  name: string;
  /** Training loss per optimizer step. */
  loss: number[];
  /** Mean validation loss after each epoch. */
  validation: Array<{ epoch: number; loss: number }>;
  state: 'waiting' | 'running' | 'done' | 'failed' | 'interrupted';
}

export interface ImagePairPayload {
  v: 1;
  title: string;
  pairs: ImagePairItem[];
  /** Position of the first pair in the selection, and the selection's size ("1-12 of 500"). */
  offset: number;
  total: number;
  notes: string[];
}

export interface ImagePairItem {
  id: string;
  before: EncodedImage;
  after: EncodedImage;
  /** Per-pixel absolute difference (largest over the channels), a grey image of `after`'s size. */
  mask?: EncodedImage;
  references: string[];
  prediction?: string;
  category?: string;
  split?: string;
  /** Per-sample scores, for example {CIDEr: 0.83}. */
  scores?: Record<string, number>;
}
