/**
 * Writing parquet tables in the HuggingFace datasets layout (hyparquet-writer): string and
 * int64 columns, and image columns as the `Image` feature's struct {bytes, path}. Used to
 * write generated data in the layout of the published datasets, and by tests to build them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { writeFileAtomic } from './atomicWrite';

export type ParquetColumnKind = 'string' | 'int64' | 'image';

export interface ParquetColumn {
  name: string;
  kind: ParquetColumnKind;
}

/** An image cell: the encoded bytes and the file name they came from. */
export interface ImageCell {
  bytes: Uint8Array;
  path: string | null;
}

type SchemaElement = NonNullable<Parameters<typeof parquetWriteBuffer>[0]['schema']>[number];

function schemaOf(columns: readonly ParquetColumn[]): SchemaElement[] {
  const schema: SchemaElement[] = [{ name: 'root', num_children: columns.length }];
  for (const c of columns) {
    if (c.kind === 'string') schema.push({ name: c.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' });
    else if (c.kind === 'int64') schema.push({ name: c.name, type: 'INT64', repetition_type: 'OPTIONAL' });
    else {
      schema.push({ name: c.name, repetition_type: 'OPTIONAL', num_children: 2 });
      schema.push({ name: 'bytes', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' });
      schema.push({ name: 'path', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' });
    }
  }
  return schema;
}

/** The parquet bytes of `rows` (objects keyed by column name); `rowGroupSize` rows per group. */
export function parquetBytes(columns: readonly ParquetColumn[], rows: ReadonlyArray<Record<string, unknown>>, rowGroupSize = 100): Uint8Array {
  const columnData = columns.map((c) => ({
    name: c.name,
    data: rows.map((r) => {
      const v = r[c.name];
      if (v === undefined || v === null) return null;
      if (c.kind === 'int64') return typeof v === 'bigint' ? v : BigInt(v as number);
      return v;
    }),
  }));
  return new Uint8Array(parquetWriteBuffer({ columnData, schema: schemaOf(columns), rowGroupSize }));
}

/** Writes the file atomically, so a failed write leaves no half file (and the old one intact). */
export async function writeParquetFile(
  file: string,
  columns: readonly ParquetColumn[],
  rows: ReadonlyArray<Record<string, unknown>>,
  rowGroupSize = 100,
): Promise<void> {
  const bytes = parquetBytes(columns, rows, rowGroupSize);
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, bytes);
}
