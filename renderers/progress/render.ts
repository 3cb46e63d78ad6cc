/**
 * Pure rendering of a progress payload into a shadow root. Data reaches the page only via
 * textContent and attribute APIs; colours come from VS Code's theme variables.
 */
import type { ProgressPayload } from '../../kernels/idc/display/contracts';
import { formatProgressText } from '../../kernels/idc/display/progressText';

export type ValidationResult = { ok: true; payload: ProgressPayload } | { ok: false; problem: string };

export function validateProgressPayload(value: unknown): ValidationResult {
  if (typeof value !== 'object' || value === null) return { ok: false, problem: 'the payload is not an object' };
  const p = value as Record<string, unknown>;
  if (p['v'] !== 1) return { ok: false, problem: `unsupported payload version ${JSON.stringify(p['v'])} (expected 1)` };
  const isNum = (k: string) => typeof p[k] === 'number' && Number.isFinite(p[k]);
  const isNumOrNull = (k: string) => p[k] === null || isNum(k);
  if (typeof p['label'] !== 'string') return { ok: false, problem: 'label: expected a string' };
  for (const k of ['done', 'elapsedSeconds']) if (!isNum(k)) return { ok: false, problem: `${k}: expected a number` };
  for (const k of ['total', 'ratePerSecond', 'etaSeconds']) if (!isNumOrNull(k)) return { ok: false, problem: `${k}: expected a number or null` };
  if (p['state'] !== 'running' && p['state'] !== 'done' && p['state'] !== 'failed') return { ok: false, problem: 'state: expected running, done or failed' };
  return { ok: true, payload: value as ProgressPayload };
}

const STYLE = `
:host { display: block; font-family: var(--vscode-font-family, sans-serif); font-size: var(--vscode-font-size, 13px); color: var(--vscode-foreground, #333); }
.row { display: flex; align-items: center; gap: 10px; padding: 4px 0; }
.track { flex: 0 0 240px; height: 8px; border-radius: 4px; overflow: hidden;
  background: var(--vscode-editorWidget-background, #e8e8e8); border: 1px solid var(--vscode-contrastBorder, transparent); }
.fill { height: 100%; background: var(--vscode-progressBar-background, #0e70c0); }
.done .fill { background: var(--vscode-testing-iconPassed, #388a34); }
.failed .fill { background: var(--vscode-errorForeground, #a1260d); }
.indeterminate .fill { width: 30%; animation: slide 1.2s linear infinite; }
@keyframes slide { from { margin-left: -30%; } to { margin-left: 100%; } }
.text { font-family: var(--vscode-editor-font-family, monospace); white-space: pre; }
.error { color: var(--vscode-errorForeground, #a1260d); }
`;

export function renderProgress(value: unknown, root: ShadowRoot): void {
  const doc = root.ownerDocument;
  root.replaceChildren();
  const style = doc.createElement('style');
  style.textContent = STYLE;
  root.append(style);
  const checked = validateProgressPayload(value);
  if (!checked.ok) {
    const error = doc.createElement('div');
    error.className = 'error';
    error.textContent = `Cannot show this progress output: ${checked.problem}`;
    root.append(error);
    return;
  }
  const p = checked.payload;
  const row = doc.createElement('div');
  row.className = `row ${p.state}${p.total === null ? ' indeterminate' : ''}`;
  const track = doc.createElement('div');
  track.className = 'track';
  track.setAttribute('role', 'progressbar');
  track.setAttribute('aria-label', p.label);
  track.setAttribute('aria-valuemin', '0');
  track.setAttribute('aria-valuenow', String(p.done));
  if (p.total !== null) track.setAttribute('aria-valuemax', String(p.total));
  const fill = doc.createElement('div');
  fill.className = 'fill';
  if (p.total !== null) fill.style.width = `${p.total > 0 ? Math.min(100, (100 * p.done) / p.total) : 100}%`;
  track.append(fill);
  const text = doc.createElement('span');
  text.className = 'text';
  text.textContent = formatProgressText(p);
  row.append(track, text);
  root.append(row);
}
