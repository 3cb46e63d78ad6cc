/**
 * CIDEr-D as the COCO toolkit computes it (its "CIDEr"): tf-idf vectors of 1..4-grams,
 * idf = ln(N) - ln(max(1, df)) with df counted over the reference sets of the N scored
 * images, the candidate's tf-idf clipped at the reference's, a Gaussian length penalty
 * exp(-delta^2 / (2 sigma^2)) with sigma = 6 on the difference of BIGRAM counts (the
 * toolkit's "length"), mean over n, mean over references, x10.
 *
 * `variant: 'plain'` is the original CIDEr of Vedantam et al.: no clipping, no length
 * penalty, no x10. `documentFrequency` lets a caller take idf from a larger set than the
 * one scored (for per-category scores with whole-set idf).
 */
import { countSet, GramIndex, ORDERS as N, type CountedSet, type GramTable } from './gramIndex';
import type { MetricScores, TokenizedSet } from './types';
import { checkOptions, type OptionKeys } from '../../platform/options';

export interface CiderOptions {
  variant?: 'D' | 'plain';
  sigma?: number;
  /** df and the number of images it was counted over; default: from `set` itself. */
  documentFrequency?: DocumentFrequency;
}

/** In how many images' reference sets each n-gram appears (ids of `index`, per order). */
export interface DocumentFrequency {
  images: number;
  index: GramIndex;
  df: Int32Array[];
}

function documentFrequencyOf(refs: GramTable, refStart: Int32Array, index: GramIndex): DocumentFrequency {
  const images = refStart.length - 1;
  const df = index.size.map((size) => new Int32Array(size));
  // The last image that counted each gram: a gram repeated within one image counts once.
  const seenIn = index.size.map((size) => new Int32Array(size).fill(-1));
  for (let k = 0; k < N; k++) {
    const ids = refs.ids[k] as Int32Array;
    const start = refs.start[k] as Int32Array;
    const d = df[k] as Int32Array;
    const seen = seenIn[k] as Int32Array;
    for (let image = 0; image < images; image++) {
      const from = start[refStart[image] as number] as number;
      const to = start[refStart[image + 1] as number] as number;
      for (let j = from; j < to; j++) {
        const id = ids[j] as number;
        if (seen[id] !== image) {
          seen[id] = image;
          d[id] = (d[id] as number) + 1;
        }
      }
    }
  }
  return { images, index, df };
}

export function documentFrequency(refs: readonly (readonly string[])[]): DocumentFrequency {
  const counted = countSet({ refs, cands: [] });
  return documentFrequencyOf(counted.refs, counted.refStart, counted.index);
}

/** The tf-idf vectors of a table's captions: values beside the table's ids, a norm per caption and order. */
interface TfIdf {
  values: Float64Array[];
  /** norm[c * N + k] */
  norm: Float64Array;
}

function tfIdf(table: GramTable, refLen: number, logs: Float64Array[]): TfIdf {
  const values: Float64Array[] = [];
  const norm = new Float64Array(table.captions * N);
  for (let k = 0; k < N; k++) {
    const ids = table.ids[k] as Int32Array;
    const tf = table.counts[k] as Int32Array;
    const start = table.start[k] as Int32Array;
    const logDf = logs[k] as Float64Array;
    const v = new Float64Array(ids.length);
    for (let c = 0; c < table.captions; c++) {
      let sq = 0;
      for (let j = start[c] as number, end = start[c + 1] as number; j < end; j++) {
        const id = ids[j] as number;
        // grams unseen in the references (df 0, or ids past the df table) have ln(max(1, 0)) = 0
        const value = (tf[j] as number) * (refLen - (id < logDf.length ? (logDf[id] as number) : 0));
        v[j] = value;
        sq += value ** 2;
      }
      norm[c * N + k] = Math.sqrt(sq);
    }
    values.push(v);
  }
  return { values, norm };
}

/** The (clipped) dot product of two tf-idf runs; both id runs are sorted, so they are walked together. */
function dot(hi: Int32Array, hv: Float64Array, a: number, aEnd: number, ri: Int32Array, rv: Float64Array, b: number, bEnd: number, clip: boolean): number {
  let value = 0;
  while (a < aEnd && b < bEnd) {
    const x = hi[a] as number;
    const y = ri[b] as number;
    if (x < y) a++;
    else if (x > y) b++;
    else {
      const h = hv[a] as number;
      const r = rv[b] as number;
      value += (clip ? Math.min(h, r) : h) * r;
      a++;
      b++;
    }
  }
  return value;
}

/** `counted` must come from the index of `options.documentFrequency`, when one is given. */
const CIDER_OPTIONS: OptionKeys<CiderOptions> = { variant: true, sigma: true, documentFrequency: true };

export function cider(set: TokenizedSet, options: CiderOptions = {}, counted?: CountedSet): MetricScores {
  checkOptions('idc.metrics.cider', options, CIDER_OPTIONS);
  const variant = options.variant ?? 'D';
  const sigma = options.sigma ?? 6;
  const index = counted?.index ?? options.documentFrequency?.index ?? new GramIndex();
  const { refs, refStart, cands } = counted ?? countSet(set, index);
  const { images, df } = options.documentFrequency ?? documentFrequencyOf(refs, refStart, index);
  // The toolkit uses ln(N), except for a single image, where it uses 1.
  const refLen = images === 1 ? 1 : Math.log(images);
  const logs = df.map((d) => {
    const out = new Float64Array(d.length);
    for (let j = 0; j < d.length; j++) out[j] = Math.log(Math.max(1, d[j] as number));
    return out;
  });
  const hyp = tfIdf(cands, refLen, logs);
  const ref = tfIdf(refs, refLen, logs);
  const clip = variant === 'D';

  const sum = new Float64Array(N);
  const perImage = set.ids.map((_, i) => {
    // summed per order over the references first, then over the orders, as the toolkit does
    sum.fill(0);
    const firstRef = refStart[i] as number;
    const endRef = refStart[i + 1] as number;
    // The toolkit's "length" is the number of bigrams.
    const hypLength = Math.max(0, (cands.words[i] as number) - 1);
    for (let r = firstRef; r < endRef; r++) {
      const delta = hypLength - Math.max(0, (refs.words[r] as number) - 1);
      const penalty = clip ? Math.E ** (-(delta ** 2) / (2 * sigma ** 2)) : 1;
      for (let k = 0; k < N; k++) {
        const hi = cands.ids[k] as Int32Array;
        const ri = refs.ids[k] as Int32Array;
        const hv = hyp.values[k] as Float64Array;
        const rv = ref.values[k] as Float64Array;
        const hs = cands.start[k] as Int32Array;
        const rs = refs.start[k] as Int32Array;
        let value = dot(hi, hv, hs[i] as number, hs[i + 1] as number, ri, rv, rs[r] as number, rs[r + 1] as number, clip);
        const hn = hyp.norm[i * N + k] as number;
        const rn = ref.norm[r * N + k] as number;
        if (hn !== 0 && rn !== 0) value /= hn * rn;
        sum[k] = (sum[k] as number) + value * penalty;
      }
    }
    let total = 0;
    for (let k = 0; k < N; k++) total += sum[k] as number;
    const meanOverN = total / N;
    return (meanOverN / (endRef - firstRef)) * (clip ? 10 : 1);
  });
  return { corpus: perImage.reduce((a, b) => a + b, 0) / perImage.length, perImage };
}
