/**
 * HuggingFace parquet datasets: shards named `<split>-0000X-of-0000N.parquet`, under `data/`
 * (the hub layout) or in the folder itself. Only the footer is read to find a shard's columns.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ParquetError, ParquetTable } from '../../interop/parquet';
import { DatasetError } from '../problems';

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

/** Opens a shard; a file that is not parquet is a DatasetError naming it. */
export async function openShard(shard: Shard, columns: readonly string[]): Promise<ParquetTable> {
  try {
    const table = await ParquetTable.open(shard.file);
    table.require(columns);
    return table;
  } catch (error) {
    if (error instanceof ParquetError) throw new DatasetError({ file: error.file, field: error.field, reason: error.reason });
    throw error;
  }
}

/** Rows of the given columns, a failure to decode them being a DatasetError naming the file. */
export async function shardRows(table: ParquetTable, columns: readonly string[]): Promise<Array<Record<string, unknown>>> {
  try {
    return await table.rows(columns);
  } catch (error) {
    if (error instanceof ParquetError) throw new DatasetError({ file: error.file, field: error.field, reason: error.reason });
    throw error;
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
