/**
 * ROUGE-L as the COCO toolkit computes it: LCS of the candidate with each reference
 * (tokens split on single spaces), precision and recall each maximised over the references,
 * F with beta = 1.2; the corpus score is the mean over images.
 */
import { countSet, type CountedSet } from './gramIndex';
import type { MetricScores, TokenizedSet } from './types';

const BETA = 1.2;

/** Length of the longest common subsequence of `a[aFrom..aTo)` and `b[bFrom..bTo)`; `row` holds at least bTo-bFrom+1 entries. */
function lcsOfRuns(a: Int32Array, aFrom: number, aTo: number, b: Int32Array, bFrom: number, bTo: number, row: Int32Array): number {
  const width = bTo - bFrom;
  row.fill(0, 0, width + 1);
  // one row, updated in place: `diagonal` carries the previous row's value at j-1
  for (let i = aFrom; i < aTo; i++) {
    const x = a[i];
    let diagonal = 0;
    for (let j = 1; j <= width; j++) {
      const up = row[j] as number;
      if (x === b[bFrom + j - 1]) row[j] = diagonal + 1;
      else if ((row[j - 1] as number) > up) row[j] = row[j - 1] as number;
      diagonal = up;
    }
  }
  return row[width] as number;
}

/** Length of the longest common subsequence, in O(|a|·|b|) time and O(|b|) memory. */
export function lcsLength<T>(a: readonly T[], b: readonly T[]): number {
  // as ids, so that the scorer's loop sees one array type only
  const ids = new Map<T, number>();
  const idOf = (x: T): number => {
    let id = ids.get(x);
    if (id === undefined) {
      id = ids.size;
      ids.set(x, id);
    }
    return id;
  };
  const asIds = (xs: readonly T[]) => Int32Array.from(xs, idOf);
  return lcsOfRuns(asIds(a), 0, a.length, asIds(b), 0, b.length, new Int32Array(b.length + 1));
}

function fScore(precision: number, recall: number): number {
  if (precision === 0 || recall === 0) return 0;
  return ((1 + BETA ** 2) * precision * recall) / (recall + BETA ** 2 * precision);
}

export function rougeLOne(candidate: string, refs: readonly string[]): number {
  return rougeL({ ids: ['0'], refs: [refs], cands: [candidate] }).perImage[0] as number;
}

export function rougeL(set: TokenizedSet, counted: CountedSet = countSet(set)): MetricScores {
  const { cands, refs, refStart } = counted;
  let widest = 0;
  for (let r = 0; r < refs.captions; r++) widest = Math.max(widest, (refs.tokenStart[r + 1] as number) - (refs.tokenStart[r] as number));
  const row = new Int32Array(widest + 1);
  const perImage = set.ids.map((_, i) => {
    const from = cands.tokenStart[i] as number;
    const to = cands.tokenStart[i + 1] as number;
    let precision = 0;
    let recall = 0;
    for (let r = refStart[i] as number; r < (refStart[i + 1] as number); r++) {
      const rFrom = refs.tokenStart[r] as number;
      const rTo = refs.tokenStart[r + 1] as number;
      // the reference along the row: references are short, candidates may be hundreds of words
      const lcs = lcsOfRuns(cands.tokens, from, to, refs.tokens, rFrom, rTo, row);
      precision = Math.max(precision, lcs / (to - from));
      recall = Math.max(recall, lcs / (rTo - rFrom));
    }
    return fScore(precision, recall);
  });
  return { corpus: mean(perImage), perImage };
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
}
