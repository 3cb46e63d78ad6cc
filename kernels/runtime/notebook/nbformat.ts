/**
 * The .idcnb file format: nbformat 4 JSON, so notebooks open in Jupyter and on GitHub.
 * On disk, texts are lists of lines and binary MIME data base64, as Jupyter writes them; in
 * memory, texts are strings and binary data bytes (see kernels/outputs/mime.ts). Written
 * as Jupyter writes (Python's json.dumps with sort_keys and an indent of one space), so diffs
 * stay small and a file this module wrote is read and written again byte for byte.
 */
import { randomBytes } from 'node:crypto';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { isBinaryMime, isJsonMime, type JsonObject, type JsonValue, type MimeBundle, type MimeData } from '../../outputs/mime';

export type StreamOutput = { output_type: 'stream'; name: 'stdout' | 'stderr'; text: string };
export type DisplayDataOutput = { output_type: 'display_data'; data: MimeBundle; metadata: JsonObject };
export type ExecuteResultOutput = { output_type: 'execute_result'; data: MimeBundle; metadata: JsonObject; execution_count: number | null };
export type ErrorOutput = { output_type: 'error'; ename: string; evalue: string; traceback: string[] };
export type CellOutput = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface CodeCell {
  cell_type: 'code';
  id: string;
  source: string;
  metadata: JsonObject;
  outputs: CellOutput[];
  execution_count: number | null;
}
export interface MarkdownCell {
  cell_type: 'markdown';
  id: string;
  source: string;
  metadata: JsonObject;
  attachments?: JsonObject;
}
export interface RawCell {
  cell_type: 'raw';
  id: string;
  source: string;
  metadata: JsonObject;
}
export type NotebookCell = CodeCell | MarkdownCell | RawCell;

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: JsonObject;
  cells: NotebookCell[];
}

/** The minor version this module writes: 4.5 is the first with cell ids. */
export const NBFORMAT_MINOR = 5;

export const IDC_NOTEBOOK_METADATA: JsonObject = {
  kernelspec: { display_name: 'IDC Lab (TypeScript)', language: 'typescript', name: 'idc-lab' },
  language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' },
};

/** A file that is not a notebook this format can read; says which file, where, and why. */
export class NotebookFormatError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    problem: string,
  ) {
    super(`${file} is not a valid .idcnb (nbformat 4) notebook: ${field ? `${field}: ` : ''}${problem}`);
    this.name = 'NotebookFormatError';
  }
}

export function newNotebook(): Notebook {
  return { nbformat: 4, nbformat_minor: NBFORMAT_MINOR, metadata: structuredClone(IDC_NOTEBOOK_METADATA), cells: [] };
}

/** 8 hex digits: matches nbformat's id pattern, and 2^32 makes a clash within one notebook unlikely. */
export function newCellId(): string {
  return randomBytes(4).toString('hex');
}

export function cellTags(cell: NotebookCell): string[] {
  const tags = cell.metadata.tags;
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
}

/**
 * The notebook metadata with IDC Lab's kernelspec and language_info where it has none; keeps
 * any it has. Copies rather than fills in: the object may be VS Code's, which may be frozen.
 */
export function withIdcMetadata(metadata: JsonObject): JsonObject {
  const missing = (['kernelspec', 'language_info'] as const).filter((key) => metadata[key] === undefined);
  if (missing.length === 0) return metadata;
  return { ...metadata, ...structuredClone(Object.fromEntries(missing.map((key) => [key, IDC_NOTEBOOK_METADATA[key] as JsonValue]))) };
}

// ---- reading ----------------------------------------------------------------------------

/** For callers holding bytes: refuses text that is not UTF-8 rather than saving U+FFFD over it later. */
export function parseNotebookBytes(bytes: Uint8Array, file: string): Notebook {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes); // also drops a byte order mark
  } catch {
    throw new NotebookFormatError(file, '', 'expected UTF-8 text, found bytes that are not UTF-8');
  }
  return parseNotebook(text, file);
}

