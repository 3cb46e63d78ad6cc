/**
 * Checks of the payloads read outside the kernel that wrote them: the renderers (in the
 * browser) and the headless runner (in the terminal) both take a progress or training output
 * only after it passed here, so a payload one of them accepts the other reads alike.
 */
import type { ProgressPayload, TrainingPayload } from './contracts';

/** A payload check's answer: the typed payload, or the problem in words naming the field. */
export type Checked<T> = { ok: true; payload: T } | { ok: false; problem: string };

export function validateProgressPayload(value: unknown): Checked<ProgressPayload> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, problem: 'the payload is not an object' };
  const p = value as Record<string, unknown>;
  if (p.v !== 1) return { ok: false, problem: `unsupported payload version ${JSON.stringify(p.v)} (expected 1)` };
  const isNum = (k: string) => typeof p[k] === 'number' && Number.isFinite(p[k]);
  const isNumOrNull = (k: string) => p[k] === null || isNum(k);
  if (typeof p.label !== 'string') return { ok: false, problem: 'label: expected a string' };
  for (const k of ['done', 'elapsedSeconds']) if (!isNum(k)) return { ok: false, problem: `${k}: expected a number` };
  for (const k of ['total', 'ratePerSecond', 'etaSeconds']) if (!isNumOrNull(k)) return { ok: false, problem: `${k}: expected a number or null` };
  if (p.state !== 'running' && p.state !== 'done' && p.state !== 'failed') return { ok: false, problem: 'state: expected running, done or failed' };
  return { ok: true, payload: value as ProgressPayload };
}

const TRAINING_STATES = ['waiting', 'running', 'done', 'failed', 'interrupted'];

export function validateTraining(value: unknown): Checked<TrainingPayload> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, problem: 'the payload is not an object' };
  const p = value as Record<string, unknown>;
  if (p.v !== 1) return { ok: false, problem: `unsupported payload version ${JSON.stringify(p.v)} (expected 1)` };
  if (typeof p.title !== 'string') return { ok: false, problem: 'title: expected a string' };
  if (!Array.isArray(p.notes) || !p.notes.every((n) => typeof n === 'string')) return { ok: false, problem: 'notes: expected a list of strings' };
  if (!Array.isArray(p.runs)) return { ok: false, problem: 'runs: expected a list' };
  for (const [i, r] of (p.runs as unknown[]).entries()) {
    const field = `runs[${i}]`;
    if (typeof r !== 'object' || r === null) return { ok: false, problem: `${field}: expected an object` };
    const run = r as Record<string, unknown>;
    if (typeof run.name !== 'string') return { ok: false, problem: `${field}.name: expected a string` };
    // a diverged run has NaN or Infinity losses, which JSON writes as null: kept as gaps
    if (!Array.isArray(run.loss) || !run.loss.every((v) => v === null || typeof v === 'number'))
      return { ok: false, problem: `${field}.loss: expected a list of numbers` };
    const validationPoint = (v: unknown) =>
      typeof v === 'object' &&
      v !== null &&
      typeof (v as Record<string, unknown>).epoch === 'number' &&
      ((v as Record<string, unknown>).loss === null || typeof (v as Record<string, unknown>).loss === 'number');
    if (!Array.isArray(run.validation) || !run.validation.every(validationPoint))
      return { ok: false, problem: `${field}.validation: expected a list of {epoch, loss}` };
    if (!TRAINING_STATES.includes(run.state as string))
      return { ok: false, problem: `${field}.state: expected ${TRAINING_STATES.join(', ')}, found ${JSON.stringify(run.state)}` };
    // optional (payloads written before it existed have none)
    if (run.totalSteps !== undefined && !(typeof run.totalSteps === 'number' && Number.isFinite(run.totalSteps) && run.totalSteps >= 0))
      return { ok: false, problem: `${field}.totalSteps: expected a number of steps, found ${JSON.stringify(run.totalSteps)}` };
  }
  return { ok: true, payload: value as TrainingPayload };
}
