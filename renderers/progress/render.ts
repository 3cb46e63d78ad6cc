/**
 * Pure rendering of a progress payload into a shadow root (or any element). Data reaches
 * the page only via textContent and attribute APIs; colours come from VS Code's theme
 * variables (with fallbacks), so light, dark and high-contrast themes all work.
 */
import type { ProgressPayload } from '../../kernels/outputs/contracts';
import { formatDuration, formatProgressText } from '../../kernels/outputs/progressText';
import { validateProgressPayload } from '../../kernels/outputs/payloadChecks';

export { formatDuration, formatProgressText };

/** Width of the bar in percent (0..100), or null when the total is unknown. */
export function progressPercent(p: ProgressPayload): number | null {
  if (p.total === null) return p.state === 'running' ? null : 100;
  if (p.total <= 0) return 100;
  return Math.min(100, Math.max(0, (100 * p.done) / p.total));
}

const STYLE = `
:host { display: block; font-family: var(--vscode-font-family, sans-serif); font-size: var(--vscode-font-size, 13px); color: var(--vscode-foreground, #333); }
.row { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 10px; padding: 4px 0; }
.track { flex: 0 0 240px; max-width: 100%; height: 8px; border-radius: 4px; overflow: hidden;
  background: var(--vscode-editorWidget-background, #e8e8e8); border: 1px solid var(--vscode-contrastBorder, transparent); }
.fill { height: 100%; background: var(--vscode-progressBar-background, #0e70c0); }
.done .fill { background: var(--vscode-testing-iconPassed, #388a34); }
.failed .fill { background: var(--vscode-errorForeground, #a1260d); }
.indeterminate .fill { width: 30%; animation: slide 1.2s linear infinite; }
@keyframes slide { from { margin-left: -30%; } to { margin-left: 100%; } }
@media (prefers-reduced-motion: reduce) { .indeterminate .fill { animation: none; margin-left: 35%; } }
.text { font-family: var(--vscode-editor-font-family, monospace); white-space: pre-wrap; overflow-wrap: anywhere; }
.error { color: var(--vscode-errorForeground, #a1260d); }
`;

function start(root: ShadowRoot | HTMLElement): Document {
  const doc = root.ownerDocument;
  root.replaceChildren();
  const style = doc.createElement('style');
  style.textContent = STYLE;
  root.append(style);
  return doc;
}

/** A readable message in place of the bar, for a payload this renderer cannot show. */
export function renderProblem(problem: string, root: ShadowRoot | HTMLElement): void {
  const doc = start(root);
  const error = doc.createElement('div');
  error.className = 'error';
  error.setAttribute('role', 'status');
  error.textContent = `Cannot show this progress output: ${problem}`;
  root.append(error);
}

/** Replaces root's content with the bar and its text; re-rendering updates it in place. */
export function renderProgress(value: unknown, root: ShadowRoot | HTMLElement): void {
  const checked = validateProgressPayload(value);
  if (!checked.ok) {
    renderProblem(checked.problem, root);
    return;
  }
  const p = checked.payload;
  const doc = start(root);
  const percent = progressPercent(p);
  const text = formatProgressText(p);

  const row = doc.createElement('div');
  row.className = `row ${p.state}${percent === null ? ' indeterminate' : ''}`;
  const track = doc.createElement('div');
  track.className = 'track';
  track.setAttribute('role', 'progressbar');
  track.setAttribute('aria-label', p.label);
  track.setAttribute('aria-valuetext', text);
  track.setAttribute('aria-valuemin', '0');
  track.setAttribute('aria-valuenow', String(p.done));
  if (p.total !== null) track.setAttribute('aria-valuemax', String(p.total));
  const fill = doc.createElement('div');
  fill.className = 'fill';
  if (percent !== null) fill.style.width = `${percent}%`;
  track.append(fill);
  const label = doc.createElement('span');
  label.className = 'text';
  label.textContent = text;
  row.append(track, label);
  root.append(row);
}
