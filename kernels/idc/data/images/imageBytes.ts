/**
 * The encoded bytes behind an image source, and the name messages give it. Parquet tables
 * are opened once per file and read a row group at a time (ParquetTable.cell).
 */
import fs from 'node:fs';
import { isInside } from '../paths';
import { ParquetError, ParquetTable, imageCellBytes } from '../../../platform/parquet';
import { describe } from '../jsonInput';
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

  /**
   * @param root the dataset folder image files must stay inside: checked on every read (not
   *   only when the dataset is opened), and the file is read through its real path, so a file
   *   swapped for a link afterwards cannot lead out either.
   */
  constructor(private readonly root?: string) {}

  // the folder's own real path is resolved once; each file's is resolved at every read
  private realRoot: Promise<string> | undefined;

  async read(source: Exclude<ImageSource, { kind: 'raw' }>): Promise<Uint8Array> {
    switch (source.kind) {
      case 'bytes':
        return source.bytes;
      case 'file':
        try {
          let file = source.path;
          if (this.root !== undefined) {
            this.realRoot ??= fs.promises.realpath(this.root);
            const [realRoot, realFile] = await Promise.all([this.realRoot, fs.promises.realpath(source.path)]);
            if (!isInside(realRoot, realFile))
              throw new ImageError(source.path, undefined, `the image is a link to a file outside the dataset folder ${this.root}; refused`);
            file = realFile;
          }
          return await fs.promises.readFile(file);
        } catch (error) {
          if (error instanceof ImageError) throw error;
          const code = (error as NodeJS.ErrnoException).code;
          throw new ImageError(
            source.path,
            undefined,
            code === 'ENOENT' ? 'the image file is missing' : `cannot read the image file (${code ?? (error as Error).message})`,
          );
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
        if (!bytes)
          throw new ImageError(source.file, `row ${source.row}, column ${source.column}`, `expected an image (a struct with bytes), found ${describe(cell)}`);
        return bytes;
      }
    }
  }
}
