/**
 * BLEU-1..4 as the COCO toolkit computes it (pycocoevalcap's BleuScorer, option "closest"):
 * clipped n-gram precisions with the toolkit's smoothing (correct + 1e-15) / (guess + 1e-9),
 * the reference length closest to the candidate's (the shorter on a tie), and a brevity
 * penalty exp(1 - r/c) per image and over the corpus totals.
 */
import { ngramCounts, splitWords } from './tokens';
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

function cook(candidate: string, refs: readonly string[]): BleuStats {
  const maxRefCounts = Array.from({ length: N }, () => new Map<string, number>());
  const refLengths: number[] = [];
  for (const ref of refs) {
    const words = splitWords(ref);
    refLengths.push(words.length);
    ngramCounts(words, N).forEach((counts, k) => {
      const max = maxRefCounts[k] as Map<string, number>;
      for (const [gram, count] of counts) max.set(gram, Math.max(max.get(gram) ?? 0, count));
    });
  }
  const words = splitWords(candidate);
  const testLength = words.length;
  // min over (|l - c|, l): the closest length, and the shorter one on a tie.
  let refLength = Infinity;
  for (const l of refLengths) {
    const d = Math.abs(l - testLength);
    const best = Math.abs(refLength - testLength);
    if (d < best || (d === best && l < refLength)) refLength = l;
  }
  const correct = new Array<number>(N).fill(0);
  ngramCounts(words, N).forEach((counts, k) => {
    for (const [gram, count] of counts) correct[k] = (correct[k] as number) + Math.min(maxRefCounts[k]?.get(gram) ?? 0, count);
  });
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

export function bleuStats(set: TokenizedSet): BleuStats[] {
  return set.cands.map((candidate, i) => cook(candidate, set.refs[i] ?? []));
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
export function bleu(set: TokenizedSet): MetricScores[] {
  const stats = bleuStats(set);
  const perImage = stats.map((c) => bleuFrom(c.testLength, c.refLength, c.guess, c.correct));
  return corpusBleu(stats).map((value, k) => ({ corpus: value, perImage: perImage.map((p) => p[k] as number) }));
}
