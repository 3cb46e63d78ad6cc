/**
 * METEOR's alignment of a test caption to one reference: every module proposes matches
 * (exact words, equal Porter2 stems, shared WordNet synsets, paraphrase-table phrases), then
 * a beam search over the reference positions picks a one-to-one alignment that covers the
 * most words (exact matches worth 1, the others 0.5, as Meteor's aligner weighs them), then
 * has the fewest chunks, then the least distance between matched positions. Matches that
 * nothing competes with are fixed before the search, as in Meteor.
 */
import type { ParaphraseTable } from './paraphraseTable';
import type { WordNetSynsets } from './wordnet';

export interface Match {
  /** Start and length in the test caption. */
  test: number;
  testLength: number;
  /** Start and length in the reference. */
  ref: number;
  refLength: number;
  /** Index into MODULES: 0 exact, 1 stem, 2 synonym, 3 paraphrase. */
  module: number;
}

export interface Matchers {
  stem?: (word: string) => string;
  synonyms?: WordNetSynsets;
  paraphrases?: ParaphraseTable;
}

export const BEAM_SIZE = 40;
const SEARCH_WEIGHTS = [1, 0.5, 0.5, 0.5];

/** Every match the modules propose, each word pair once (from the first module that matches it). */
export function candidateMatches(test: readonly string[], ref: readonly string[], matchers: Matchers): Match[] {
  const matches: Match[] = [];
  const paired = new Set<number>();
  const single = (i: number, j: number, module: number) => {
    const key = i * ref.length + j;
    if (paired.has(key)) return;
    paired.add(key);
    matches.push({ test: i, testLength: 1, ref: j, refLength: 1, module });
  };
  const positions = (keys: readonly string[]) => {
    const map = new Map<string, number[]>();
    keys.forEach((key, j) => {
      const list = map.get(key);
      if (list) list.push(j);
      else map.set(key, [j]);
    });
    return map;
  };

  const refWords = positions(ref);
  test.forEach((word, i) => refWords.get(word)?.forEach((j) => single(i, j, 0)));

  const { stem, synonyms, paraphrases } = matchers;
  if (stem) {
    const refStems = positions(ref.map(stem));
    test.forEach((word, i) => refStems.get(stem(word))?.forEach((j) => single(i, j, 1)));
  }
  if (synonyms) {
    const bySynset = new Map<number, number[]>();
    ref.forEach((word, j) => {
      for (const key of synonyms.synsets(word)) {
        const list = bySynset.get(key);
        if (list) list.push(j);
        else bySynset.set(key, [j]);
      }
    });
    test.forEach((word, i) => {
      for (const key of synonyms.synsets(word)) bySynset.get(key)?.forEach((j) => single(i, j, 2));
    });
  }
  if (paraphrases) {
    const refPhrases = new Map<string, number[]>();
    for (let j = 0; j < ref.length; j++) {
      for (let n = 1; n <= paraphrases.longest && j + n <= ref.length; n++) {
        const phrase = ref.slice(j, j + n).join(' ');
        const list = refPhrases.get(phrase);
        if (list) list.push(j);
        else refPhrases.set(phrase, [j]);
      }
    }
    for (let i = 0; i < test.length; i++) {
      for (let n = 1; n <= paraphrases.longest && i + n <= test.length; n++) {
        for (const other of paraphrases.paraphrasesOf(test.slice(i, i + n).join(' ')) ?? []) {
          const refLength = other.split(' ').length;
          for (const j of refPhrases.get(other) ?? []) {
            if (n === 1 && refLength === 1 && paired.has(i * ref.length + j)) continue;
            matches.push({ test: i, testLength: n, ref: j, refLength, module: 3 });
          }
        }
      }
    }
  }
  return matches;
}

/** A partial alignment: the matches chosen so far, as a chain back to the start. */
interface Path {
  match: Match | null;
  previous: Path | null;
  /** First reference position not yet decided. */
  next: number;
  weighted: number;
  chunks: number;
  distance: number;
  /** End of the last match in the test, or -1 after a gap (no open chunk). */
  lastTestEnd: number;
}

