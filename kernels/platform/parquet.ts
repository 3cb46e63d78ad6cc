/**
 * Parquet tables read as needed (hyparquet): opening reads only the footer; rows are read
 * for the columns asked for and only from the row groups that hold them, so a loader can read
 * the text columns of a shard of images without reading its image bytes, and the pipeline can
 * read one image without the whole file.
 */
import { LRUCache } from 'lru-cache';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

export class ParquetError extends Error {
  constructor(
    readonly file: string,
    readonly field: string | undefined,
    readonly reason: string,
  ) {
    super(`${file}: ${field ? `${field}: ` : ''}${reason}`);
    this.name = 'ParquetError';
  }
}

export type ParquetRow = Record<string, unknown>;

interface GroupRows {
  start: number;
  end: number;
  rows: Promise<ParquetRow[]>;
}

/** Row groups kept decoded per file (see ParquetTable.recent). */
const RECENT_GROUPS = 4;

export class ParquetTable {
  /** Top-level column names, in schema order. */
  readonly columns: string[];
  /** [start, end) row ranges of the row groups. */
  readonly rowGroups: Array<{ start: number; end: number }>;
  // Recently read row groups (column:group): readers go through images in row order, or
  // shuffled within a few groups; a handful is kept so a shuffled epoch does not decode a
  // group once per row. Bounded by count, since a group of images can be tens of megabytes.
  private readonly recent = new LRUCache<string, GroupRows>({ max: RECENT_GROUPS });

  private constructor(
    readonly file: string,
    private readonly buffer: AsyncBuffer,
    private readonly metadata: FileMetaData,
  ) {
    this.columns = topLevelColumns(metadata);
    let start = 0;
    this.rowGroups = metadata.row_groups.map((group) => {
      const range = { start, end: start + Number(group.num_rows) };
      start = range.end;
      return range;
    });
  }

  static async open(file: string): Promise<ParquetTable> {
    let buffer: AsyncBuffer;
    try {
      buffer = await asyncBufferFromFile(file);
    } catch (error) {
      throw new ParquetError(file, undefined, `cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    try {
      return new ParquetTable(file, buffer, await parquetMetadataAsync(buffer));
    } catch (error) {
      throw new ParquetError(file, undefined, `expected a parquet file, found something else (${(error as Error).message})`);
    }
  }

  get rowCount(): number {
    return Number(this.metadata.num_rows);
  }

  /** Throws a ParquetError naming the columns a reader needs that the file lacks. */
  require(columns: readonly string[]): void {
    const missing = columns.filter((c) => !this.columns.includes(c));
    if (missing.length > 0) {
      throw new ParquetError(
        this.file,
        missing.join(', '),
        `expected the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; the file has ${this.columns.join(', ') || 'none'}`,
      );
    }
  }

  /** Rows [rowStart, rowEnd) with the given columns only; binary columns as Uint8Array. */
  async rows(columns: readonly string[], rowStart = 0, rowEnd = this.rowCount): Promise<ParquetRow[]> {
    this.require(columns);
    try {
      return (await parquetReadObjects({
        file: this.buffer,
        metadata: this.metadata,
        columns: [...columns],
        rowStart,
        rowEnd,
        utf8: false,
        compressors,
      })) as ParquetRow[];
    } catch (error) {
      throw new ParquetError(this.file, `rows ${rowStart}-${rowEnd - 1}, column ${columns.join(', ')}`, `cannot decode (${(error as Error).message})`);
    }
  }

  /** One cell, read with the rest of its row group (kept among the few most recent groups). */
  async cell(row: number, column: string): Promise<unknown> {
    if (!Number.isInteger(row) || row < 0 || row >= this.rowCount) throw new ParquetError(this.file, `row ${row}`, `expected a row in 0..${this.rowCount - 1}`);
    const index = this.rowGroups.findIndex((g) => row >= g.start && row < g.end);
    const key = `${column}:${index}`;
    let group = this.recent.get(key);
    if (!group) {
      const range = this.rowGroups[index] as { start: number; end: number };
      group = { ...range, rows: this.rows([column], range.start, range.end) };
      this.recent.set(key, group);
      group.rows.catch(() => this.recent.delete(key));
    }
    const rows = await group.rows;
    return rows[row - group.start]?.[column];
  }
}

function topLevelColumns(metadata: FileMetaData): string[] {
  // The schema is a flattened tree: the root, then each element followed by its children.
  const names: string[] = [];
  const schema = metadata.schema;
  let i = 1;
  const skip = (at: number): number => {
    let next = at + 1;
    for (let c = 0; c < (schema[at]?.num_children ?? 0); c++) next = skip(next);
    return next;
  };
  while (i < schema.length) {
    names.push(schema[i]?.name as string);
    i = skip(i);
  }
  return names;
}

/** The bytes of an image cell: HuggingFace's Image feature is a struct {bytes, path}. */
export function imageCellBytes(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'object' && value !== null && 'bytes' in value) {
    const bytes = (value as { bytes: unknown }).bytes;
    if (bytes instanceof Uint8Array) return bytes;
  }
  return undefined;
}
