/**
 * A dataset at a glance: counts by split and category, references per sample, image sizes,
 * and how many samples were skipped and why. Pure functions over the samples; the image
 * sizes are read by the caller (Dataset.summary) and passed in.
 */
import { formatProblem } from './problems';
import { SPLITS, type DataProblem, type DataTally, type IdcSample, type Split } from './types';
import type { MimeBundle } from '../../outputs/mime';

export interface SizeCount {
  width: number;
  height: number;
  count: number;
}

export interface DatasetSummary {
  format: string;
  samples: number;
  /** counts[split][category]; splits and categories in display order. */
  counts: Record<string, Record<string, number>>;
  splits: Split[];
  categories: string[];
  /** Fewest, mean and most references per sample, and how many samples have each count. */
  references: { min: number; mean: number; max: number; histogram: Record<string, number> };
  /** Image sizes seen (before and after images), most common first; `sizesOf` images were read of `images`. */
  sizes: SizeCount[];
  sizesOf: number;
  images: number;
  skipped: number;
  problems: DataProblem[];
  notes: string[];
  /** What the loader counted of the released files' ways (merged entries, quirks by kind). */
  tallies: DataTally[];
}

export function summarize(
  format: string,
  samples: readonly IdcSample[],
  problems: readonly DataProblem[],
  notes: readonly string[],
  sizes: SizeCount[],
  sizesOf: number,
  skipped: number,
  tallies: readonly DataTally[] = [],
): DatasetSummary {
  const splits = SPLITS.filter((s) => samples.some((x) => x.split === s));
  const categories = [...new Set(samples.map((s) => s.category))].sort();
  const counts: Record<string, Record<string, number>> = {};
  for (const split of splits) counts[split] = Object.fromEntries(categories.map((c) => [c, 0]));
  const histogram: Record<string, number> = {};
  let refs = 0;
  // a loop, not Math.min(...lengths): spreading 150k arguments overflows the stack
  let min = Infinity;
  let max = 0;
  for (const s of samples) {
    (counts[s.split] as Record<string, number>)[s.category]! += 1;
    const n = s.references.length;
    histogram[String(n)] = (histogram[String(n)] ?? 0) + 1;
    refs += n;
    min = Math.min(min, n);
    max = Math.max(max, n);
  }
  return {
    format,
    samples: samples.length,
    counts,
    splits,
    categories,
    references: { min: samples.length ? min : 0, mean: samples.length ? refs / samples.length : 0, max, histogram },
    sizes,
    sizesOf,
    images: samples.length * 2,
    skipped,
    problems: [...problems],
    notes: [...notes],
    tallies: [...tallies],
  };
}

function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number))).join('  ')).join('\n');
}

export function summaryText(s: DatasetSummary, maxProblems = 10): string {
  const header = ['split', ...s.categories, 'total'];
  const rows = s.splits.map((split) => {
    const c = s.counts[split] as Record<string, number>;
    return [split, ...s.categories.map((k) => String(c[k] ?? 0)), String(Object.values(c).reduce((a, b) => a + b, 0))];
  });
  const totals = [
    'total',
    ...s.categories.map((k) => String(s.splits.reduce((a, split) => a + ((s.counts[split] as Record<string, number>)[k] ?? 0), 0))),
    String(s.samples),
  ];
  const lines = [`${s.format}: ${s.samples.toLocaleString('en-US')} pairs; ${s.skipped} skipped`, '', table([header, ...rows, totals]), ''];
  const hist = Object.entries(s.references.histogram)
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([n, count]) => `${n}: ${count}`)
    .join(', ');
  lines.push(`references per pair: ${s.references.min} to ${s.references.max}, mean ${s.references.mean.toFixed(2)} (${hist})`);
  const sizes = s.sizes
    .slice(0, 5)
    .map((z) => `${z.width}x${z.height} (${z.count})`)
    .join(', ');
  lines.push(
    `image sizes${s.sizesOf < s.images ? ` (${s.sizesOf} of ${s.images} images read)` : ''}: ${sizes || 'none read'}${s.sizes.length > 5 ? `, and ${s.sizes.length - 5} more` : ''}`,
  );
  if (s.tallies.length > 0) lines.push(`as released: ${s.tallies.map((t) => `${t.count.toLocaleString('en-US')} ${t.what}`).join('; ')}`);
  if (s.problems.length > 0) {
    lines.push('', `problems (${s.problems.length}):`);
    for (const p of s.problems.slice(0, maxProblems)) lines.push(`  ${formatProblem(p)}`);
    if (s.problems.length > maxProblems) lines.push(`  ... and ${s.problems.length - maxProblems} more (dataset.problems has them all)`);
  }
  for (const note of s.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}

export function summaryBundle(s: DatasetSummary): MimeBundle {
  return { 'text/plain': summaryText(s) };
}
