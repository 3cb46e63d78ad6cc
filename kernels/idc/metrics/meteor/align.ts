/**
 * Meteor 1.5's choice of one alignment among the proposed matches. Matches that share no word
 * with another match are fixed first; a beam search (40 paths) then walks the reference left
 * to right, and at each position a path takes one of the matches starting there or leaves the
 * word unmatched. Paths rank by weighted matched words (exact 1, other modules 0.5, both
 * captions counted), then fewest chunks, then least distance between matched positions.
 *
 * Two quirks of Meteor's search change real scores, and `compat` keeps them:
 * - path scores are integers, so a one-word stem or synonym match adds 0 (its 0.5 is
 *   truncated): where matches compete, a path that takes one ranks above one that leaves the
 *   word out only if it saves a chunk (`change change change` against `changed` scores 0);
 * - when a path takes a match, the match's distance is added to the parent path, not the new
 *   one: the parent's later extensions and its own skip step carry it instead.
 * `strict` keeps real-valued scores and adds each distance to the path that takes the match.
 */
import type { CandidateMatches, Match } from './matches';

export type AlignMode = 'compat' | 'strict';
export const BEAM_SIZE = 40;

/** A chain of chosen matches, last first. */
interface Chain {
  match: Match;
  previous: Chain | null;
}

interface Path {
  chain: Chain | null;
  /** Weighted matched words of both captions. */
  score: number;
  chunks: number;
  /** Next reference position this path decides (past a multi-word match). */
  next: number;
  /** End of the last match in the test caption, or -1 when no chunk is open. */
  lastTestEnd: number;
  distance: number;
  /** Test words used, 16 to a number: small integers keep the array unboxed, and plain arrays copy faster than typed ones. */
  used: number[];
}

/** Negative when a path of these figures ranks before `y`. */
const rankBefore = (score: number, chunks: number, distance: number, y: Path) => y.score - score || chunks - y.chunks || distance - y.distance;

/**
 * The best `size` paths of those offered, in the order a stable sort of all of them gives (as
 * Meteor sorts its whole list and keeps the head). Offers that would not enter are refused
 * before the path is built: that saves most of the work when a word occurs many times.
 */
class Beam {
  readonly paths: Path[] = [];
  constructor(private readonly size: number) {}

  admits(score: number, chunks: number, distance: number): boolean {
    return this.paths.length < this.size || rankBefore(score, chunks, distance, this.paths[this.size - 1] as Path) < 0;
  }

  offer(path: Path): void {
    if (!this.admits(path.score, path.chunks, path.distance)) return;
    // after the last path not worse than it, where a stable sort puts it
    let lo = 0;
    let hi = this.paths.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (rankBefore(path.score, path.chunks, path.distance, this.paths[mid] as Path) < 0) hi = mid;
      else lo = mid + 1;
    }
    this.paths.splice(lo, 0, path);
    if (this.paths.length > this.size) this.paths.pop();
  }
}

const isSet = (bits: readonly number[], i: number) => (((bits[(i / 31) | 0] as number) >> (i % 31)) & 1) === 1;
function setBits(bits: number[], start: number, length: number): void {
  for (let i = start; i < start + length; i++) bits[(i / 31) | 0] = (bits[(i / 31) | 0] as number) | (1 << (i % 31));
}

/** Search weight of a match: exact words count 1 each, the other modules 0.5. */
function weightOf(m: Match, mode: AlignMode): number {
  const weight = m.module === 0 ? 1 : 0.5;
  // Meteor adds each side's weighted length to an int, truncating it
  return mode === 'compat' ? Math.trunc(m.testLength * weight) + Math.trunc(m.refLength * weight) : (m.testLength + m.refLength) * weight;
}

/** Whether taking `m` after a path opens a new chunk. */
const opensChunk = (path: Path, m: Match) => path.lastTestEnd !== -1 && m.test !== path.lastTestEnd;

/** Adds a match to a path in place (not its distance). */
function take(path: Path, m: Match, mode: AlignMode): void {
  path.chain = { match: m, previous: path.chain };
  path.score += weightOf(m, mode);
  if (opensChunk(path, m)) path.chunks++;
  path.next = m.ref + m.refLength;
  path.lastTestEnd = m.test + m.testLength;
}

