/**
 * How sure is a score? Seeded bootstrap over images: resample the scored images with
 * replacement, recompute each corpus metric on the sample, and read percentile intervals.
 * The paired test resamples the same images for two prediction sets on the same
 * references and reports how often A beats B: what a user comparing LoRA ranks needs to know
 * before calling a difference real.
 *
 * Corpus BLEU is recomputed from the sample's summed counts (as the corpus scorer does);
 * ROUGE-L and CIDEr-D are means of per-image scores, with CIDEr-D's idf fixed to the full
 * set (a resample repeats images, and idf over repeated reference sets is not meaningful).
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { bleuStats, corpusBleu, type BleuStats } from './bleu';
import { cider, type CiderOptions } from './cider';
import { countSet, GramIndex } from './gramIndex';
import { rougeL } from './rougeL';
import { corpusMeteor, type MeteorStats } from './meteor/index';
import { METRIC_NAMES, type MetricName, type MetricValues } from './scoreTokenized';
import type { TokenizedSet } from './types';
import { checkOptions, type OptionKeys } from '../../platform/options';

export interface BootstrapOptions {
  /** Number of resamples (default 1000). */
  samples?: number;
  /** Seed of the resampling (default 42, the paper's seed). */
  seed?: number;
  /** Two-sided confidence level of the intervals (default 0.95). */
  confidence?: number;
  cider?: CiderOptions;
}

export interface ConfidenceInterval {
  value: number;
  low: number;
  high: number;
}

export interface PairedComparison {
  a: number;
  b: number;
  /** a - b on the full set, with its bootstrap interval. */
  delta: ConfidenceInterval;
  /** Share of resamples where A scores higher than B (ties count half). */
  probabilityABetter: number;
}

/** Per-image pieces from which any resample's corpus metrics follow. */
interface ImageStats {
  bleu: BleuStats[];
  rouge: number[];
  cider: number[];
  meteor: readonly MeteorStats[] | undefined;
}

/** A metric of the bootstrap: the toolkit's, METEOR included when its statistics are given. */
export type BootstrapMetric = MetricName | 'METEOR';
type BootstrapValues = MetricValues & { METEOR?: number };
/** One value per toolkit metric, and for METEOR when its statistics were given. */
export type WithMeteor<T> = Record<MetricName, T> & { METEOR?: T };

function imageStats(set: TokenizedSet, options: BootstrapOptions, meteor: readonly MeteorStats[] | undefined): ImageStats {
  if (meteor && meteor.length !== set.ids.length) throw new Error(`bootstrap: ${meteor.length} METEOR statistics for ${set.ids.length} images`);
  const counted = countSet(set, options.cider?.documentFrequency?.index ?? new GramIndex());
  return { bleu: bleuStats(set, counted), rouge: rougeL(set, counted).perImage, cider: cider(set, options.cider, counted).perImage, meteor };
}

function corpusOf(stats: ImageStats, indices: ArrayLike<number>): BootstrapValues {
  const [b1, b2, b3, b4] = corpusBleu(stats.bleu, indices);
  let rouge = 0;
  let ciderSum = 0;
  for (let j = 0; j < indices.length; j++) {
    rouge += stats.rouge[indices[j] as number] as number;
    ciderSum += stats.cider[indices[j] as number] as number;
  }
  const values: BootstrapValues = {
    Bleu_1: b1 as number,
    Bleu_2: b2 as number,
    Bleu_3: b3 as number,
    Bleu_4: b4 as number,
    ROUGE_L: rouge / indices.length,
    CIDEr: ciderSum / indices.length,
  };
  if (stats.meteor) values.METEOR = corpusMeteor(stats.meteor, indices);
  return values;
}

function metricsOf(stats: ImageStats): BootstrapMetric[] {
  return stats.meteor ? [...METRIC_NAMES, 'METEOR'] : [...METRIC_NAMES];
}

/** Linear-interpolated quantile of sorted values (numpy's default method). */
export function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  return a + ((sorted[hi] as number) - a) * (pos - lo);
}

