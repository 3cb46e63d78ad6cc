/**
 * Learning rates over a run. LoRA: `constant` (the paper's) or `cosine`, from the peak down to
 * a tenth over the step budget, for runs cut at a budget. Pretraining: a linear warm-up, then
 * the same cosine to a tenth.
 */
export type LearningRateSchedule = 'constant' | 'cosine';

/** The learning rate of optimizer step `step` (0-based) of `total`. */
export function scheduledRate(schedule: LearningRateSchedule, peak: number, step: number, total: number): number {
  if (schedule === 'constant') return peak;
  const progress = Math.min(1, step / Math.max(1, total));
  return peak * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

/** Pretraining's rate at step `step` (0-based) of `total`: warm-up over `warmup` steps, then cosine to a tenth. */
export function warmupCosineRate(peak: number, step: number, total: number, warmup = 100): number {
  const warm = Math.min(1, (step + 1) / warmup);
  const progress = Math.max(0, (step - warmup) / Math.max(1, total - warmup));
  return peak * warm * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress)));
}