/** A match alone at its reference position and sharing none of its words is certain. */
function fixedMatches(candidates: CandidateMatches): (Match | null)[] {
  const { startingAt, testCover, refCover } = candidates;
  return startingAt.map((options) => {
    const m = options.length === 1 ? (options[0] as Match) : null;
    if (!m) return null;
    for (let k = 0; k < m.refLength; k++) if (refCover[m.ref + k] !== 1) return null;
    for (let k = 0; k < m.testLength; k++) if (testCover[m.test + k] !== 1) return null;
    return m;
  });
}

/** The chosen matches, in reference order. */
export function align(testLength: number, refLength: number, candidates: CandidateMatches, mode: AlignMode = 'compat', beamSize = BEAM_SIZE): Match[] {
  const fixedAt = fixedMatches(candidates);
  // with every match certain there is one path to follow: the fixed matches themselves
  if (candidates.startingAt.every((options, j) => options.length === 0 || fixedAt[j] !== null)) {
    return fixedAt.filter((m): m is Match => m !== null);
  }
  const refFixed = new Array<boolean>(refLength).fill(false);
  const start: Path = { chain: null, score: 0, chunks: 0, next: 0, lastTestEnd: -1, distance: 0, used: new Array<number>((testLength + 15) >> 4).fill(0) };
  for (const m of fixedAt) {
    if (!m) continue;
    refFixed.fill(true, m.ref, m.ref + m.refLength);
    setBits(start.used, m.test, m.testLength);
  }
  const free = (path: Path, m: Match) => {
    for (let k = 0; k < m.refLength; k++) if (refFixed[m.ref + k]) return false;
    for (let k = 0; k < m.testLength; k++) if (isSet(path.used, m.test + k)) return false;
    return true;
  };

  let paths: Path[] = [start];
  for (let position = 0; position < refLength; position++) {
    const beam = new Beam(beamSize);
    const weights = (candidates.startingAt[position] as Match[]).map((m) => weightOf(m, mode));
    const distances = (candidates.startingAt[position] as Match[]).map((m) => Math.abs(m.ref - m.test));
    for (const path of paths) {
      if (position < path.next) {
        beam.offer(path); // inside a multi-word match
        continue;
      }
      const fixed = fixedAt[position];
      if (fixed) {
        path.distance += Math.abs(fixed.ref - fixed.test);
        take(path, fixed, mode);
        beam.offer(path);
        continue;
      }
      if (refFixed[position]) continue; // covered by a fixed multi-word match this path cannot reach
      const options = candidates.startingAt[position] as Match[];
      for (let o = 0; o < options.length; o++) {
        const m = options[o] as Match;
        if (!free(path, m)) continue;
        const distance = distances[o] as number;
        const extendedDistance = mode === 'compat' ? path.distance : path.distance + distance;
        if (beam.admits(path.score + (weights[o] as number), path.chunks + (opensChunk(path, m) ? 1 : 0), extendedDistance)) {
          const extended: Path = {
            chain: path.chain,
            score: path.score,
            chunks: path.chunks,
            next: path.next,
            lastTestEnd: path.lastTestEnd,
            distance: extendedDistance,
            used: path.used.slice(),
          };
          setBits(extended.used, m.test, m.testLength);
          take(extended, m, mode);
          beam.offer(extended);
        }
        if (mode === 'compat') path.distance += distance;
      }
      // leave this reference word unmatched: it closes any open chunk
      if (path.lastTestEnd !== -1) {
        path.chunks++;
        path.lastTestEnd = -1;
      }
      path.next = position + 1;
      beam.offer(path);
    }
    // Meteor carries its best path on when none could go on
    paths = beam.paths.length > 0 ? beam.paths : paths.slice(0, 1);
  }
  const finals = new Beam(1);
  for (const path of paths) {
    if (path.lastTestEnd !== -1) path.chunks++;
    finals.offer(path);
  }
  const chosen: Match[] = [];
  for (let c = (finals.paths[0] as Path).chain; c; c = c.previous) chosen.push(c.match);
  return chosen.reverse();
}

/** Chunks of an alignment: runs of matches adjacent and in the same order in both captions. */
export function countChunks(chosen: readonly Match[]): number {
  let chunks = 0;
  let lastTestEnd = -1;
  let lastRefEnd = -1;
  for (const m of chosen) {
    if (lastTestEnd === -1 || m.test !== lastTestEnd || m.ref !== lastRefEnd) chunks++;
    lastTestEnd = m.test + m.testLength;
    lastRefEnd = m.ref + m.refLength;
  }
  return chunks;
}
