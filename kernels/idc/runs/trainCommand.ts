/**
 * `idc-lab train --grid <grid.json> --index <n>`: one job of a grid file, run in a worker
 * process exactly as the local executor runs it (the record lands in the job's result.json,
 * written atomically); its progress printed as `idc-progress {json}` lines for the Slurm
 * executor to read from the task's log.
 */
import fs from 'node:fs';
import { PROGRESS_PREFIX, type Job, type WorkerMessage } from './jobs';
import { runJobs } from './workerPool';

export function readGridJob(gridFile: string, index: number): Job {
  let grid: { version?: unknown; jobs?: unknown };
  try {
    grid = JSON.parse(fs.readFileSync(gridFile, 'utf8')) as typeof grid;
  } catch (error) {
    throw new Error(
      `${gridFile}: expected a grid written by the Slurm executor (JSON), ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'found no file' : `found a broken file (${(error as Error).message})`}`,
    );
  }
  if (grid.version !== 1 || !Array.isArray(grid.jobs)) throw new Error(`${gridFile}: expected {"version": 1, "jobs": [...]}`);
  if (!Number.isInteger(index) || index < 0 || index >= grid.jobs.length)
    throw new Error(`${gridFile}: --index: expected a task from 0 to ${grid.jobs.length - 1}, found ${index}`);
  const job = grid.jobs[index] as Job;
  if (job?.kind !== 'lora' && job?.kind !== 'zero-shot')
    throw new Error(`${gridFile}: jobs[${index}].kind: expected "lora" or "zero-shot", found ${JSON.stringify((job as { kind?: unknown })?.kind)}`);
  return job;
}

export async function trainCommand(gridFile: string, index: number, out: (line: string) => void): Promise<void> {
  const job = readGridJob(gridFile, index);
  out(`idc-lab train: ${job.name} (task ${index} of ${gridFile})`);
  const controller = new AbortController();
  // Slurm's scancel sends SIGTERM: the worker stops and keeps its checkpoint
  process.once('SIGTERM', () => controller.abort());
  await runJobs([job], 1, controller.signal, (m: WorkerMessage) => {
    if (m.type === 'progress' || m.type === 'epoch') out(`${PROGRESS_PREFIX}${JSON.stringify(m)}`);
  });
  out(`idc-lab train: ${job.name} done`);
}
