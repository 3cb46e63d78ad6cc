/**
 * HuggingFace parquet datasets: shards named `<split>-0000X-of-0000N.parquet`, under `data/`
 * (the hub layout) or in the folder itself. Only the footer is read to find a shard's columns.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ParquetError, ParquetTable } from '../../../platform/parquet';
import type { ProblemLog } from '../problems';
import type { DataProblem } from '../types';

export interface Shard {
  /** The split named by the file (`validation`, `test`, `train`, `dev`, ...). */
  split: string;
  file: string;
}

const SHARD_NAME = /^([A-Za-z_]+?)(?:[-_]\d{5}-of-\d{5})?(?:-[0-9a-f]{16,})?\.parquet$/;

/** The shards of a parquet dataset folder, sorted by split then name. */
export function findShards(root: string): Shard[] {
  const shards: Shard[] = [];
  for (const dir of [path.join(root, 'data'), root]) {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      const m = SHARD_NAME.exec(name);
      if (m) shards.push({ split: (m[1] as string).toLowerCase(), file: path.join(dir, name) });
    }
    if (shards.length > 0) break;
  }
  return shards;
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
