/** The payload as line points: pure, so smoothing and the views are tested without a canvas. */
import type { TrainingPayload } from '../../kernels/outputs/contracts';
import { runSummary } from '../../kernels/outputs/runSummary';

export type CurveView = 'steps' | 'validation';

export interface CurvePoint {
  x: number;
  y: number | null;
}

/**
 * TensorBoard's smoothing: an exponential moving average with weight `w` in [0, 1), debiased
 * so the first points are not pulled towards zero; gaps (null) stay gaps.
 */
export function smooth(values: ReadonlyArray<number | null>, w: number): Array<number | null> {
  if (w <= 0) return [...values];
  let last = 0;
  let count = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return null;
    last = last * w + (1 - w) * v;
    count++;
    return last / (1 - w ** count);
  });
}

export interface RunCurve {
  name: string;
  label: string;
  points: CurvePoint[];
  /** The raw points under a smoothed line, drawn faintly. */
  raw?: CurvePoint[];
}

/** Loss per optimizer step (step 1 first), or validation loss per epoch. */
export function runCurves(payload: TrainingPayload, view: CurveView, smoothing: number): RunCurve[] {
  return payload.runs.map((run) => {
    const label = run.state === 'done' ? run.name : `${run.name} (${run.state})`;
    if (view === 'validation') return { name: run.name, label, points: run.validation.map((v) => ({ x: v.epoch, y: v.loss })) };
    const raw = run.loss.map((y, i) => ({ x: i + 1, y: y === null || !Number.isFinite(y) ? null : y }));
    if (smoothing <= 0) return { name: run.name, label, points: raw };
    const smoothed = smooth(
      raw.map((p) => p.y),
      smoothing,
    );
    return { name: run.name, label, points: raw.map((p, i) => ({ x: p.x, y: smoothed[i] ?? null })), raw };
  });
}

/** The last values of every run, for the summary line under the chart. */
export function lastValues(payload: TrainingPayload): string {
  return payload.runs.map(runSummary).join('; ');
}
