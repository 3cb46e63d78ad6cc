/** The one-line text form of a progress payload: the text/plain fallback of a progress bar. */
import type { ProgressPayload } from './contracts';

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export function formatProgressText(p: ProgressPayload): string {
  const count = p.total !== null ? `${p.done}/${p.total} (${p.total > 0 ? Math.floor((100 * p.done) / p.total) : 100}%)` : `${p.done}`;
  const parts = [`${p.label} ${count}`];
  if (p.ratePerSecond !== null) parts.push(`${p.ratePerSecond >= 10 ? p.ratePerSecond.toFixed(0) : p.ratePerSecond.toFixed(2)} it/s`);
  if (p.state === 'running' && p.etaSeconds !== null) parts.push(`ETA ${formatDuration(p.etaSeconds)}`);
  parts.push(`elapsed ${formatDuration(p.elapsedSeconds)}`);
  if (p.state === 'failed') parts.push('stopped');
  return parts.join(' · ');
}
