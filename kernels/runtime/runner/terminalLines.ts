/**
 * Rich outputs as terminal lines, in pure functions of the outputs and the time: what the
 * headless runner prints for the progress bars and other displays that the notebook renders.
 *
 * A bar is a progress output (one per display) or a running run of a training output (one per
 * run: its steps so far towards its planned steps). Each bar keeps the readings it needs for a
 * line at any moment: the producer's own rate, ETA and elapsed time when it gives them
 * (progress outputs), else a rate measured here from the first reading to the latest step
 * (training runs, which report steps only). Other outputs print their text/plain once, final.
 */
import type { ProgressPayload } from '../../outputs/contracts';
import { IDC_MIME, type MimeBundle } from '../../outputs/mime';
import { validateProgressPayload, validateTraining } from '../../outputs/payloadChecks';
import { formatProgressText } from '../../outputs/progressText';

/** Milliseconds on some monotonic scale; injected so tests can move time. */
export interface Clock {
  now(): number;
}

export type BarStatus = ProgressPayload['state'];

/** What one output says of one bar right now. */
export interface BarReading {
  /** Unique among the bars of one display (the run's name in a training output). */
  part: string;
  kind: 'progress' | 'training';
  label: string;
  done: number;
  total: number | null;
  state: BarStatus;
  /** The producer's own measurements (progress outputs). */
  reported?: { ratePerSecond: number | null; etaSeconds: number | null; elapsedSeconds: number };
  /** A last word after the numbers ("loss 2.113"). */
  detail?: string;
}

/** A bar as the runner keeps it between readings. */
export interface Bar {
  key: string;
  /** The cell it belongs to ("cell 4"). */
  cell: string;
  reading: BarReading;
  /** When the latest reading came. */
  seenAt: number;
  /** When the latest reading that changed the count came (a rate measured here ends there). */
  movedAt: number;
  /** The first reading's time and count, for a rate measured here. */
  first: { at: number; done: number };
}

/** The bars in a bundle: one for a progress output, one per run that has started for a training output. */
export function readBars(bundle: MimeBundle): BarReading[] {
  const progress = bundle[IDC_MIME.progress];
  if (progress !== undefined) {
    const checked = validateProgressPayload(progress);
    if (!checked.ok) return [];
    const p = checked.payload;
    return [
      {
        part: '',
        kind: 'progress',
        label: p.label,
        done: p.done,
        total: p.total,
        state: p.state,
        reported: { ratePerSecond: p.ratePerSecond, etaSeconds: p.etaSeconds, elapsedSeconds: p.elapsedSeconds },
      },
    ];
  }
  const training = bundle[IDC_MIME.training];
  if (training === undefined) return [];
  const checked = validateTraining(training);
  if (!checked.ok) return [];
  return checked.payload.runs.flatMap((run): BarReading[] => {
    if (run.state === 'waiting') return [];
    // a diverged step's NaN arrives as null: the last finite loss is the one worth reading
    const last = [...run.loss].reverse().find((v): v is number => typeof v === 'number' && Number.isFinite(v));
    return [
      {
        part: run.name,
        kind: 'training',
        label: run.name,
        done: run.loss.length,
        total: run.totalSteps ?? null,
        state: run.state === 'running' ? 'running' : run.state === 'done' ? 'done' : 'failed',
        ...(last !== undefined ? { detail: `loss ${last.toFixed(3)}` } : {}),
      },
    ];
  });
}

/** Whether a bundle is shown by its bars (and so prints no text when final). */
export function isBarOutput(bundle: MimeBundle): boolean {
  return bundle[IDC_MIME.progress] !== undefined;
}

/**
 * The bar after a reading, or undefined when the reading starts no bar: a training run first
 * seen finished was read back from an earlier session, not trained now.
 */
export function nextBar(previous: Bar | undefined, key: string, cell: string, reading: BarReading, now: number): Bar | undefined {
  if (previous) {
    // A training output is sent again whenever any of its runs changes: a run's rate is measured
    // to its last step, or it would sink while the run did nothing (or was busy scoring at the end).
    const movedAt = reading.done !== previous.reading.done ? now : previous.movedAt;
    return { ...previous, reading, seenAt: now, movedAt };
  }
  if (reading.kind === 'training' && reading.state !== 'running') return undefined;
  return { key, cell, reading, seenAt: now, movedAt: now, first: { at: now, done: reading.done } };
}

