/**
 * One training run in words: steps, the last finite loss, the last validation loss, and the state
 * unless the run is done. Shared by the text fallback and the renderer's summary line;
 * losses may be null (a diverged run's NaN after JSON).
 */
export function runSummary(run: {
  name: string;
  loss: ReadonlyArray<number | null>;
  validation: ReadonlyArray<{ epoch: number; loss: number | null }>;
  state: string;
}): string {
  const last = [...run.loss].reverse().find((v): v is number => v !== null && Number.isFinite(v));
  const val = run.validation[run.validation.length - 1];
  const validation = val ? `, validation ${val.loss === null ? '-' : val.loss.toFixed(3)} (epoch ${val.epoch})` : '';
  return `${run.name}: ${run.loss.length} steps${last === undefined ? '' : `, loss ${last.toFixed(3)}`}${validation}${run.state === 'done' ? '' : ` [${run.state}]`}`;
}
