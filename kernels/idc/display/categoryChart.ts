/**
 * The category chart output: the contract payload, a text table and a static SVG bar chart
 * of the first metric (for GitHub, Jupyter and terminals; the interactive renderer reads
 * the payload). Pure functions; every label is escaped before it enters the SVG.
 */
import { payloadJson, type CategoryChartPayload } from '../../outputs/contracts';
import { IDC_MIME, type MimeBundle } from '../../outputs/mime';

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7'];

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const format = (x: number | null | undefined) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(4));

/** One row per category, one column per series and metric: "value [low, high]". */
export function categoryChartText(payload: CategoryChartPayload): string {
  const header = ['category', ...payload.series.flatMap((s) => payload.metrics.map((m) => (payload.series.length > 1 ? `${s.name} ${m}` : m)))];
  const rows = payload.categories.map((category, k) => [
    category,
    ...payload.series.flatMap((s) =>
      payload.metrics.map((m) => {
        const value = format(s.values[m]?.[k]);
        const ci = s.intervals?.[m]?.[k];
        return ci ? `${value} [${format(ci[0])}, ${format(ci[1])}]` : value;
      }),
    ),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] as string).length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number))).join('  ');
  return [payload.title, line(header), ...rows.map(line), ...payload.notes.map((n) => `note: ${n}`)].join('\n');
}

/** A grouped bar chart of `metric` (default: the first), with interval whiskers. */
export function categoryChartSvg(payload: CategoryChartPayload, metric = payload.metrics[0] ?? ''): string {
  const width = 720;
  const height = 360;
  const margin = { left: 56, right: 16, top: 40 + 14 * payload.notes.length, bottom: 72 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  let max = 0;
  for (const s of payload.series) {
    s.values[metric]?.forEach((v) => (max = Math.max(max, v ?? 0)));
    s.intervals?.[metric]?.forEach((ci) => (max = Math.max(max, ci?.[1] ?? 0)));
  }
  max = max > 0 ? max * 1.1 : 1;
  const y = (v: number) => margin.top + plotH - (v / max) * plotH;
  const group = plotW / Math.max(1, payload.categories.length);
  const bar = (group * 0.8) / Math.max(1, payload.series.length);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${margin.left}" y="20" font-size="14" font-weight="bold">${escapeXml(`${payload.title}: ${metric}`)}</text>`,
    ...payload.notes.map((note, i) => `<text x="${margin.left}" y="${36 + 14 * i}" fill="#555555">${escapeXml(`note: ${note}`)}</text>`),
  ];
  for (let t = 0; t <= 4; t++) {
    const v = (max * t) / 4;
    parts.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#dddddd"/>`);
    parts.push(`<text x="${margin.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v.toFixed(2)}</text>`);
  }
  payload.categories.forEach((category, k) => {
    const x0 = margin.left + k * group + group * 0.1;
    payload.series.forEach((s, j) => {
      const v = s.values[metric]?.[k];
      const colour = PALETTE[j % PALETTE.length] as string;
      const x = x0 + j * bar;
      if (v !== null && v !== undefined && !Number.isNaN(v)) {
        parts.push(
          `<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${Math.max(1, bar - 2).toFixed(1)}" height="${(margin.top + plotH - y(v)).toFixed(1)}" fill="${colour}"><title>${escapeXml(`${s.name} ${category}: ${format(v)}`)}</title></rect>`,
        );
      }
      const ci = s.intervals?.[metric]?.[k];
      if (ci) {
        const cx = (x + (bar - 2) / 2).toFixed(1);
        parts.push(
          `<path d="M${cx} ${y(ci[0]).toFixed(1)}V${y(ci[1]).toFixed(1)}M${(x + bar / 4).toFixed(1)} ${y(ci[1]).toFixed(1)}h${(bar / 2 - 2).toFixed(1)}M${(x + bar / 4).toFixed(1)} ${y(ci[0]).toFixed(1)}h${(bar / 2 - 2).toFixed(1)}" stroke="#333333" fill="none"/>`,
        );
      }
    });
    const lx = margin.left + k * group + group / 2;
    parts.push(
      `<text x="${lx.toFixed(1)}" y="${margin.top + plotH + 14}" text-anchor="end" transform="rotate(-30 ${lx.toFixed(1)} ${margin.top + plotH + 14})">${escapeXml(category)}</text>`,
    );
  });
  payload.series.forEach((s, j) => {
    const lx = margin.left + 8 + j * 130;
    parts.push(`<rect x="${lx}" y="${height - 18}" width="10" height="10" fill="${PALETTE[j % PALETTE.length] as string}"/>`);
    parts.push(`<text x="${lx + 14}" y="${height - 9}">${escapeXml(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

export function categoryChartBundle(payload: CategoryChartPayload): MimeBundle {
  return {
    [IDC_MIME.categoryChart]: payloadJson(payload),
    'image/svg+xml': categoryChartSvg(payload),
    'text/plain': categoryChartText(payload),
  };
}
