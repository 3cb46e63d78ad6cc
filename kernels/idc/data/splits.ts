/**
 * Splits for formats that do not give them: stratified by category with a seed, so every
 * category keeps its share in every split and the same seed gives the same split.
 */
import { SeededRandom } from '../../platform/random';
import type { Split } from './types';

export interface SplitFractions {
  train: number;
  validation: number;
  test: number;
}

export const DEFAULT_FRACTIONS: SplitFractions = { train: 0.8, validation: 0.1, test: 0.1 };

/**
 * Assigns a split to each key. Keys of a group (for example the edits of one original image)
 * stay together, so no original is seen in two splits; groups are stratified by category.
 */
export function stratifiedSplit<T>(
  items: readonly T[],
  by: { category(item: T): string; group?(item: T): string },
  fractions: SplitFractions = DEFAULT_FRACTIONS,
  seed = 42,
): Split[] {
  const total = fractions.train + fractions.validation + fractions.test;
  if (!(total > 0) || [fractions.train, fractions.validation, fractions.test].some((f) => f < 0 || !Number.isFinite(f))) {
    throw new RangeError(`split fractions: expected non-negative numbers with a positive sum, found ${JSON.stringify(fractions)}`);
  }
  const groupOf = by.group ?? ((item: T) => String(items.indexOf(item)));
  // groups in first-seen order, each under the category of its first item
  const groups = new Map<string, { category: string; members: number[] }>();
  items.forEach((item, i) => {
    const key = by.group ? groupOf(item) : String(i);
    let g = groups.get(key);
    if (!g) {
      g = { category: by.category(item), members: [] };
      groups.set(key, g);
    }
    g.members.push(i);
  });
  const byCategory = new Map<string, string[]>();
  for (const [key, g] of groups) {
    const list = byCategory.get(g.category) ?? [];
    list.push(key);
    byCategory.set(g.category, list);
  }
  const rng = new SeededRandom(seed);
  const out = new Array<Split>(items.length).fill('train');
  for (const category of [...byCategory.keys()].sort()) {
    const keys = rng.shuffled(byCategory.get(category) as string[]);
    const nTest = Math.round((keys.length * fractions.test) / total);
    const nValidation = Math.round((keys.length * fractions.validation) / total);
    keys.forEach((key, k) => {
      const split: Split = k < nTest ? 'test' : k < nTest + nValidation ? 'validation' : 'train';
      for (const i of (groups.get(key) as { members: number[] }).members) out[i] = split;
    });
  }
  return out;
}
