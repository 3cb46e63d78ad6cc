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
import { countSet, GramIndex, ORDERS as N, type CountedSet, type GramCounts } from './gramIndex';
import type { MetricScores, TokenizedSet } from './types';

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

function documentFrequencyOf(refCounts: readonly (readonly GramCounts[])[], index: GramIndex): DocumentFrequency {
  const df = index.size.map((size) => new Int32Array(size));
  // The last image that counted each gram: a gram repeated within one image counts once.
  const seenIn = index.size.map((size) => new Int32Array(size).fill(-1));
  refCounts.forEach((imageRefs, image) => {
    for (const counts of imageRefs) {
      for (let k = 0; k < N; k++) {
        const ids = counts.ids[k] as Int32Array;
        const d = df[k] as Int32Array;
        const seen = seenIn[k] as Int32Array;
        for (let j = 0; j < ids.length; j++) {
          const id = ids[j] as number;
          if (seen[id] !== image) {
            seen[id] = image;
            d[id] = (d[id] as number) + 1;
          }
        }
      }
    }
  });
  return { images: refCounts.length, index, df };
}

export function documentFrequency(refs: readonly (readonly string[])[]): DocumentFrequency {
  const counted = countSet({ refs, cands: [] });
  return documentFrequencyOf(counted.refs, counted.index);
}

interface TfIdf {
  ids: Int32Array[];
  values: Float64Array[];
  norm: number[];
  length: number;
}

/** `counted` must come from the index of `options.documentFrequency`, when one is given. */
export function cider(set: TokenizedSet, options: CiderOptions = {}, counted?: CountedSet): MetricScores {
  const variant = options.variant ?? 'D';
  const sigma = options.sigma ?? 6;
  const index = counted?.index ?? options.documentFrequency?.index ?? new GramIndex();
  const { refs: refCounts, cands: candCounts } = counted ?? countSet(set, index);
  const { images, df } = options.documentFrequency ?? documentFrequencyOf(refCounts, index);
  // The toolkit uses ln(N), except for a single image, where it uses 1.
  const refLen = images === 1 ? 1 : Math.log(images);

  const toVector = (counts: GramCounts): TfIdf => {
    const values: Float64Array[] = [];
    const norm: number[] = [];
    for (let k = 0; k < N; k++) {
      const ids = counts.ids[k] as Int32Array;
      const tf = counts.counts[k] as Int32Array;
      const d = df[k] as Int32Array;
      const v = new Float64Array(ids.length);
      let sq = 0;
      for (let j = 0; j < ids.length; j++) {
        const value = (tf[j] as number) * (refLen - Math.log(Math.max(1, d[ids[j] as number] ?? 0)));
        v[j] = value;
        sq += value ** 2;
      }
      values.push(v);
      norm.push(Math.sqrt(sq));
    }
    // The toolkit's "length" is the number of bigrams.
    return { ids: counts.ids, values, norm, length: Math.max(0, counts.words - 1) };
  };

  const addSimilarity = (hyp: TfIdf, ref: TfIdf, sum: Float64Array): void => {
    const delta = hyp.length - ref.length;
    const penalty = variant === 'D' ? Math.E ** (-(delta ** 2) / (2 * sigma ** 2)) : 1;
    for (let k = 0; k < N; k++) {
      const hi = hyp.ids[k] as Int32Array;
      const ri = ref.ids[k] as Int32Array;
      const hv = hyp.values[k] as Float64Array;
      const rv = ref.values[k] as Float64Array;
      let value = 0;
      // both id lists are sorted: walk them together
      for (let a = 0, b = 0; a < hi.length && b < ri.length; ) {
        const x = hi[a] as number;
        const y = ri[b] as number;
        if (x < y) a++;
        else if (x > y) b++;
        else {
          const h = hv[a] as number;
          const r = rv[b] as number;
          value += (variant === 'D' ? Math.min(h, r) : h) * r;
          a++;
          b++;
        }
      }
      const hn = hyp.norm[k] as number;
      const rn = ref.norm[k] as number;
      if (hn !== 0 && rn !== 0) value /= hn * rn;
      sum[k] = (sum[k] as number) + value * penalty;
    }
  };

  const perImage = candCounts.map((candidate, i) => {
    const refs = refCounts[i] ?? [];
    const hyp = toVector(candidate);
    const sum = new Float64Array(N);
    for (const ref of refs) addSimilarity(hyp, toVector(ref), sum);
    const meanOverN = sum.reduce((a, b) => a + b, 0) / N;
    return (meanOverN / refs.length) * (variant === 'D' ? 10 : 1);
  });
  return { corpus: perImage.reduce((a, b) => a + b, 0) / perImage.length, perImage };
}
