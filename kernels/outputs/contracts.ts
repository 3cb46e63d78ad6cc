/**
 * The output contracts: the JSON payloads of IDC Lab's own MIME types, versioned by `v`.
 * The kernel writes them and the renderers read them; both import this module, which holds
 * types, constants and one cast only (it is bundled into browser code).
 */
import type { JsonValue } from './mime';

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
  /**
   * Optimizer steps the run takes at most, when known (its step budget, or epochs x batches):
   * what a progress line counts `loss.length` towards, for its percentage and ETA. Optional:
   * payloads written before it existed have none.
   */
  totalSteps?: number;
}

/**
 * application/vnd.idc-lab.image-pair+json: one page of image pairs with what is known of each
 * (references, a prediction, the category, per-sample scores). `before` is shown at `after`'s
 * size (the reference resized as the model sees it), so the two can be swiped and subtracted.
 */
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

/**
 * A matrix of attention weights quantised to 8 bits: value = byte * scale, bytes row-major,
 * base64. Each row of softmax weights sums to 1 within rows' length * scale / 2.
 */
export interface QuantisedMatrix {
  rows: number;
  columns: number;
  scale: number;
  data: string;
}

/**
 * application/vnd.idc-lab.attention+json: where the heads of the model look on one stacked
 * pair. `grid` is the patch grid over `image` (row-major patch order, as the model reads
 * them); the bottom image starts at patch row `boundaryRow`.
 */
export interface AttentionPayload {
  v: 1;
  title: string;
  image: EncodedImage;
  grid: { rows: number; columns: number; patch: number };
  boundaryRow: number;
  /** The caption the model gives the pair, when one was generated. */
  caption?: string;
  /**
   * ViT self-attention: per layer, per head, patches x patches (a row: where that patch looks).
   * The CLS token's row and column are left out here and given in `cls`, so rows sum to 1
   * less what the patch gives CLS.
   */
  layers: Array<{ layer: number; heads: Array<{ head: number; weights: QuantisedMatrix }> }>;
  /**
   * The ViT's CLS token, set apart: per layer and head, where it looks (1 x patches, its own
   * weight left out) and what each patch gives it (1 x patches). Absent for a ViT without one.
   */
  cls?: Array<{ layer: number; heads: Array<{ head: number; looksAt: QuantisedMatrix; given: QuantisedMatrix }> }>;
  /** Q-Former cross-attention: per cross layer (its index in the Q-Former), per head, queries x patches (CLS left out). */
  cross?: Array<{ layer: number; heads: Array<{ head: number; weights: QuantisedMatrix }> }>;
  /** Attention rollout across every ViT layer (heads averaged, residual added), patches x patches. */
  rollout?: QuantisedMatrix;
  notes: string[];
}

/** Every payload of the contracts above. */
export type OutputPayload = ProgressPayload | CategoryChartPayload | ImagePairPayload | TrainingPayload | AttentionPayload;

/**
 * A payload as the JSON value a MIME bundle carries. Payloads are plain JSON by construction
 * (numbers, strings, arrays and objects of them), which their interfaces cannot say to the
 * compiler as an index signature would; this is the one place that asserts it.
 */
export function payloadJson(payload: OutputPayload): JsonValue {
  return payload as unknown as JsonValue;
}
