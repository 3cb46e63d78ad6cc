/**
 * Jobs in child processes: at most `workers` at a time, one job per process (the WASM
 * backend is single-threaded, and a process that ends frees every tensor it made). Progress
 * messages go to the caller; aborting kills the children, each leaving its last checkpoint.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Job, JobRecord, WorkerMessage } from './jobs';

/** kernels/idc/worker.ts from source (tests, tsx), else the bundle beside this one (dist/worker.js). */
function workerEntry(): { file: string; execArgv: string[] } {
  if (__filename.endsWith('.ts')) return { file: path.join(__dirname, '..', 'worker.ts'), execArgv: ['--import', 'tsx'] };
  return { file: path.join(__dirname, 'worker.js'), execArgv: [] };
}

interface Pending {
  job: Job;
  resolve: (record: JobRecord) => void;
  reject: (error: Error) => void;
}

/** Runs jobs in at most `workers` child processes; progress messages go to `onMessage`. */
export async function runJobs(jobs: Job[], workers: number, signal: AbortSignal, onMessage: (m: WorkerMessage) => void): Promise<JobRecord[]> {
  const entry = workerEntry();
  const children = new Set<ChildProcess>();
  const queue: Pending[] = [];
  const results = jobs.map((job) => new Promise<JobRecord>((resolve, reject) => queue.push({ job, resolve, reject })));
  // a job that fails while others still run is reported by Promise.all below, not as unhandled
  for (const r of results) r.catch(() => undefined);
  const abort = () => {
    for (const c of children) c.kill('SIGTERM'); // each leaves its last checkpoint
  };
  signal.addEventListener('abort', abort, { once: true });
  const start = async (): Promise<void> => {
    const next = queue.shift();
    if (!next) return;
    if (signal.aborted) {
      next.reject(new Error('interrupted'));
      return start();
    }
    await new Promise<void>((done) => {
      const child = fork(entry.file, [], { execArgv: entry.execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
      children.add(child);
      let stderr = '';
      let settled = false;
      child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
      child.on('message', (m: WorkerMessage) => {
        onMessage(m);
        if (m.type === 'done') {
          settled = true;
          next.resolve(m.record);
        } else if (m.type === 'failed') {
          settled = true;
          next.reject(new Error(`${m.name}: ${m.message}`));
        }
      });
      child.on('exit', (code, sig) => {
        children.delete(child);
        if (!settled)
          next.reject(
            new Error(
              `${next.job.name}: the worker stopped (${sig ?? `exit ${code}`}) before finishing${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`,
            ),
          );
        done();
      });
      child.send(next.job);
    });
    return start();
  };
  await Promise.all(Array.from({ length: Math.max(1, workers) }, () => start()));
  signal.removeEventListener('abort', abort);
  return Promise.all(results);
}
