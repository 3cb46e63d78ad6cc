/** The shapes every scorer shares. */

/** Tokenized captions of a scored set, in image order: tokens joined by single spaces. */
export interface TokenizedSet {
  ids: readonly string[];
  /** refs[i]: the reference captions of image ids[i] (at least one). */
  refs: readonly (readonly string[])[];
  /** cands[i]: the candidate caption of image ids[i]. */
  cands: readonly string[];
}

/** A corpus score and the per-image scores it summarises, in image order. */
export interface MetricScores {
  corpus: number;
  perImage: number[];
}
