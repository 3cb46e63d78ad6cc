/** The sbatch script of a grid: one array task per job, each running `idc-lab train` on its index. */
import { checkOptions, type OptionKeys } from '../../../platform/options';

export interface SlurmOptions {
  /** The shared folder the cluster's nodes and this kernel both see: grids, logs, state. */
  workdir: string;
  partition?: string;
  cpusPerTask?: number;
  gpus?: number;
  /** Wall-clock limit per task, in Slurm's format ("01:30:00", "2-00:00:00"). */
  time?: string;
  /** Memory per node ("8G"). */
  mem?: string;
  account?: string;
  /** More sbatch options, as they are written on its command line. */
  sbatchArgs?: string[];
  /** Seconds between polls of the queue and the tasks' files (default 2). */
  pollSeconds?: number;
  /** The Node.js that runs the tasks on the nodes (default: this kernel's). */
  node?: string;
}

const SLURM_OPTIONS: OptionKeys<SlurmOptions> = {
  workdir: true,
  partition: true,
  cpusPerTask: true,
  gpus: true,
  time: true,
  mem: true,
  account: true,
  sbatchArgs: true,
  pollSeconds: true,
  node: true,
};

/** A word for sh: single-quoted, quotes inside escaped. */
export function shellWord(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

export function validateSlurmOptions(o: SlurmOptions): Required<Pick<SlurmOptions, 'workdir' | 'cpusPerTask' | 'pollSeconds'>> & SlurmOptions {
  const where = 'idc.train.slurm';
  checkOptions(where, o, SLURM_OPTIONS);
  if (typeof o?.workdir !== 'string' || o.workdir === '')
    throw new TypeError(`${where}: workdir: expected a shared folder for grids, logs and results, found ${JSON.stringify(o?.workdir)}`);
  const cpusPerTask = o.cpusPerTask ?? 1;
  if (!Number.isInteger(cpusPerTask) || cpusPerTask < 1)
    throw new RangeError(`${where}: cpusPerTask: expected a whole number >= 1, found ${JSON.stringify(o.cpusPerTask)}`);
  if (o.gpus !== undefined && (!Number.isInteger(o.gpus) || o.gpus < 0))
    throw new RangeError(`${where}: gpus: expected a whole number >= 0, found ${JSON.stringify(o.gpus)}`);
  const pollSeconds = o.pollSeconds ?? 2;
  if (!(pollSeconds > 0)) throw new RangeError(`${where}: pollSeconds: expected a positive number, found ${JSON.stringify(o.pollSeconds)}`);
  for (const key of ['partition', 'time', 'mem', 'account', 'node'] as const) {
    const v = o[key];
    if (v !== undefined && (typeof v !== 'string' || v === '' || /\s/.test(v)))
      throw new TypeError(`${where}: ${key}: expected a word without spaces, found ${JSON.stringify(v)}`);
  }
  if (o.sbatchArgs !== undefined && (!Array.isArray(o.sbatchArgs) || !o.sbatchArgs.every((a) => typeof a === 'string')))
    throw new TypeError(`${where}: sbatchArgs: expected a list of strings, found ${JSON.stringify(o.sbatchArgs)}`);
  return { ...o, cpusPerTask, pollSeconds };
}

export function jobScript(options: SlurmOptions & { cpusPerTask: number }, tasks: number, grid: string, logs: string, cli: string, node: string): string {
  const directives = [
    `--job-name=idc-ablation`,
    `--array=0-${tasks - 1}`,
    `--output=${logs}/%A_%a.log`,
    `--cpus-per-task=${options.cpusPerTask}`,
    ...(options.partition ? [`--partition=${options.partition}`] : []),
    ...(options.gpus ? [`--gpus=${options.gpus}`] : []),
    ...(options.time ? [`--time=${options.time}`] : []),
    ...(options.mem ? [`--mem=${options.mem}`] : []),
    ...(options.account ? [`--account=${options.account}`] : []),
    ...(options.sbatchArgs ?? []),
  ];
  return [
    '#!/bin/sh',
    ...directives.map((d) => `#SBATCH ${d}`),
    '# one ablation job per array task; idc-lab writes its result.json atomically',
    `exec ${shellWord(node)} ${shellWord(cli)} train --grid ${shellWord(grid)} --index "$SLURM_ARRAY_TASK_ID"`,
    '',
  ].join('\n');
}
