/**
 * Hugging Face parquet datasets, in either layout a download has:
 * - the hub's: shards named `<split>-0000X-of-0000N[-<hash>].parquet`, under `data/` or in the
 *   folder itself;
 * - the dataset viewer's conversion (the `refs/convert/parquet` branch):
 *   `<config>/<split>/0000.parquet`, `0001.parquet`, ... with the config `default`, or the
 *   folder itself being the config folder.
 * Only the footer is read to find a shard's columns.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ParquetError, ParquetTable } from '../../../platform/parquet';
import type { ProblemLog } from '../problems';
import type { DataProblem } from '../types';

export interface Shard {
  /** The split named by the file or its folder (`validation`, `test`, `train`, `dev`, ...). */
  split: string;
  file: string;
  /** How messages name it: the file name in the hub layout, `<config>/<split>/<file>` in the converted one. */
  name: string;
}

const SHARD_NAME = /^([A-Za-z_]+?)(?:[-_]\d{5}-of-\d{5})?(?:-[0-9a-f]{16,})?\.parquet$/;
/** A shard of the converted layout: its position in the split. */
const CONVERTED_NAME = /^\d+\.parquet$/;
const SPLIT_FOLDER = /^[A-Za-z_]+$/;

function listing(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** Hub shards directly in `dir`. */
function hubShards(dir: string): Shard[] {
  return listing(dir).flatMap((name) => {
    const m = SHARD_NAME.exec(name);
    return m ? [{ split: (m[1] as string).toLowerCase(), file: path.join(dir, name), name }] : [];
  });
}

/** Converted shards in the split folders of `dir`; `root` is where their names start. */
function convertedShards(root: string, dir: string): Shard[] {
  return listing(dir)
    .filter((split) => SPLIT_FOLDER.test(split))
    .flatMap((split) =>
      listing(path.join(dir, split))
        .filter((name) => CONVERTED_NAME.test(name))
        .map((name) => {
          const file = path.join(dir, split, name);
          return { split: split.toLowerCase(), file, name: path.relative(root, file).split(path.sep).join('/') };
        }),
    );
}

/** The shards of a parquet dataset folder, sorted by split then name: the first layout found. */
export function findShards(root: string): Shard[] {
  const layouts = [
    () => hubShards(path.join(root, 'data')),
    () => hubShards(root),
    () => convertedShards(root, path.join(root, 'default')),
    () => convertedShards(root, root),
  ];
  for (const layout of layouts) {
    const shards = layout();
    if (shards.length > 0) return shards;
  }
  return [];
}

/** Reads the shards of one dataset, a shard at a time, keeping what goes wrong. */
export class ShardReader {
  private read = 0;
  private readonly failed: DataProblem[] = [];

  constructor(private readonly problems: ProblemLog) {}

  /**
   * The rows of one shard (the text `columns` only: the image columns stay in the file), or
   * undefined when the shard cannot be read: its problem is reported with the file, and under
   * the skip policy the other shards still load. `required` are the columns it must have.
   */
  async rows(shard: Shard, required: readonly string[], columns: readonly string[]): Promise<Array<Record<string, unknown>> | undefined> {
    try {
      const table = await ParquetTable.open(shard.file);
      table.require(required);
      const rows = await table.rows(columns);
      this.read++;
      return rows;
    } catch (error) {
      if (!(error instanceof ParquetError)) throw error;
      const problem: DataProblem = { file: error.file, field: error.field, reason: error.reason };
      this.failed.push(problem);
      this.problems.report({ ...problem, reason: `${problem.reason}; the rows of this shard are skipped` });
      return undefined;
    }
  }

  /** A dataset whose every shard failed cannot be read, whatever the policy: its first problem says why. */
  finish(): void {
    const first = this.failed[0];
    if (this.read === 0 && first) {
      const more = this.failed.length > 1 ? ` (and ${this.failed.length - 1} more shards could not be read)` : '';
      this.problems.fatal({ ...first, reason: `${first.reason}${more}` });
    }
  }
}

/** Whether the shards' first file has all these columns (detection reads footers only). */
export async function shardsHaveColumns(shards: readonly Shard[], columns: readonly string[]): Promise<boolean> {
  const first = shards[0];
  if (!first) return false;
  try {
    const table = await ParquetTable.open(first.file);
    return columns.every((c) => table.columns.includes(c));
  } catch {
    return false;
  }
}
