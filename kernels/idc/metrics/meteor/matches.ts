/**
 * The matches Meteor's modules propose between a test caption and one reference, listed per
 * reference position in Meteor's order (exact, then stem, then synonym, then paraphrase; each
 * by test position), with how many matches cover each word. Exact matches pair equal words;
 * stem and synonym matches pair different words, and a pair may get both a stem and a synonym
 * match, as in Meteor: the extra match makes its words uncertain for the search.
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
  /**
   * The key words are compared by. Meteor compares Java hash codes of words and stems, so two
   * different words with one hash code match exactly; the default compares the words.
   */
  wordKey?: (word: string) => number | string;
}

export interface CandidateMatches {
  /** startingAt[j]: the matches whose reference span starts at position j, in Meteor's order. */
  startingAt: Match[][];
  /** How many matches cover each test word and each reference word. */
  testCover: number[];
  refCover: number[];
}

const identity = (word: string) => word;

function positionsByKey<K>(keys: readonly K[]): Map<K, number[]> {
  const map = new Map<K, number[]>();
  keys.forEach((key, i) => {
    const list = map.get(key);
    if (list) list.push(i);
    else map.set(key, [i]);
  });
  return map;
}

/** What the matchers need of a test caption, computed once for all its references. */
export interface PreparedTest {
  words: readonly string[];
  keys: readonly (number | string)[];
  byKey: ReadonlyMap<number | string, number[]>;
  byStem: ReadonlyMap<number | string, number[]> | undefined;
  bySynset: ReadonlyMap<number, number[]> | undefined;
}

function positionsBySynset(words: readonly string[], synonyms: WordNetSynsets): Map<number, number[]> {
  const map = new Map<number, number[]>();
  words.forEach((word, i) => {
    for (const synset of synonyms.synsets(word)) {
      const list = map.get(synset);
      if (list) list.push(i);
      else map.set(synset, [i]);
    }
  });
  return map;
}

export function prepareTest(words: readonly string[], matchers: Matchers): PreparedTest {
  const key = matchers.wordKey ?? identity;
  const keys = words.map(key);
  const { stem, synonyms } = matchers;
  return {
    words,
    keys,
    byKey: positionsByKey(keys),
    byStem: stem ? positionsByKey(words.map((word) => key(stem(word)))) : undefined,
    bySynset: synonyms ? positionsBySynset(words, synonyms) : undefined,
  };
}

/** Whether Meteor takes the two captions as identical (then only exact matches are proposed). */
export function sameWords(test: PreparedTest, refKeys: readonly (number | string)[]): boolean {
  return test.keys.length === refKeys.length && test.keys.every((k, i) => k === refKeys[i]);
}

/** Test positions sharing a synset with `word`, ascending (`marks`: a zeroed scratch array, left zeroed). */
function synonymPartners(word: string, bySynset: ReadonlyMap<number, number[]>, synonyms: WordNetSynsets, marks: number[]): number[] {
  let found = false;
  for (const synset of synonyms.synsets(word)) {
    const positions = bySynset.get(synset);
    if (!positions) continue;
    found = true;
    for (const i of positions) marks[i] = 1;
  }
  if (!found) return [];
  const partners: number[] = [];
  for (let i = 0; i < marks.length; i++) {
    if (marks[i]) {
      partners.push(i);
      marks[i] = 0;
    }
  }
  return partners;
}

function paraphraseMatches(
  test: readonly string[],
  ref: readonly string[],
  table: ParaphraseTable,
  add: (m: Match) => void,
  paired: (i: number, j: number) => boolean,
) {
  const refPhrases = new Map<string, number[]>();
  for (let j = 0; j < ref.length; j++) {
    for (let n = 1; n <= table.longest && j + n <= ref.length; n++) {
      const phrase = ref.slice(j, j + n).join(' ');
      const list = refPhrases.get(phrase);
      if (list) list.push(j);
      else refPhrases.set(phrase, [j]);
    }
  }
  for (let i = 0; i < test.length; i++) {
    for (let n = 1; n <= table.longest && i + n <= test.length; n++) {
      for (const other of table.paraphrasesOf(test.slice(i, i + n).join(' ')) ?? []) {
        const refLength = other.split(' ').length;
        for (const j of refPhrases.get(other) ?? []) {
          if (n === 1 && refLength === 1 && paired(i, j)) continue;
          add({ test: i, testLength: n, ref: j, refLength, module: 3 });
        }
      }
    }
  }
}

/** Every match the modules propose between a prepared test caption and a reference. */
export function candidateMatches(test: PreparedTest, ref: readonly string[], matchers: Matchers): CandidateMatches {
  const testLength = test.words.length;
  const startingAt: Match[][] = Array.from({ length: ref.length }, () => []);
  // plain arrays: small typed arrays cost more to allocate than they save
  const testCover = new Array<number>(testLength).fill(0);
  const refCover = new Array<number>(ref.length).fill(0);
  const add = (m: Match) => {
    (startingAt[m.ref] as Match[]).push(m);
    for (let k = 0; k < m.testLength; k++) testCover[m.test + k] = (testCover[m.test + k] as number) + 1;
    for (let k = 0; k < m.refLength; k++) refCover[m.ref + k] = (refCover[m.ref + k] as number) + 1;
  };
  const single = (i: number, j: number, module: number) => add({ test: i, testLength: 1, ref: j, refLength: 1, module });

  const key = matchers.wordKey ?? identity;
  const refKeys = ref.map(key);
  refKeys.forEach((k, j) => {
    for (const i of test.byKey.get(k) ?? []) single(i, j, 0);
  });
  if (sameWords(test, refKeys)) return { startingAt, testCover, refCover };

  const { stem, synonyms, paraphrases } = matchers;
  const { byStem, bySynset } = test;
  if (stem && byStem) {
    ref.forEach((word, j) => {
      for (const i of byStem.get(key(stem(word))) ?? []) if (test.keys[i] !== refKeys[j]) single(i, j, 1);
    });
  }
  if (synonyms && bySynset) {
    const partnersOf = new Map<string, number[]>();
    const marks = new Array<number>(testLength).fill(0);
    ref.forEach((word, j) => {
      let partners = partnersOf.get(word);
      if (!partners) {
        partners = synonymPartners(word, bySynset, synonyms, marks);
        partnersOf.set(word, partners);
      }
      for (const i of partners) if (test.keys[i] !== refKeys[j]) single(i, j, 2);
    });
  }
  if (paraphrases) {
    // a one-word paraphrase of a pair another module already matched adds nothing
    const paired = (i: number, j: number) => (startingAt[j] as Match[]).some((m) => m.test === i && m.testLength === 1 && m.refLength === 1);
    paraphraseMatches(test.words, ref, paraphrases, add, paired);
  }
  return { startingAt, testCover, refCover };
}
