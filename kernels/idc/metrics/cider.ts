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
import { ngramCounts, splitWords } from './tokens';
import type { MetricScores, TokenizedSet } from './types';

const N = 4;

export interface CiderOptions {
  variant?: 'D' | 'plain';
  sigma?: number;
  /** df and the number of images it was counted over; default: from `set` itself. */
  documentFrequency?: DocumentFrequency;
}

export interface DocumentFrequency {
  images: number;
  df: Map<string, number>;
}

type Counts = Array<Map<string, number>>;

/** In how many images' reference sets each n-gram appears. */
export function documentFrequency(refs: readonly (readonly string[])[]): DocumentFrequency {
  const df = new Map<string, number>();
  for (const imageRefs of refs) {
    const seen = new Set<string>();
    for (const ref of imageRefs) for (const counts of ngramCounts(splitWords(ref), N)) for (const gram of counts.keys()) seen.add(gram);
    for (const gram of seen) df.set(gram, (df.get(gram) ?? 0) + 1);
  }
  return { images: refs.length, df };
}

interface TfIdf {
  vec: Array<Map<string, number>>;
  norm: number[];
  length: number;
}

export function cider(set: TokenizedSet, options: CiderOptions = {}): MetricScores {
  const variant = options.variant ?? 'D';
  const sigma = options.sigma ?? 6;
  const { images, df } = options.documentFrequency ?? documentFrequency(set.refs);
  // The toolkit uses ln(N), except for a single image, where it uses 1.
  const refLen = images === 1 ? 1 : Math.log(images);

  const toVector = (counts: Counts): TfIdf => {
    const vec = counts.map(() => new Map<string, number>());
    const norm = new Array<number>(N).fill(0);
    let length = 0;
    counts.forEach((grams, n) => {
      for (const [gram, tf] of grams) {
        const value = tf * (refLen - Math.log(Math.max(1, df.get(gram) ?? 0)));
        vec[n]?.set(gram, value);
        norm[n] = (norm[n] as number) + value ** 2;
        if (n === 1) length += tf;
      }
    });
    return { vec, norm: norm.map(Math.sqrt), length };
  };

  const similarity = (hyp: TfIdf, ref: TfIdf): number[] => {
    const delta = hyp.length - ref.length;
    const penalty = variant === 'D' ? Math.E ** (-(delta ** 2) / (2 * sigma ** 2)) : 1;
    return hyp.vec.map((grams, n) => {
      const refGrams = ref.vec[n] as Map<string, number>;
      let value = 0;
      for (const [gram, h] of grams) {
        const r = refGrams.get(gram) ?? 0;
        value += (variant === 'D' ? Math.min(h, r) : h) * r;
      }
      const hn = hyp.norm[n] as number;
      const rn = ref.norm[n] as number;
      if (hn !== 0 && rn !== 0) value /= hn * rn;
      return value * penalty;
    });
  };

  const perImage = set.cands.map((candidate, i) => {
    const refs = set.refs[i] ?? [];
    const hyp = toVector(ngramCounts(splitWords(candidate), N));
    const sum = new Array<number>(N).fill(0);
    for (const ref of refs) similarity(hyp, toVector(ngramCounts(splitWords(ref), N))).forEach((v, n) => (sum[n] = (sum[n] as number) + v));
    const meanOverN = sum.reduce((a, b) => a + b, 0) / N;
    return (meanOverN / refs.length) * (variant === 'D' ? 10 : 1);
  });
  return { corpus: perImage.reduce((a, b) => a + b, 0) / perImage.length, perImage };
}