function overlapsChosen(path: Path, m: Match): boolean {
  for (let p: Path | null = path; p; p = p.previous) {
    const c = p.match;
    if (c && m.test < c.test + c.testLength && c.test < m.test + m.testLength) return true;
  }
  return false;
}

const better = (x: Path, y: Path) => y.weighted - x.weighted || x.chunks - y.chunks || x.distance - y.distance;

/** The `k` best paths in order (a stable selection: equal paths keep their order, as a sort would). */
function best(paths: Path[], k: number): Path[] {
  if (paths.length <= k) return paths.sort(better);
  const top: Path[] = [];
  for (const path of paths) {
    if (top.length === k && better(path, top[k - 1] as Path) >= 0) continue;
    // after the last element not worse than it: stability
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (better(path, top[mid] as Path) < 0) hi = mid;
      else lo = mid + 1;
    }
    top.splice(lo, 0, path);
    if (top.length > k) top.pop();
  }
  return top;
}

function extend(path: Path, m: Match): Path {
  return {
    match: m,
    previous: path,
    next: m.ref + m.refLength,
    weighted: path.weighted + (m.testLength + m.refLength) * (SEARCH_WEIGHTS[m.module] as number),
    chunks: path.chunks + (path.lastTestEnd !== -1 && m.test !== path.lastTestEnd ? 1 : 0),
    distance: path.distance + Math.abs(m.ref - m.test),
    lastTestEnd: m.test + m.testLength,
  };
}

/** The chosen matches, in reference order. */
export function align(testLength: number, refLength: number, matches: readonly Match[], beamSize = BEAM_SIZE): Match[] {
  const startingAt: Match[][] = Array.from({ length: refLength }, () => []);
  const testCover = new Int32Array(testLength);
  const refCover = new Int32Array(refLength);
  for (const m of matches) {
    startingAt[m.ref]?.push(m);
    for (let k = 0; k < m.testLength; k++) testCover[m.test + k] = (testCover[m.test + k] as number) + 1;
    for (let k = 0; k < m.refLength; k++) refCover[m.ref + k] = (refCover[m.ref + k] as number) + 1;
  }
  // a match that shares none of its words with another match is certain
  const definite = (m: Match) => {
    for (let k = 0; k < m.testLength; k++) if (testCover[m.test + k] !== 1) return false;
    for (let k = 0; k < m.refLength; k++) if (refCover[m.ref + k] !== 1) return false;
    return true;
  };

  let paths: Path[] = [{ match: null, previous: null, next: 0, weighted: 0, chunks: 0, distance: 0, lastTestEnd: -1 }];
  for (let position = 0; position < refLength; position++) {
    const nextPaths: Path[] = [];
    for (const path of paths) {
      if (position < path.next) {
        nextPaths.push(path); // inside a multi-word match
        continue;
      }
      const options = startingAt[position] as Match[];
      const fixed = options.length === 1 && definite(options[0] as Match) ? (options[0] as Match) : null;
      if (fixed) {
        nextPaths.push(extend(path, fixed));
        continue;
      }
      for (const m of options) if (!overlapsChosen(path, m)) nextPaths.push(extend(path, m));
      // leave this reference word unmatched: it closes any open chunk
      nextPaths.push({
        match: path.match,
        previous: path.previous,
        next: position + 1,
        weighted: path.weighted,
        chunks: path.chunks + (path.lastTestEnd !== -1 ? 1 : 0),
        distance: path.distance,
        lastTestEnd: -1,
      });
    }
    paths = best(nextPaths, beamSize);
  }
  // the open chunk at the end counts too
  const closed = (p: Path): Path => ({ ...p, chunks: p.chunks + (p.lastTestEnd !== -1 ? 1 : 0) });
  let winner = paths[0] as Path;
  for (const path of paths) if (better(closed(path), closed(winner)) < 0) winner = path;
  const chosen: Match[] = [];
  for (let p: Path | null = winner; p; p = p.previous) if (p.match) chosen.push(p.match);
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
