/**
 * The library's subcommands of `idc-lab`, as the runner (kernels/runtime/runner/cli.ts) calls
 * them: `metrics` scores a caption set, `train` runs one job of a grid (a Slurm array task).
 * The library's third entry point beside index.ts (cells) and worker.ts (worker processes).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CaptionInputError } from './metrics/inputs';
import { metricsCommand, MetricsUsageError, METRICS_USAGE, type CommandOutput } from './metrics/cli';
import { trainCommand } from './runs/trainCommand';

export const TRAIN_USAGE = 'idc-lab train --grid <grid.json> --index <n>   (one job of a grid; a Slurm array task)';
export const COMMANDS_USAGE = `       ${TRAIN_USAGE}\n${METRICS_USAGE}`;
export const LIBRARY_COMMANDS: readonly string[] = ['metrics', 'train'];

/** Bad usage or unreadable input: the runner prints the message and exits with code 2. */
export class CommandUsageError extends Error {}

/** Runs `metrics` or `train` with their arguments; resolves to the exit code. */
export async function libraryCommand(command: string, args: string[], out: CommandOutput): Promise<number> {
  if (command === 'metrics') {
    try {
      return metricsCommand(args, out);
    } catch (error) {
      // bad usage and bad input alike: a message naming the file and field, exit code 2
      if (error instanceof MetricsUsageError || error instanceof CaptionInputError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
        throw new CommandUsageError((error as Error).message);
      throw error;
    }
  }
  if (command !== 'train') throw new CommandUsageError(`unknown command "${command}"`);
  const { values } = parseArgs({ args, options: { grid: { type: 'string' }, index: { type: 'string' } } });
  if (values.grid === undefined || values.index === undefined)
    throw new CommandUsageError(`train: expected --grid <grid.json> and --index <n>\nusage: ${TRAIN_USAGE}`);
  try {
    await trainCommand(path.resolve(values.grid), Number(values.index), (line) => out.stdout(`${line}\n`));
  } catch (error) {
    out.stderr(`idc-lab train: ${(error as Error).message}\n`);
    return 1;
  }
  return 0;
}