export function parseNotebook(text: string, file: string): Notebook {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // Windows editors may add a byte order mark
  if (text.trim() === '') return newNotebook(); // VS Code opens a new file with empty content
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new NotebookFormatError(file, '', `invalid JSON ${jsonErrorPosition(text, error as Error)}`);
  }
  const r = new Reader(file);
  const top = r.object(raw, '(top level)');
  const nbformat = top.nbformat;
  if (nbformat !== 4) r.fail('nbformat', `expected nbformat 4, found ${nbformat === undefined ? 'none' : JSON.stringify(nbformat)}`);
  const minor = top.nbformat_minor;
  if (typeof minor !== 'number' || !Number.isInteger(minor) || minor < 0) r.fail('nbformat_minor', `expected a non-negative integer, found ${kind(minor)}`);
  const metadata = withIdcMetadata(r.object(top.metadata ?? {}, 'metadata'));
  const cells = r.array(top.cells, 'cells').map((c, i) => readCell(r, c, `cells[${i}]`));
  // Every cell has an id now, so the notebook is 4.5 whatever it was read as.
  return { nbformat: 4, nbformat_minor: Math.max(minor as number, NBFORMAT_MINOR), metadata, cells };
}

function readCell(r: Reader, raw: unknown, at: string): NotebookCell {
  const c = r.object(raw, at);
  const id = c.id === undefined ? newCellId() : r.string(c.id, `${at}.id`);
  const source = r.multiline(c.source ?? '', `${at}.source`);
  const metadata = r.object(c.metadata ?? {}, `${at}.metadata`);
  switch (c.cell_type) {
    case 'code': {
      const outputs = r.array(c.outputs ?? [], `${at}.outputs`).map((o, i) => readOutput(r, o, `${at}.outputs[${i}]`));
      return { cell_type: 'code', id, source, metadata, outputs, execution_count: r.count(c.execution_count, `${at}.execution_count`) };
    }
    case 'markdown': {
      const cell: MarkdownCell = { cell_type: 'markdown', id, source, metadata };
      if (c.attachments !== undefined) cell.attachments = r.object(c.attachments, `${at}.attachments`);
      return cell;
    }
    case 'raw':
      return { cell_type: 'raw', id, source, metadata };
    default:
      return r.fail(`${at}.cell_type`, `expected "code", "markdown" or "raw", found ${kind(c.cell_type)}`);
  }
}

function readOutput(r: Reader, raw: unknown, at: string): CellOutput {
  const o = r.object(raw, at);
  switch (o.output_type) {
    case 'stream': {
      const name = o.name;
      if (name !== 'stdout' && name !== 'stderr') r.fail(`${at}.name`, `expected "stdout" or "stderr", found ${kind(name)}`);
      return { output_type: 'stream', name: name as 'stdout' | 'stderr', text: r.multiline(o.text, `${at}.text`) };
    }
    case 'display_data':
      return { output_type: 'display_data', data: readBundle(r, o.data, `${at}.data`), metadata: r.object(o.metadata ?? {}, `${at}.metadata`) };
    case 'execute_result':
      return {
        output_type: 'execute_result',
        data: readBundle(r, o.data, `${at}.data`),
        metadata: r.object(o.metadata ?? {}, `${at}.metadata`),
        execution_count: r.count(o.execution_count, `${at}.execution_count`),
      };
    case 'error':
      return {
        output_type: 'error',
        ename: r.string(o.ename, `${at}.ename`),
        evalue: r.string(o.evalue, `${at}.evalue`),
        traceback: r.array(o.traceback ?? [], `${at}.traceback`).map((t, i) => r.string(t, `${at}.traceback[${i}]`)),
      };
    default:
      return r.fail(`${at}.output_type`, `expected "stream", "display_data", "execute_result" or "error", found ${kind(o.output_type)}`);
  }
}

