/** Checks a category-chart payload (contracts.ts) and names the first field that is wrong. */
import type { CategoryChartPayload } from '../../kernels/outputs/contracts';
import type { Checked } from '../../kernels/outputs/payloadChecks';

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

export function validateCategoryChart(value: unknown): Checked<CategoryChartPayload> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, problem: 'the payload is not an object' };
  const p = value as Record<string, unknown>;
  if (p.v !== 1) return { ok: false, problem: `unsupported payload version ${JSON.stringify(p.v)} (expected 1)` };
  if (typeof p.title !== 'string') return { ok: false, problem: 'title: expected a string' };
  if (!isStringList(p.categories)) return { ok: false, problem: 'categories: expected a list of strings' };
  if (!isStringList(p.metrics) || p.metrics.length === 0) return { ok: false, problem: 'metrics: expected a non-empty list of strings' };
  if (!isStringList(p.notes)) return { ok: false, problem: 'notes: expected a list of strings' };
  if (!Array.isArray(p.series)) return { ok: false, problem: 'series: expected a list' };
  const n = p.categories.length;
  for (const [i, s] of (p.series as unknown[]).entries()) {
    const field = `series[${i}]`;
    if (typeof s !== 'object' || s === null) return { ok: false, problem: `${field}: expected an object` };
    const series = s as Record<string, unknown>;
    if (typeof series.name !== 'string') return { ok: false, problem: `${field}.name: expected a string` };
    if (typeof series.values !== 'object' || series.values === null) return { ok: false, problem: `${field}.values: expected an object of metric -> values` };
    for (const [metric, values] of Object.entries(series.values as Record<string, unknown>)) {
      if (!Array.isArray(values) || values.length !== n || !values.every((v) => v === null || (typeof v === 'number' && Number.isFinite(v)))) {
        return { ok: false, problem: `${field}.values.${metric}: expected ${n} numbers or nulls (one per category)` };
      }
    }
    if (series.intervals !== undefined) {
      if (typeof series.intervals !== 'object' || series.intervals === null)
        return { ok: false, problem: `${field}.intervals: expected an object of metric -> [low, high] pairs` };
      for (const [metric, values] of Object.entries(series.intervals as Record<string, unknown>)) {
        const pair = (v: unknown) => v === null || (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && Number.isFinite(x)));
        if (!Array.isArray(values) || values.length !== n || !values.every(pair))
          return { ok: false, problem: `${field}.intervals.${metric}: expected ${n} [low, high] pairs or nulls` };
      }
    }
  }
  return { ok: true, payload: value as CategoryChartPayload };
}
