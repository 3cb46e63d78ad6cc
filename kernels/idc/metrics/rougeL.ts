/**
 * ROUGE-L as the COCO toolkit computes it: LCS of the candidate with each reference
 * (tokens split on single spaces), precision and recall each maximised over the references,
 * F with beta = 1.2; the corpus score is the mean over images.
 */
import { splitOnSpaces } from './tokens';
import type { MetricScores, TokenizedSet } from './types';

const BETA = 1.2;

/** Length of the longest common subsequence, in O(|a|·|b|) time and O(min) memory. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  const [long, short] = a.length >= b.length ? [a, b] : [b, a];
  let previous = new Array<number>(short.length + 1).fill(0);
  let current = new Array<number>(short.length + 1).fill(0);
  for (let i = 1; i <= long.length; i++) {
    for (let j = 1; j <= short.length; j++) {
      current[j] = long[i - 1] === short[j - 1] ? (previous[j - 1] as number) + 1 : Math.max(previous[j] as number, current[j - 1] as number);
    }
    [previous, current] = [current, previous];
  }
  return previous[short.length] as number;
}

export function rougeLOne(candidate: string, refs: readonly string[]): number {
  const cand = splitOnSpaces(candidate);
  let precision = 0;
  let recall = 0;
  for (const ref of refs) {
    const tokens = splitOnSpaces(ref);
    const lcs = lcsLength(tokens, cand);
    precision = Math.max(precision, lcs / cand.length);
    recall = Math.max(recall, lcs / tokens.length);
  }
  if (precision === 0 || recall === 0) return 0;
  return ((1 + BETA ** 2) * precision * recall) / (recall + BETA ** 2 * precision);
}

export function rougeL(set: TokenizedSet): MetricScores {
  const perImage = set.cands.map((candidate, i) => rougeLOne(candidate, set.refs[i] ?? []));
  return { corpus: mean(perImage), perImage };
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
}