// Padding is optional on read: some tools drop it, and Buffer decodes either form.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function readBundle(r: Reader, raw: unknown, at: string): MimeBundle {
  const entries = Object.entries(r.object(raw, at)).map(([mime, value]): [string, MimeData] => {
    const field = `${at}["${mime}"]`;
    if (isJsonMime(mime)) return [mime, value];
    if (!isBinaryMime(mime)) return [mime, r.multiline(value, field)];
    const b64 = r.multiline(value, field).replace(/\s+/g, '');
    if (b64.length % 4 === 1 || !BASE64.test(b64)) r.fail(field, 'expected base64 data (A-Z, a-z, 0-9, +, / and = padding)');
    return [mime, new Uint8Array(Buffer.from(b64, 'base64'))];
  });
  return Object.fromEntries(entries); // not `bundle[mime] =`: a "__proto__" key must stay data
}

class Reader {
  constructor(private readonly file: string) {}

  fail(field: string, problem: string): never {
    throw new NotebookFormatError(this.file, field, problem);
  }

  object(value: unknown, field: string): JsonObject {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(field, `expected an object, found ${kind(value)}`);
    return value as JsonObject;
  }

  array(value: unknown, field: string): unknown[] {
    if (!Array.isArray(value)) this.fail(field, `expected an array, found ${kind(value)}`);
    return value;
  }

  string(value: unknown, field: string): string {
    if (typeof value !== 'string') this.fail(field, `expected a string, found ${kind(value)}`);
    return value;
  }

  /** An execution count: absent and null both mean "not run". */
  count(value: unknown, field: string): number | null {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) this.fail(field, `expected a non-negative integer or null, found ${kind(value)}`);
    return value;
  }

  /** nbformat's "multiline string": a string, or a list of strings to concatenate. */
  multiline(value: unknown, field: string): string {
    if (typeof value === 'string') return value;
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join('');
    return this.fail(field, `expected a string or a list of strings, found ${kind(value)}`);
  }
}

/** A value as an error message shows it: its kind, and short values themselves. */
function kind(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const shown = JSON.stringify(value) ?? String(value);
  const short = shown.length > 40 ? `${shown.slice(0, 40)}…` : shown;
  return typeof value === 'string' ? short : `${typeof value} ${short}`; // a quoted string says it is one
}

/** "at line L, column C (what)": JSON.parse's own message has no position for most errors on Node 20. */
function jsonErrorPosition(text: string, error: Error): string {
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return `(${error.message})`;
  const before = text.slice(0, first.offset).split('\n');
  const what = printParseErrorCode(first.error)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return `at line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1} (${what})`;
}

// ---- writing ----------------------------------------------------------------------------

/**
 * The canonical text. Throws a TypeError, before anything is written, for what it could
 * not read back: a cycle, a value that is not JSON, MIME data of the wrong kind.
 */
export function serializeNotebook(nb: Notebook): string {
  const doc: JsonObject = { cells: nb.cells.map(writeCell), metadata: nb.metadata, nbformat: 4, nbformat_minor: nb.nbformat_minor };
  return `${stableStringify(doc)}\n`;
}

/** nbformat's list-of-lines form: every line keeps its "\n", the last one has none. */
export function splitLines(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines.length === 1 && lines[0] === '' ? [] : lines;
}

function writeCell(cell: NotebookCell, index: number): JsonObject {
  const common: JsonObject = { cell_type: cell.cell_type, id: cell.id, metadata: cell.metadata, source: splitLines(cell.source) };
  if (cell.cell_type === 'code') {
    const outputs = cell.outputs.map((o, i) => writeOutput(o, `cells[${index}].outputs[${i}]`));
    return { ...common, execution_count: cell.execution_count, outputs };
  }
  if (cell.cell_type === 'markdown' && cell.attachments) return { ...common, attachments: cell.attachments };
  return common;
}

