/**
 * The Slurm executor: a grid's jobs written to the shared work folder and submitted as ONE
 * `sbatch --array` job whose tasks run `idc-lab train --grid <file> --index <task>`. Progress
 * comes from polling `scontrol show job` and the tasks' files: each task's log carries its
 * progress lines, its result.json the run record (the local executor's, from the same worker).
 * A submission is remembered in the work folder, so a kernel restarted while the array runs
 * attaches to it instead of submitting again; tasks that failed are resubmitted alone when the
 * grid is run again; aborting the cell cancels the array (`scancel`).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { currentCell, type DisplayHandle } from '../../../outputs/cellContext';
import { writeFileAtomic } from '../../../platform/atomicWrite';
import type { Executor } from '../executor';
import { PROGRESS_PREFIX, type Job, type JobRecord, type WorkerMessage } from '../jobs';
import { jobScript, validateSlurmOptions, type SlurmOptions } from './jobScript';
import { isFinished, parseScontrol, type TaskStatus } from './slurmState';

const run = promisify(execFile);

interface Submission {
  jobId: string;
  grid: string;
  tasks: Array<{ index: number; name: string; dir: string }>;
}

interface SlurmState {
  submissions: Submission[];
}

/** A job in flight: which array task runs it and what was read of it so far. */
interface Tracked {
  job: Job & { dir: string };
  jobId: string;
  index: number;
  log: string;
  linesSeen: number;
  status?: TaskStatus;
  record?: JobRecord;
  error?: string;
}

function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

