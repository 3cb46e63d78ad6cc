/**
 * BLEU-1..4 as the COCO toolkit computes it (pycocoevalcap's BleuScorer, option "closest"):
 * clipped n-gram precisions with the toolkit's smoothing (correct + 1e-15) / (guess + 1e-9),
 * the reference length closest to the candidate's (the shorter on a tie), and a brevity
 * penalty exp(1 - r/c) per image and over the corpus totals.
 */
import { countSet, type CountedSet } from './gramIndex';
import type { MetricScores, TokenizedSet } from './types';

const N = 4;
const TINY = 1e-15;
const SMALL = 1e-9;

/** One image's BLEU counts; corpus BLEU is a function of their sums. */
export interface BleuStats {
  testLength: number;
  refLength: number;
  guess: number[];
  correct: number[];
}

/** Image i's counts: candidate row i of `counted.cands`, its references' rows of `counted.refs`. */
function cook(counted: CountedSet, i: number, maxRef: Int32Array): BleuStats {
  const { cands, refs, refStart } = counted;
  const testLength = cands.words[i] as number;
  const firstRef = refStart[i] as number;
  const endRef = refStart[i + 1] as number;
  // min over (|l - c|, l): the closest length, and the shorter one on a tie.
  let refLength = Infinity;
  for (let r = firstRef; r < endRef; r++) {
    const l = refs.words[r] as number;
    const d = Math.abs(l - testLength);
    const best = Math.abs(refLength - testLength);
    if (d < best || (d === best && l < refLength)) refLength = l;
  }
  const correct = new Array<number>(N).fill(0);
  for (let k = 0; k < N; k++) {
    const ids = cands.ids[k] as Int32Array;
    const counts = cands.counts[k] as Int32Array;
    const from = cands.start[k]?.[i] as number;
    const to = cands.start[k]?.[i + 1] as number;
    const rIds = refs.ids[k] as Int32Array;
    const rCounts = refs.counts[k] as Int32Array;
    const rStart = refs.start[k] as Int32Array;
    // the largest count of each candidate n-gram in any one reference (sorted ids: merge)
    maxRef.fill(0, 0, to - from);
    for (let r = firstRef; r < endRef; r++) {
      for (let a = from, b = rStart[r] as number, bEnd = rStart[r + 1] as number; a < to && b < bEnd; ) {
        const x = ids[a] as number;
        const y = rIds[b] as number;
        if (x < y) a++;
        else if (x > y) b++;
        else {
          if ((rCounts[b] as number) > (maxRef[a - from] as number)) maxRef[a - from] = rCounts[b] as number;
          a++;
          b++;
        }
      }
    }
    let clipped = 0;
    for (let a = from; a < to; a++) clipped += Math.min(counts[a] as number, maxRef[a - from] as number);
    correct[k] = clipped;
  }
  const guess = Array.from({ length: N }, (_, k) => Math.max(0, testLength - k));
  return { testLength, refLength, guess, correct };
}

/** BLEU-1..4 from length and n-gram totals; `out[k]` is BLEU-(k+1). */
function bleuFrom(testLength: number, refLength: number, guess: readonly number[], correct: readonly number[]): number[] {
  const out: number[] = [];
  let product = 1;
  for (let k = 0; k < N; k++) {
    product *= ((correct[k] as number) + TINY) / ((guess[k] as number) + SMALL);
    out.push(product ** (1 / (k + 1)));
  }
  const ratio = (testLength + TINY) / (refLength + SMALL);
  if (ratio < 1) {
    const penalty = Math.exp(1 - 1 / ratio);
    for (let k = 0; k < N; k++) out[k] = (out[k] as number) * penalty;
  }
  return out;
}

export function bleuStats(set: TokenizedSet, counted: CountedSet = countSet(set)): BleuStats[] {
  let longest = 0;
  for (let i = 0; i < counted.cands.captions; i++) longest = Math.max(longest, counted.cands.words[i] as number);
  const maxRef = new Int32Array(longest);
  return set.ids.map((_, i) => cook(counted, i, maxRef));
}

/** Corpus BLEU-1..4 of the images at `indices` (repeats allowed: a bootstrap sample). */
export function corpusBleu(stats: readonly BleuStats[], indices?: ArrayLike<number>): number[] {
  let testLength = 0;
  let refLength = 0;
  const guess = new Array<number>(N).fill(0);
  const correct = new Array<number>(N).fill(0);
  const count = indices ? indices.length : stats.length;
  for (let j = 0; j < count; j++) {
    const c = stats[indices ? (indices[j] as number) : j] as BleuStats;
    testLength += c.testLength;
    refLength += c.refLength;
    for (let k = 0; k < N; k++) {
      guess[k] = (guess[k] as number) + (c.guess[k] as number);
      correct[k] = (correct[k] as number) + (c.correct[k] as number);
    }
  }
  return bleuFrom(testLength, refLength, guess, correct);
}

/** BLEU-1..4 of a tokenized set; element k is BLEU-(k+1). */
export function bleu(set: TokenizedSet, counted?: CountedSet): MetricScores[] {
  const stats = bleuStats(set, counted);
  const perImage = stats.map((c) => bleuFrom(c.testLength, c.refLength, c.guess, c.correct));
  return corpusBleu(stats).map((value, k) => ({ corpus: value, perImage: perImage.map((p) => p[k] as number) }));
}