function writeOutput(output: CellOutput, at: string): JsonObject {
  switch (output.output_type) {
    case 'stream':
      return { output_type: 'stream', name: output.name, text: splitLines(output.text) };
    case 'display_data':
      return { output_type: 'display_data', data: writeBundle(output.data, `${at}.data`), metadata: output.metadata };
    case 'execute_result':
      return {
        output_type: 'execute_result',
        data: writeBundle(output.data, `${at}.data`),
        metadata: output.metadata,
        execution_count: output.execution_count,
      };
    case 'error':
      return { output_type: 'error', ename: output.ename, evalue: output.evalue, traceback: output.traceback };
  }
}

function writeBundle(bundle: MimeBundle, at: string): JsonObject {
  return Object.fromEntries(Object.entries(bundle).map(([mime, value]) => [mime, writeMimeData(mime, value, `${at}["${mime}"]`)]));
}

/** Refuses data of the wrong kind rather than write a file that parseNotebook would refuse. */
function writeMimeData(mime: string, value: MimeData, at: string): JsonValue {
  if (isJsonMime(mime)) {
    if (value instanceof Uint8Array) throw new TypeError(`cannot write ${at}: ${mime} data must be a JSON value, found bytes`);
    return value;
  }
  if (isBinaryMime(mime)) {
    if (!(value instanceof Uint8Array)) throw new TypeError(`cannot write ${at}: ${mime} data must be bytes (Uint8Array), found ${kind(value)}`);
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  }
  if (typeof value !== 'string') throw new TypeError(`cannot write ${at}: ${mime} data must be a string, found ${kind(value)}`);
  return splitLines(value);
}

/**
 * JSON as Python's json.dumps(sort_keys=True, indent=1, ensure_ascii=False) writes it.
 * Written by hand because JSON.stringify emits integer-like keys ("2", "10") first whatever
 * the order they were added in, and sorts nothing.
 */
export function stableStringify(value: JsonValue): string {
  const parts: string[] = [];
  const open = new Set<object>();

  const write = (v: unknown, indent: string, at: string): void => {
    if (v === null) return void parts.push('null');
    switch (typeof v) {
      case 'string':
        return void parts.push(JSON.stringify(v));
      case 'boolean':
        return void parts.push(v ? 'true' : 'false');
      case 'number':
        return void parts.push(Number.isFinite(v) ? JSON.stringify(v) : 'null'); // as JSON.stringify: JSON has no NaN
      case 'object':
        break;
      default:
        throw new TypeError(`cannot write ${at || 'the notebook'}: a ${typeof v} is not JSON`);
    }
    if (open.has(v)) throw new TypeError(`cannot write ${at}: it contains itself (a cycle)`);
    const inner = `${indent} `;
    open.add(v);
    if (Array.isArray(v)) {
      if (v.length === 0) parts.push('[]');
      else {
        parts.push('[');
        // Array.from visits holes too; like JSON.stringify, a hole or undefined is null.
        Array.from(v as unknown[], (item, i) => {
          parts.push(i === 0 ? `\n${inner}` : `,\n${inner}`);
          write(item ?? null, inner, `${at}[${i}]`);
        });
        parts.push(`\n${indent}]`);
      }
    } else {
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) {
        throw new TypeError(`cannot write ${at}: a ${(v as object).constructor?.name ?? 'non-plain object'} is not JSON`);
      }
      const record = v as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort(byCodePoint);
      if (keys.length === 0) parts.push('{}');
      else {
        parts.push('{');
        keys.forEach((key, i) => {
          parts.push(i === 0 ? `\n${inner}` : `,\n${inner}`, JSON.stringify(key), ': ');
          write(record[key], inner, at ? `${at}.${key}` : key);
        });
        parts.push(`\n${indent}}`);
      }
    }
    open.delete(v);
  };

  write(value, '', '');
  return parts.join('');
}

/** Python orders str keys by code point; JS's default sort by UTF-16 unit differs above U+FFFF. */
function byCodePoint(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) ?? 0;
    const y = b.codePointAt(i) ?? 0;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}
