/**
 * Problems found in a dataset. The default policy skips what is broken and reports it; the
 * `fail` policy throws at the first problem. Either way nothing is dropped without a message
 * that names the file, the field and the reason.
 */
import type { DataProblem, ErrorPolicy } from './types';

export function formatProblem(problem: DataProblem): string {
  const field = problem.field ? `${problem.field}: ` : '';
  const skipped = problem.sample !== undefined ? ` (sample ${problem.sample} skipped)` : '';
  return `${problem.file}: ${field}${problem.reason}${skipped}`;
}

/** Thrown for a problem that stops a load: a missing index file, or any problem under `fail`. */
export class DatasetError extends Error {
  constructor(readonly problem: DataProblem) {
    super(formatProblem(problem));
    this.name = 'DatasetError';
  }
}

export class ProblemLog {
  private readonly problems: DataProblem[] = [];
  private readonly skipped = new Set<string>();

  constructor(readonly policy: ErrorPolicy = 'skip') {}

  /** Records a problem; under `fail` it throws instead. */
  report(problem: DataProblem): void {
    if (this.policy === 'fail') throw new DatasetError(problem);
    this.problems.push(problem);
    if (problem.sample !== undefined) this.skipped.add(problem.sample);
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
