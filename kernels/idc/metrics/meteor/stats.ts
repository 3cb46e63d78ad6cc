/**
 * METEOR 1.5's sufficient statistics and its score formula (Denkowski & Lavie 2014), pure.
 *
 *   P = sum_i w_i (delta m_i(h_c) + (1-delta) m_i(h_f)) / (delta |h_c| + (1-delta) |h_f|)
 *   R = the same over the reference
 *   Fmean = P R / (alpha P + (1-alpha) R)
 *   Pen = gamma (ch / m)^beta,  m = mean of the matched word counts of both sides
 *   METEOR = (1 - Pen) Fmean
 *
 * i runs over the matching modules (exact, stem, synonym, paraphrase), c / f are content and
 * function words. A perfect match in one chunk has no penalty. A corpus score is the formula
 * applied to the statistics summed over images, as Meteor's aggregate does: an image matched
 * perfectly in one chunk adds no chunk to the sum. The arithmetic follows Meteor's order of
 * operations, so scores agree with it to a unit or two in the last place (Java's and
 * JavaScript's `pow` may round differently).
 */

export const MODULES = ['exact', 'stem', 'synonym', 'paraphrase'] as const;
export type MatchModule = (typeof MODULES)[number];

export interface MeteorParameters {
  alpha: number;
  beta: number;
  gamma: number;
  delta: number;
  /** Weight of each module, in MODULES order. */
  weights: readonly [number, number, number, number];
}

/** Meteor 1.5's English defaults (its default "rank" task). */
export const METEOR_ENGLISH: MeteorParameters = { alpha: 0.85, beta: 0.2, gamma: 0.6, delta: 0.75, weights: [1.0, 0.6, 0.8, 0.6] };

export interface MeteorStats {
  testLength: number;
  referenceLength: number;
  testFunctionWords: number;
  referenceFunctionWords: number;
  /** Matched words per module (MODULES order), content and function words apart. */
  testContentMatches: number[];
  testFunctionMatches: number[];
  referenceContentMatches: number[];
  referenceFunctionMatches: number[];
  chunks: number;
}

export function emptyStats(): MeteorStats {
  return {
    testLength: 0,
    referenceLength: 0,
    testFunctionWords: 0,
    referenceFunctionWords: 0,
    testContentMatches: [0, 0, 0, 0],
    testFunctionMatches: [0, 0, 0, 0],
    referenceContentMatches: [0, 0, 0, 0],
    referenceFunctionMatches: [0, 0, 0, 0],
    chunks: 0,
  };
}

/** Every test and reference word matched, in one chunk: Meteor's case of no fragmentation. */
export function isPerfect(stats: MeteorStats): boolean {
  const testMatched = sum(stats.testContentMatches) + sum(stats.testFunctionMatches);
  const referenceMatched = sum(stats.referenceContentMatches) + sum(stats.referenceFunctionMatches);
  return testMatched === stats.testLength && referenceMatched === stats.referenceLength && stats.chunks === 1;
}

/** Adds an image's statistics to a running total, as Meteor aggregates images. */
export function addStats(into: MeteorStats, other: MeteorStats): void {
  into.testLength += other.testLength;
  into.referenceLength += other.referenceLength;
  into.testFunctionWords += other.testFunctionWords;
  into.referenceFunctionWords += other.referenceFunctionWords;
  if (!isPerfect(other)) into.chunks += other.chunks;
  for (let i = 0; i < MODULES.length; i++) {
    (into.testContentMatches[i] as number) += other.testContentMatches[i] as number;
    (into.testFunctionMatches[i] as number) += other.testFunctionMatches[i] as number;
    (into.referenceContentMatches[i] as number) += other.referenceContentMatches[i] as number;
    (into.referenceFunctionMatches[i] as number) += other.referenceFunctionMatches[i] as number;
  }
}

/**
 * Meteor's line of 23 statistics for an image (`tstLen refLen tstFuncWords refFuncWords`, per
 * module `tstContent refContent tstFunction refFunction`, then `chunks tstWordMatches
 * refWordMatches`), numbers written as Java writes doubles: what Meteor prints for a SCORE line.
 */
export function meteorStatsLine(stats: MeteorStats): string {
  const testMatched = sum(stats.testContentMatches) + sum(stats.testFunctionMatches);
  const referenceMatched = sum(stats.referenceContentMatches) + sum(stats.referenceFunctionMatches);
  const numbers = [stats.testLength, stats.referenceLength, stats.testFunctionWords, stats.referenceFunctionWords];
  for (let i = 0; i < MODULES.length; i++) {
    numbers.push(
      stats.testContentMatches[i] as number,
      stats.referenceContentMatches[i] as number,
      stats.testFunctionMatches[i] as number,
      stats.referenceFunctionMatches[i] as number,
    );
  }
  numbers.push(stats.chunks, testMatched, referenceMatched);
  return numbers.map((n) => n.toFixed(1)).join(' ');
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

export interface MeteorBreakdown {
  precision: number;
  recall: number;
  fMean: number;
  fragmentation: number;
  penalty: number;
  score: number;
}

export function meteorFromStats(stats: MeteorStats, params: MeteorParameters = METEOR_ENGLISH): MeteorBreakdown {
  const { alpha, beta, gamma, delta, weights } = params;
  const weighted = (content: readonly number[], fn: readonly number[]) => {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += (content[i] as number) * (weights[i] as number) * delta;
    for (let i = 0; i < weights.length; i++) total += (fn[i] as number) * (weights[i] as number) * (1 - delta);
    return total;
  };
  const testLength = delta * (stats.testLength - stats.testFunctionWords) + (1 - delta) * stats.testFunctionWords;
  const referenceLength = delta * (stats.referenceLength - stats.referenceFunctionWords) + (1 - delta) * stats.referenceFunctionWords;
  const precision = weighted(stats.testContentMatches, stats.testFunctionMatches) / testLength;
  const recall = weighted(stats.referenceContentMatches, stats.referenceFunctionMatches) / referenceLength;
  const fMean = 1 / ((1 - alpha) / precision + alpha / recall);
  const testMatched = sum(stats.testContentMatches) + sum(stats.testFunctionMatches);
  const referenceMatched = sum(stats.referenceContentMatches) + sum(stats.referenceFunctionMatches);
  const fragmentation = isPerfect(stats) ? 0 : stats.chunks / ((testMatched + referenceMatched) / 2);
  const penalty = gamma * fragmentation ** beta;
  const raw = fMean * (1 - penalty);
  // no match at all (0/0 and the like) scores 0, as in Meteor
  const score = Number.isNaN(raw) ? 0 : Math.max(0, raw);
  return { precision, recall, fMean, fragmentation, penalty, score };
}
