/**
 * The encoded bytes behind an image source, and the name messages give it. Parquet tables
 * are opened once per file and read a row group at a time (ParquetTable.cell).
 */
import fs from 'node:fs';
import { ParquetError, ParquetTable, imageCellBytes } from '../../interop/parquet';
import { describe } from '../jsonFile';
import type { ImageSource } from '../types';

/** A problem with one image: the file (or file and field) and the reason. */
export class ImageError extends Error {
  constructor(
    readonly file: string,
    readonly field: string | undefined,
    readonly reason: string,
  ) {
    super(`${file}: ${field ? `${field}: ` : ''}${reason}`);
    this.name = 'ImageError';
  }
}

export function sourceName(source: ImageSource): string {
  switch (source.kind) {
    case 'file':
      return source.path;
    case 'parquet':
      return `${source.file} row ${source.row}, column ${source.column}`;
    default:
      return source.name;
  }
}

/** Where messages say the problem is: the file, and the field inside it when there is one. */
export function sourceLocation(source: ImageSource): { file: string; field?: string } {
  return source.kind === 'parquet' ? { file: source.file, field: `row ${source.row}, column ${source.column}` } : { file: sourceName(source) };
}

export class ImageBytesReader {
  private readonly tables = new Map<string, Promise<ParquetTable>>();

  async read(source: Exclude<ImageSource, { kind: 'raw' }>): Promise<Uint8Array> {
    switch (source.kind) {
      case 'bytes':
        return source.bytes;
      case 'file':
        try {
          return await fs.promises.readFile(source.path);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          throw new ImageError(source.path, undefined, code === 'ENOENT' ? 'the image file is missing' : `cannot read the image file (${code ?? (error as Error).message})`);
        }
      case 'parquet': {
        let table = this.tables.get(source.file);
        if (!table) {
          table = ParquetTable.open(source.file);
          this.tables.set(source.file, table);
        }
        let cell: unknown;
        try {
          cell = await (await table).cell(source.row, source.column);
        } catch (error) {
          if (error instanceof ParquetError) throw new ImageError(error.file, error.field, error.reason);
          throw error;
        }
        const bytes = imageCellBytes(cell);
        if (!bytes) throw new ImageError(source.file, `row ${source.row}, column ${source.column}`, `expected an image (a struct with bytes), found ${describe(cell)}`);
        return bytes;
      }
    }
  }
}
