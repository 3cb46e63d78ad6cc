/**
 * Scores per change category, as the paper's per-category tables are computed: each
 * category's images are scored as a set of their own, so CIDEr-D's idf comes from that
 * subset ("subset", the default). With `idf: 'whole'`, CIDEr-D takes its idf from the whole
 * set instead, so a category's CIDEr-D is the mean of its images' whole-set scores; BLEU and
 * ROUGE-L do not depend on the choice. `overall` is always the whole set.
 */
import { documentFrequency, type CiderOptions, type DocumentFrequency } from './cider';
import { scoreTokenized, type SetScores } from './scoreTokenized';
import type { TokenizedSet } from './types';
import { checkOptions, type OptionKeys } from '../../platform/options';

export interface CategoryOptions {
  idf?: 'subset' | 'whole';
  /** CIDEr variant and sigma (the idf follows `idf`). */
  cider?: Omit<CiderOptions, 'documentFrequency'>;
}

export interface CategoryScores {
  overall: SetScores;
  /** In order of first appearance in the set. */
  byCategory: Map<string, SetScores>;
  /** The whole set's document frequencies, when categories used them (`idf: 'whole'`). */
  documentFrequency?: DocumentFrequency;
}

export function subset(set: TokenizedSet, keep: (id: string) => boolean): TokenizedSet {
  const ids: string[] = [];
  const refs: (readonly string[])[] = [];
  const cands: string[] = [];
  set.ids.forEach((id, i) => {
    if (!keep(id)) return;
    ids.push(id);
    refs.push(set.refs[i] ?? []);
    cands.push(set.cands[i] ?? '');
  });
  return { ids, refs, cands };
}

const CATEGORY_OPTIONS: OptionKeys<CategoryOptions> = { idf: true, cider: true };

export function scoreByCategory(set: TokenizedSet, categoryOf: ReadonlyMap<string, string>, options: CategoryOptions = {}): CategoryScores {
  checkOptions('idc.metrics.scoreByCategory', options, CATEGORY_OPTIONS);
  const missing = set.ids.filter((id) => !categoryOf.has(id));
  if (missing.length > 0) {
    throw new Error(`categories: ${missing.length} id(s) have no category, for example "${missing[0]}"; expected a category for every scored id`);
  }
  const wholeIdf = options.idf === 'whole' ? documentFrequency(set.refs) : undefined;
  const overall = scoreTokenized(set, { cider: options.cider ?? {} });
  const categories = [...new Set(set.ids.map((id) => categoryOf.get(id) as string))];
  const byCategory = new Map<string, SetScores>();
  for (const category of categories) {
    const part = subset(set, (id) => categoryOf.get(id) === category);
    byCategory.set(category, scoreTokenized(part, { cider: wholeIdf ? { ...options.cider, documentFrequency: wholeIdf } : (options.cider ?? {}) }));
  }
  return wholeIdf ? { overall, byCategory, documentFrequency: wholeIdf } : { overall, byCategory };
}
