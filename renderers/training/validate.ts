/** Checks a training payload (contracts.ts) and names the first field that is wrong. */
import type { TrainingPayload } from '../../kernels/outputs/contracts';
import type { Checked } from '../shared/checked';

const STATES = ['waiting', 'running', 'done', 'failed', 'interrupted'];

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
    if (!STATES.includes(run.state as string))
      return { ok: false, problem: `${field}.state: expected ${STATES.join(', ')}, found ${JSON.stringify(run.state)}` };
  }
  return { ok: true, payload: value as TrainingPayload };
}
