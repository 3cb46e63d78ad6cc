/**
 * Scoring captions of held-out pairs: the COCO metrics overall and per category, and the two
 * checks CIDEr alone cannot make (training-notes.md): category accuracy (does the caption
 * name the kind of change the pair shows, by the synthetic generator's keyword classifier)
 * and the number of distinct captions (a model that ignores the image says the same few
 * sentences). Pure: no model, no tensors.
 */
import { categoryAccuracy } from '../data/synthetic/categoryClassifier';
import type { IdcSample } from '../data/types';
import { evaluateCaptions, type MetricTable } from '../metrics/evaluate';

export interface RunMetrics {
  overall: MetricTable;
  per_category: Record<string, MetricTable>;
  category_accuracy: number;
  distinct_captions: number;
}

/** Metrics of captions against the samples' references (samples without a caption are left out). */
export function scoreCaptions(samples: readonly IdcSample[], captions: ReadonlyMap<string, string>, categories: readonly string[]): RunMetrics {
  const scored = samples.filter((s) => captions.has(s.id));
  const cands = scored.map((s) => captions.get(s.id) as string);
  const evaluation = evaluateCaptions(
    { ids: scored.map((s) => s.id), refs: scored.map((s) => s.references), cands },
    { categories: Object.fromEntries(scored.map((s) => [s.id, s.category])) },
  );
  const perCategory: Record<string, MetricTable> = {};
  for (const [category, table] of evaluation.perCategory ?? []) perCategory[category] = table;
  return {
    overall: evaluation.corpus,
    per_category: perCategory,
    category_accuracy: categoryAccuracy(
      cands,
      scored.map((s) => s.category),
      categories,
    ),
    distinct_captions: new Set(cands).size,
  };
}

/** The most common training reference: the constant-caption baseline. */
export function mostCommonCaption(samples: readonly IdcSample[]): string {
  const counts = new Map<string, number>();
  for (const s of samples) if (s.split === 'train') for (const r of s.references) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? '';
}
