/**
 * Where an ablation's jobs run: `local` (worker processes on this machine, the default) or
 * `slurm` (a job array on a cluster, ./slurm). Both hand back the same run records, written
 * by the same worker code as result.json in each job's folder.
 */
import type { Job, JobRecord, WorkerMessage } from './jobs';
import { runJobs } from './workerPool';
import { checkOptions } from '../../platform/options';

export interface Executor {
  readonly kind: 'local' | 'slurm';
  /** Runs `jobs`; progress and completions go to `onMessage`; aborting stops them (their checkpoints stay). */
  run(jobs: Job[], signal: AbortSignal, onMessage: (m: WorkerMessage) => void): Promise<JobRecord[]>;
  /** For the record in ablation.json. */
  describe(): Record<string, unknown>;
}

export interface LocalOptions {
  /** Worker processes at once (default: one per core). */
  workers?: number;
}

export function local(options: LocalOptions = {}, cores = 1): Executor {
  checkOptions('idc.train.local', options, { workers: true });
  const workers = options.workers ?? cores;
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`idc.train.local: workers: expected a whole number >= 1, found ${workers}`);
  return {
    kind: 'local',
    run: (jobs, signal, onMessage) => runJobs(jobs, workers, signal, onMessage),
    describe: () => ({ kind: 'local', workers }),
  };
}