function* resamples(images: number, options: BootstrapOptions): Generator<Int32Array> {
  if (images === 0) throw new Error('bootstrap: the set has no images to resample');
  const rng = xoroshiro128plus(options.seed ?? 42);
  const indices = new Int32Array(images);
  for (let s = 0; s < (options.samples ?? 1000); s++) {
    for (let j = 0; j < images; j++) indices[j] = uniformInt(rng, 0, images - 1);
    yield indices;
  }
}

function interval(value: number, samples: number[], confidence: number): ConfidenceInterval {
  samples.sort((x, y) => x - y);
  const tail = (1 - confidence) / 2;
  return { value, low: quantile(samples, tail), high: quantile(samples, 1 - tail) };
}

function validate(options: BootstrapOptions): number {
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new Error(`bootstrap: confidence ${confidence}: expected a number between 0 and 1`);
  if (!Number.isInteger(options.samples ?? 1000) || (options.samples ?? 1000) < 1)
    throw new Error(`bootstrap: samples ${options.samples}: expected a positive integer`);
  return confidence;
}

/**
 * Percentile confidence intervals of every corpus metric; of METEOR too when its per-image
 * statistics (`meteor(set).stats`) are given.
 */
export const BOOTSTRAP_OPTIONS: OptionKeys<BootstrapOptions> = { samples: true, seed: true, confidence: true, cider: true };

export function bootstrapIntervals(set: TokenizedSet, options: BootstrapOptions = {}, meteorStats?: readonly MeteorStats[]): WithMeteor<ConfidenceInterval> {
  checkOptions('idc.metrics.bootstrapIntervals', options, BOOTSTRAP_OPTIONS);
  const confidence = validate(options);
  const stats = imageStats(set, options, meteorStats);
  const metrics = metricsOf(stats);
  const all = Int32Array.from(set.ids, (_, i) => i);
  const full = corpusOf(stats, all);
  const samples = new Map(metrics.map((m) => [m, [] as number[]]));
  for (const indices of resamples(set.ids.length, options)) {
    const values = corpusOf(stats, indices);
    for (const m of metrics) samples.get(m)?.push(values[m] as number);
  }
  return Object.fromEntries(metrics.map((m) => [m, interval(full[m] as number, samples.get(m) as number[], confidence)])) as WithMeteor<ConfidenceInterval>;
}

/** Paired bootstrap of two prediction sets (`candsA`, `candsB`) on the same references. */
export function pairedBootstrap(
  references: Pick<TokenizedSet, 'ids' | 'refs'>,
  candsA: readonly string[],
  candsB: readonly string[],
  options: BootstrapOptions = {},
  meteorStats?: { a: readonly MeteorStats[]; b: readonly MeteorStats[] },
): WithMeteor<PairedComparison> {
  const confidence = validate(options);
  const n = references.ids.length;
  if (candsA.length !== n || candsB.length !== n) {
    throw new Error(`paired bootstrap: expected ${n} candidates in each set, found ${candsA.length} (A) and ${candsB.length} (B)`);
  }
  const statsA = imageStats({ ...references, cands: candsA }, options, meteorStats?.a);
  const statsB = imageStats({ ...references, cands: candsB }, options, meteorStats?.b);
  const metrics = metricsOf(statsA);
  const all = Int32Array.from(references.ids, (_, i) => i);
  const fullA = corpusOf(statsA, all);
  const fullB = corpusOf(statsB, all);
  const deltas = new Map(metrics.map((m) => [m, [] as number[]]));
  const wins = new Map(metrics.map((m) => [m, 0]));
  let count = 0;
  for (const indices of resamples(n, options)) {
    const a = corpusOf(statsA, indices);
    const b = corpusOf(statsB, indices);
    for (const m of metrics) {
      const x = a[m] as number;
      const y = b[m] as number;
      deltas.get(m)?.push(x - y);
      wins.set(m, (wins.get(m) as number) + (x > y ? 1 : x === y ? 0.5 : 0));
    }
    count++;
  }
  return Object.fromEntries(
    metrics.map((m) => {
      const a = fullA[m] as number;
      const b = fullB[m] as number;
      return [m, { a, b, delta: interval(a - b, deltas.get(m) as number[], confidence), probabilityABetter: (wins.get(m) as number) / count }];
    }),
  ) as WithMeteor<PairedComparison>;
}
