/**
 * The worker process: one job in its own process (one per core: the WASM backend is
 * single-threaded), forked by the worker pool (runs/workerPool.ts) with the job on its IPC
 * channel. It starts the job's backend, runs the job (a grid run, runs/runJob.ts, or attention
 * maps, viz/attentionJob.ts), writes a grid run's `result.json` into its folder, sends the
 * record and exits. Killed or crashed, it leaves its checkpoint; the next start of the same job
 * resumes from it. The library's second entry point beside index.ts: nothing imports it.
 */
import path from 'node:path';
import { writeFileAtomic } from '../platform/atomicWrite';
import { useBackend } from './backends/backend';
import type { Job, JobRecord, WorkerMessage } from './runs/jobs';
import { runGridJob } from './runs/runJob';
import { runAttentionJob } from './viz/attentionJob';

function send(message: WorkerMessage): void {
  process.send?.(message);
}

async function run(job: Job): Promise<JobRecord> {
  const backend = await useBackend(job.backend);
  return job.kind === 'attention' ? runAttentionJob(job, backend.name) : runGridJob(job, backend.name, send);
}

process.once('message', (job: Job) => {
  run(job)
    .then(async (record) => {
      if (job.kind !== 'attention') await writeFileAtomic(path.join(job.dir, 'result.json'), `${JSON.stringify(record)}\n`);
      send({ type: 'done', name: job.name, record });
      process.disconnect?.();
    })
    .catch((error: unknown) => {
      send({ type: 'failed', name: job.name, message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      process.disconnect?.();
      process.exitCode = 1;
    });
});
