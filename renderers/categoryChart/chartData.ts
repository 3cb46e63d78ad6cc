/**
 * The payload as chart rows and as CSV: pure, shared by the chart, the table view and the
 * CSV export so the three always show the same numbers.
 */
import type { CategoryChartPayload } from '../../kernels/outputs/contracts';

/** One bar: the value and, when known, its interval (the error-bar plugin's yMin / yMax). */
export interface BarPoint {
  y: number;
  yMin?: number;
  yMax?: number;
}

export interface SeriesBars {
  name: string;
  /** One entry per category; null where the series has no score. */
  points: Array<BarPoint | null>;
}

export function seriesBars(payload: CategoryChartPayload, metric: string): SeriesBars[] {
  return payload.series.map((s) => ({
    name: s.name,
    points: payload.categories.map((_, k) => {
      const y = s.values[metric]?.[k];
      if (y === null || y === undefined) return null;
      const ci = s.intervals?.[metric]?.[k];
      return ci ? { y, yMin: ci[0], yMax: ci[1] } : { y };
    }),
  }));
}

/** Whether any series carries an interval for `metric` (the whiskers and the table's columns). */
export function hasIntervals(payload: CategoryChartPayload, metric: string): boolean {
  return payload.series.some((s) => (s.intervals?.[metric] ?? []).some((ci) => ci !== null));
}

/** Table rows for `metric`: a header, then one row per category with a cell per series. */
export function tableRows(payload: CategoryChartPayload, metric: string, digits = 4): string[][] {
  const bars = seriesBars(payload, metric);
  const header = ['category', ...bars.map((b) => b.name)];
  const rows = payload.categories.map((category, k) => [
    category,
    ...bars.map((b) => {
      const p = b.points[k];
      if (!p) return '-';
      const v = p.y.toFixed(digits);
      return p.yMin !== undefined && p.yMax !== undefined ? `${v} [${p.yMin.toFixed(digits)}, ${p.yMax.toFixed(digits)}]` : v;
    }),
  ]);
  return [header, ...rows];
}

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Every metric in long form: series,category,metric,value,low,high (RFC 4180 quoting). */
export function toCsv(payload: CategoryChartPayload): string {
  const lines = [['series', 'category', 'metric', 'value', 'low', 'high'].join(',')];
  for (const metric of payload.metrics) {
    for (const s of payload.series) {
      payload.categories.forEach((category, k) => {
        const v = s.values[metric]?.[k];
        const ci = s.intervals?.[metric]?.[k];
        lines.push(
          [s.name, category, metric, v === null || v === undefined ? '' : String(v), ci ? String(ci[0]) : '', ci ? String(ci[1]) : ''].map(csvCell).join(','),
        );
      });
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** A file name from a title: letters, digits and dashes. */
export function fileStem(title: string): string {
  return (
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'chart'
  );
}
