/**
 * The `training` output: loss curves of one or more runs, updated in place while they train.
 * Renderers/training draws it interactively; these are its SVG and text fallbacks.
 */
import { payloadJson, type TrainingPayload } from '../../outputs/contracts';
import { runSummary } from '../../outputs/runSummary';
import { IDC_MIME, type MimeBundle } from '../../outputs/mime';

const escapeXml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function trainingText(payload: TrainingPayload): string {
  return [payload.title, ...payload.runs.map(runSummary), ...payload.notes.map((note) => `note: ${note}`)].join('\n');
}

/** Training loss per step of every run, one polyline each, on shared axes. */
export function trainingSvg(payload: TrainingPayload, width = 640, height = 320): string {
  const pad = { left: 48, right: 140, top: 28, bottom: 32 };
  const steps = Math.max(1, ...payload.runs.map((r) => r.loss.length));
  const all = payload.runs.flatMap((r) => r.loss).filter((v) => Number.isFinite(v));
  const top = all.length ? Math.max(...all) : 1;
  const bottom = all.length ? Math.min(0, ...all) : 0;
  const x = (i: number) => pad.left + ((width - pad.left - pad.right) * i) / Math.max(1, steps - 1);
  const y = (v: number) => pad.top + ((height - pad.top - pad.bottom) * (top - v)) / Math.max(1e-9, top - bottom);
  const colours = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7'];
  const lines = payload.runs.map((run, k) => {
    const colour = colours[k % colours.length] as string;
    const points = run.loss.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    return `<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${points}"/><text x="${width - pad.right + 8}" y="${pad.top + 14 * k + 10}" fill="${colour}" font-size="11">${escapeXml(run.name)}</text>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<text x="${pad.left}" y="16" font-size="13">${escapeXml(payload.title)}</text>`,
    `<line x1="${pad.left}" y1="${height - pad.bottom}" x2="${width - pad.right}" y2="${height - pad.bottom}" stroke="#888"/>`,
    `<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${height - pad.bottom}" stroke="#888"/>`,
    `<text x="${pad.left - 6}" y="${pad.top + 4}" font-size="10" text-anchor="end">${top.toFixed(2)}</text>`,
    `<text x="${pad.left - 6}" y="${height - pad.bottom}" font-size="10" text-anchor="end">${bottom.toFixed(2)}</text>`,
    `<text x="${width - pad.right}" y="${height - 10}" font-size="10" text-anchor="end">step ${steps}</text>`,
    ...lines,
    '</svg>',
  ].join('');
}

export function trainingBundle(payload: TrainingPayload): MimeBundle {
  return { [IDC_MIME.training]: payloadJson(payload), 'image/svg+xml': trainingSvg(payload), 'text/plain': trainingText(payload) };
}
