/**
 * Problems found in a dataset. The default policy skips what is broken and reports it; the
 * `fail` policy throws at the first problem, except the documented quirks of the released files
 * (`quirk`, `leftOut`), which are reported under either. Either way nothing is dropped without
 * a message that names the file, the field and the reason.
 */
import type { DataProblem, ErrorPolicy } from './types';

export function formatProblem(problem: DataProblem, stopped = false): string {
  const field = problem.field ? `${problem.field}: ` : '';
  let sample = problem.kept ? ' (kept)' : '';
  if (problem.sample !== undefined) sample = stopped ? ` (at sample ${problem.sample})` : ` (sample ${problem.sample} ${problem.kept ? 'kept' : 'skipped'})`;
  return `${problem.file}: ${field}${problem.reason}${sample}`;
}

/** Thrown for a problem that stops a load: a missing index file, or any problem under `fail`. */
export class DatasetError extends Error {
  constructor(readonly problem: DataProblem) {
    super(formatProblem(problem, true));
    this.name = 'DatasetError';
  }
}

export class ProblemLog {
  private readonly problems: DataProblem[] = [];
  private readonly seen = new Set<string>();
  private readonly skipped = new Set<string>();

  constructor(readonly policy: ErrorPolicy = 'skip') {}

  /**
   * Records a problem; under `fail` it throws instead. The same problem met again (a summary
   * run twice reads the same broken image twice) is recorded once.
   */
  report(problem: DataProblem): void {
    if (this.policy === 'fail') throw new DatasetError(problem);
    this.record(problem);
    if (problem.sample !== undefined) this.skipped.add(problem.sample);
  }

  /**
   * A known quirk of a released file that the loader survives (datasets.md): recorded with its
   * file and field and counted, the sample kept, and never a reason to stop, even under `fail`,
   * since the released files have thousands of them.
   */
  quirk(problem: Omit<DataProblem, 'kept'>): void {
    this.record({ ...problem, kept: true });
  }

  /**
   * A sample that a documented quirk of the released files leaves with nothing to read (a
   * Spot-the-Diff pair whose every sentence is ""): recorded and counted as skipped like any
   * problem, but never a reason to stop, even under `fail`, since the released files have it.
   */
  leftOut(problem: DataProblem & { sample: string }): void {
    this.record(problem);
    this.skipped.add(problem.sample);
  }

  private record(problem: DataProblem): void {
    const key = JSON.stringify([problem.file, problem.field, problem.reason, problem.sample, problem.kept]);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.problems.push(problem);
  }

  /** A problem that no policy can skip (the dataset cannot be read at all). */
  fatal(problem: DataProblem): never {
    throw new DatasetError(problem);
  }

  get all(): readonly DataProblem[] {
    return this.problems;
  }

  /** Ids of the samples skipped because of a problem. */
  get skippedSamples(): ReadonlySet<string> {
    return this.skipped;
  }

  isSkipped(id: string): boolean {
    return this.skipped.has(id);
  }
}