/** The bar as a progress payload at `now`: its counts, with rate, ETA and elapsed time carried forward to now. */
export function progressAt(bar: Bar, now: number): ProgressPayload {
  const r = bar.reading;
  const running = r.state === 'running';
  // between two readings a running bar's clock keeps going: a loop that stalls shows it
  const since = (at: number) => (running ? Math.max(0, (now - at) / 1000) : 0);
  let ratePerSecond: number | null;
  let etaSeconds: number | null;
  let elapsedSeconds: number;
  if (r.reported) {
    ratePerSecond = r.reported.ratePerSecond;
    etaSeconds = r.reported.etaSeconds === null ? null : Math.max(0, r.reported.etaSeconds - since(bar.seenAt));
    elapsedSeconds = r.reported.elapsedSeconds + since(bar.seenAt);
  } else {
    const measured = (bar.movedAt - bar.first.at) / 1000;
    const steps = r.done - bar.first.done;
    ratePerSecond = measured > 0 && steps > 0 ? steps / measured : null;
    etaSeconds = ratePerSecond !== null && r.total !== null ? Math.max(0, (r.total - r.done) / ratePerSecond - since(bar.movedAt)) : null;
    elapsedSeconds = (bar.seenAt - bar.first.at) / 1000 + since(bar.seenAt);
  }
  return { v: 1, label: r.label, done: r.done, total: r.total, ratePerSecond, etaSeconds, elapsedSeconds, state: r.state };
}

/** The bar's words: its cell, then count, rate, ETA and elapsed time as the notebook's progress output says them. */
export function barText(bar: Bar, now: number): string {
  const detail = bar.reading.detail ? ` · ${bar.reading.detail}` : '';
  return `${bar.cell} · ${formatProgressText(progressAt(bar, now))}${detail}`;
}

const GAUGE_WIDTH = 20;

/** A text gauge ("[#####---------------]"), blank inside while the total is unknown. */
export function gauge(p: ProgressPayload): string {
  const fraction = p.total === null ? (p.state === 'running' ? null : 1) : p.total <= 0 ? 1 : Math.min(1, Math.max(0, p.done / p.total));
  if (fraction === null) return `[${' '.repeat(GAUGE_WIDTH)}]`;
  const filled = Math.floor(fraction * GAUGE_WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(GAUGE_WIDTH - filled)}]`;
}

/** Cut to the terminal's width: a line that wrapped would break the redraw of the lines under it. */
export function fitWidth(line: string, columns: number): string {
  const chars = [...line];
  const room = Math.max(1, columns - 1);
  return chars.length <= room ? line : `${chars.slice(0, room - 1).join('')}…`;
}

/** The live lines of a terminal: one per running bar, in the order the bars appeared. */
export function liveFrame(bars: readonly Bar[], now: number, columns: number): string[] {
  return bars.filter((b) => b.reading.state === 'running').map((b) => fitWidth(`${gauge(progressAt(b, now))} ${barText(b, now)}`, columns));
}

/** What a log has last printed of a bar: when, and the count it said. */
export interface Printed {
  at: number;
  done: number;
}

/**
 * Whether a log (not a terminal) prints a running bar's line now: `everyMs` after the bar
 * appeared, then `everyMs` after its last line once it has moved since, so a log gets at most
 * one line per bar per `everyMs`, and none that repeats the last. A bar's end is printed apart.
 */
export function lineDue(bar: Bar, printed: Printed | undefined, now: number, everyMs: number): boolean {
  if (bar.reading.state !== 'running') return false;
  if (printed === undefined) return now - bar.first.at >= everyMs;
  return bar.reading.done !== printed.done && now - printed.at >= everyMs;
}

/** The text a finished display prints: its text/plain fallback, or the names of its types when it has none. */
export function finalText(bundle: MimeBundle): string {
  const text = bundle['text/plain'];
  if (typeof text === 'string') return text;
  return `<${Object.keys(bundle).join(', ') || 'empty output'}>`;
}
