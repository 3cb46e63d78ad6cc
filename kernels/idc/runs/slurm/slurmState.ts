/**
 * What Slurm says of a job array, parsed from `scontrol show job -o <id>` (one line per
 * record: a running or finished task has its own, pending tasks share one with a range of
 * task ids). Pure parsing, tested on real output.
 */

export type TaskState = 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TIMEOUT' | 'OUT_OF_MEMORY' | 'NODE_FAIL' | 'OTHER';

export interface TaskStatus {
  state: TaskState;
  /** The raw JobState (CONFIGURING, COMPLETING, PREEMPTED, ...). */
  raw: string;
  /** Exit code and signal, from ExitCode=code:signal. */
  exitCode: number;
  signal: number;
}

const KNOWN: readonly TaskState[] = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL'];

/** Task ids of an ArrayTaskId field: "3", "0-3", "0,2,5-7", "0-7%2" (a throttle). */
export function taskIds(field: string): number[] {
  const ids: number[] = [];
  for (const part of field.replace(/%\d+$/, '').split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const from = Number(m[1]);
    const to = m[2] !== undefined ? Number(m[2]) : from;
    for (let i = from; i <= to; i++) ids.push(i);
  }
  return ids;
}

function normalise(raw: string): TaskState {
  if (raw === 'CONFIGURING' || raw === 'COMPLETING') return 'RUNNING';
  return (KNOWN as readonly string[]).includes(raw) ? (raw as TaskState) : 'OTHER';
}

/** Task id -> status, from `scontrol show job -o` output. */
export function parseScontrol(output: string): Map<number, TaskStatus> {
  const tasks = new Map<number, TaskStatus>();
  for (const line of output.split('\n')) {
    const fields = new Map([...line.matchAll(/(\w+)=(\S*)/g)].map((m) => [m[1] as string, m[2] as string]));
    const ids = fields.get('ArrayTaskId');
    const raw = fields.get('JobState');
    if (ids === undefined || raw === undefined) continue;
    const [code, sig] = (fields.get('ExitCode') ?? '0:0').split(':').map(Number);
    for (const id of taskIds(ids)) tasks.set(id, { state: normalise(raw), raw, exitCode: code ?? 0, signal: sig ?? 0 });
  }
  return tasks;
}

export function isFinished(state: TaskState): boolean {
  return state !== 'PENDING' && state !== 'RUNNING';
}
