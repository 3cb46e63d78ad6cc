/**
 * BLEU-1..4 as the COCO toolkit computes it (pycocoevalcap's BleuScorer, option "closest"):
 * clipped n-gram precisions with the toolkit's smoothing (correct + 1e-15) / (guess + 1e-9),
 * the reference length closest to the candidate's (the shorter on a tie), and a brevity
 * penalty exp(1 - r/c) per image and over the corpus totals.
 */
import { countSet, type CountedSet, type GramCounts } from './gramIndex';
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

function cook(candidate: GramCounts, refs: readonly GramCounts[]): BleuStats {
  const testLength = candidate.words;
  // min over (|l - c|, l): the closest length, and the shorter one on a tie.
  let refLength = Infinity;
  for (const ref of refs) {
    const l = ref.words;
    const d = Math.abs(l - testLength);
    const best = Math.abs(refLength - testLength);
    if (d < best || (d === best && l < refLength)) refLength = l;
  }
  const correct = new Array<number>(N).fill(0);
  for (let k = 0; k < N; k++) {
    const ids = candidate.ids[k] as Int32Array;
    const counts = candidate.counts[k] as Int32Array;
    // the largest count of each candidate n-gram in any one reference (sorted ids: merge)
    const maxRef = new Int32Array(ids.length);
    for (const ref of refs) {
      const rIds = ref.ids[k] as Int32Array;
      const rCounts = ref.counts[k] as Int32Array;
      for (let a = 0, b = 0; a < ids.length && b < rIds.length; ) {
        const x = ids[a] as number;
        const y = rIds[b] as number;
        if (x < y) a++;
        else if (x > y) b++;
        else {
          if ((rCounts[b] as number) > (maxRef[a] as number)) maxRef[a] = rCounts[b] as number;
          a++;
          b++;
        }
      }
    }
    let clipped = 0;
    for (let a = 0; a < ids.length; a++) clipped += Math.min(counts[a] as number, maxRef[a] as number);
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
  return counted.cands.map((candidate, i) => cook(candidate, counted.refs[i] ?? []));
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