function tail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export function slurm(options: SlurmOptions): Executor {
  const o = validateSlurmOptions(options);
  const workdir = path.resolve(o.workdir);
  const stateFile = path.join(workdir, 'idc-slurm.json');
  const logs = path.join(workdir, 'logs');
  const node = o.node ?? process.execPath;
  const cli = path.join(packageRoot(), 'bin', 'idc-lab.js');

  const readState = (): SlurmState => {
    if (!fs.existsSync(stateFile)) return { submissions: [] };
    try {
      return JSON.parse(fs.readFileSync(stateFile, 'utf8')) as SlurmState;
    } catch (error) {
      throw new Error(
        `${stateFile}: expected the executor's record of its submissions (JSON), found a broken file (${(error as Error).message}); remove it to submit afresh`,
      );
    }
  };

  const query = async (jobId: string): Promise<Map<number, TaskStatus> | undefined> => {
    try {
      const { stdout } = await run('scontrol', ['show', 'job', '-o', jobId]);
      return parseScontrol(stdout);
    } catch (error) {
      // finished longer ago than MinJobAge: Slurm no longer knows it
      if (/Invalid job id/i.test(`${(error as { stderr?: string }).stderr ?? ''}`)) return undefined;
      throw new Error(`scontrol show job ${jobId}: ${((error as { stderr?: string }).stderr ?? (error as Error).message).trim()}`);
    }
  };

  const submit = async (jobs: Array<Job & { dir: string }>, state: SlurmState): Promise<Submission> => {
    await fs.promises.mkdir(logs, { recursive: true });
    const n = state.submissions.length;
    const grid = path.join(workdir, `grid-${n}.json`);
    await writeFileAtomic(grid, `${JSON.stringify({ version: 1, jobs }, null, 1)}\n`);
    const script = path.join(workdir, `grid-${n}.sh`);
    await writeFileAtomic(script, jobScript(o, jobs.length, grid, logs, cli, node));
    let stdout: string;
    try {
      ({ stdout } = await run('sbatch', ['--parsable', script], { cwd: workdir }));
    } catch (error) {
      throw new Error(`sbatch ${script}: ${((error as { stderr?: string }).stderr ?? (error as Error).message).trim()}`);
    }
    const jobId = stdout.trim().split(';')[0] as string;
    const submission: Submission = { jobId, grid, tasks: jobs.map((j, index) => ({ index, name: j.name, dir: j.dir })) };
    state.submissions.push(submission);
    await writeFileAtomic(stateFile, `${JSON.stringify(state, null, 1)}\n`);
    return submission;
  };

  return {
    kind: 'slurm',
    describe: () => ({
      kind: 'slurm',
      workdir,
      ...(o.partition ? { partition: o.partition } : {}),
      cpusPerTask: o.cpusPerTask,
      ...(o.gpus ? { gpus: o.gpus } : {}),
    }),
    async run(jobs, signal, onMessage) {
      await fs.promises.mkdir(workdir, { recursive: true });
      const wanted = jobs.map((j) => {
        if (!('dir' in j)) throw new Error(`idc.train.slurm: job ${j.name}: only training and evaluation jobs run on Slurm`);
        return j as Job & { dir: string };
      });
      const state = readState();
      const tracked: Tracked[] = [];
      const toSubmit: Array<Job & { dir: string }> = [];
      // attach to tasks still queued or running from an earlier submission of the same run
      for (const job of wanted) {
        const previous = [...state.submissions].reverse().find((s) => s.tasks.some((t) => t.dir === job.dir));
        const task = previous?.tasks.find((t) => t.dir === job.dir);
        const status = previous && task ? (await query(previous.jobId))?.get(task.index) : undefined;
        if (previous && task && status && !isFinished(status.state))
          tracked.push({ job, jobId: previous.jobId, index: task.index, log: path.join(logs, `${previous.jobId}_${task.index}.log`), linesSeen: 0, status });
        else if (previous && task && fs.existsSync(path.join(job.dir, 'result.json')))
          tracked.push({ job, jobId: previous.jobId, index: task.index, log: path.join(logs, `${previous.jobId}_${task.index}.log`), linesSeen: 0 });
        else toSubmit.push(job);
      }
      if (toSubmit.length > 0) {
        const submission = await submit(toSubmit, state);
        for (const t of submission.tasks)
          tracked.push({
            job: toSubmit[t.index] as Job & { dir: string },
            jobId: submission.jobId,
            index: t.index,
            log: path.join(logs, `${submission.jobId}_${t.index}.log`),
            linesSeen: 0,
          });
      }
      const attached = tracked.length - toSubmit.length;
      const handle: DisplayHandle | undefined = currentCell()?.display({ 'text/plain': '' });
      const show = () => {
        const lines = tracked.map((t) => {
          const what = t.record ? 'done' : t.error ? `failed (exit ${t.status?.exitCode ?? '?'})` : (t.status?.raw.toLowerCase() ?? 'submitted');
          return `${t.job.name.padEnd(24)} ${`${t.jobId}_${t.index}`.padEnd(10)} ${what}`;
        });
        handle?.update({
          'text/plain': [
            `Slurm array ${[...new Set(tracked.map((t) => t.jobId))].join(', ')}${attached > 0 ? ` (attached to ${attached} task(s) already submitted)` : ''}; logs in ${logs}`,
            ...lines,
          ].join('\n'),
        });
      };
      const cancel = () => {
        for (const jobId of new Set(tracked.filter((t) => !t.record && !t.error).map((t) => t.jobId))) execFile('scancel', [jobId], () => undefined);
      };
      signal.addEventListener('abort', cancel, { once: true });
      try {
        while (tracked.some((t) => !t.record && !t.error)) {
          if (signal.aborted) throw new Error(`interrupted: the Slurm array was cancelled (scancel); finished runs are kept in their folders`);
          const statuses = new Map<string, Map<number, TaskStatus> | undefined>();
          for (const jobId of new Set(tracked.map((t) => t.jobId))) statuses.set(jobId, await query(jobId));
          for (const t of tracked) {
            if (t.record || t.error) continue;
            readProgress(t, onMessage);
            const resultFile = path.join(t.job.dir, 'result.json');
            if (fs.existsSync(resultFile)) {
              t.record = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as JobRecord;
              onMessage({ type: 'done', name: t.job.name, record: t.record });
              continue;
            }
            t.status = statuses.get(t.jobId)?.get(t.index) ?? t.status;
            const gone = statuses.get(t.jobId) === undefined;
            if ((t.status && isFinished(t.status.state)) || gone) {
              t.error = `${t.job.name}: Slurm task ${t.jobId}_${t.index} ${t.status?.raw ?? 'is no longer known to Slurm'}${t.status ? ` with exit code ${t.status.exitCode}${t.status.signal ? `, signal ${t.status.signal}` : ''}` : ''} and no result; the end of ${t.log}:\n${tail(t.log)}`;
              onMessage({ type: 'failed', name: t.job.name, message: t.error });
            }
          }
          show();
          if (tracked.some((t) => !t.record && !t.error)) await new Promise((resolve) => setTimeout(resolve, o.pollSeconds * 1000));
        }
      } finally {
        signal.removeEventListener('abort', cancel);
        show();
      }
      const failed = tracked.filter((t) => t.error);
      if (failed.length > 0)
        throw new Error(`${failed.length} Slurm task(s) failed; run the grid again to resubmit them alone:\n${failed.map((t) => t.error).join('\n')}`);
      return wanted.map((j) => tracked.find((t) => t.job.dir === j.dir)?.record as JobRecord);
    },
  };
}

/** New progress lines of a task's log, as the worker's messages. */
function readProgress(t: Tracked, onMessage: (m: WorkerMessage) => void): void {
  let text: string;
  try {
    text = fs.readFileSync(t.log, 'utf8');
  } catch {
    return;
  }
  const lines = text.split('\n').filter((l) => l.startsWith(PROGRESS_PREFIX));
  for (const line of lines.slice(t.linesSeen)) {
    try {
      const m = JSON.parse(line.slice(PROGRESS_PREFIX.length)) as WorkerMessage;
      if (m.type === 'progress' || m.type === 'epoch') onMessage(m);
    } catch {
      // a line cut by the poll while being written: read again next time
      break;
    }
    t.linesSeen++;
  }
}
