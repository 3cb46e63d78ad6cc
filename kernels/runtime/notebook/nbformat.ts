/**
 * The .idcnb file format: nbformat 4 JSON, so notebooks open in Jupyter and on GitHub.
 * On disk, texts are lists of lines and binary MIME data base64, as Jupyter writes them; in
 * memory, texts are strings and binary data bytes (see kernels/idc/display/mime.ts). Written with sorted keys
 * and an indent of one space (Jupyter's own layout), so diffs stay small and a file this
 * module wrote is read and written again byte for byte.
 */
import { randomBytes } from 'node:crypto';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { isBinaryMime, isJsonMime, type JsonObject, type JsonValue, type MimeBundle, type MimeData } from '../../idc/display/mime';

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
  return { nbformat: 4, nbformat_minor: 5, metadata: structuredClone(IDC_NOTEBOOK_METADATA), cells: [] };
}

export function newCellId(): string {
  return randomBytes(4).toString('hex');
}

export function cellTags(cell: NotebookCell): string[] {
  const tags = cell.metadata['tags'];
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
}

// ---- reading ----------------------------------------------------------------------------

export function parseNotebook(text: string, file: string): Notebook {
  if (text.trim() === '') return newNotebook(); // VS Code opens a new file with empty content
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new NotebookFormatError(file, '', `invalid JSON (${jsonErrorPosition(text, error as Error)})`);
  }
  const r = new Reader(file);
  const top = r.object(raw, '');
  const nbformat = top['nbformat'];
  if (nbformat !== 4) r.fail('nbformat', `expected nbformat 4, found ${nbformat === undefined ? 'none' : JSON.stringify(nbformat)}`);
  const minor = top['nbformat_minor'];
  if (typeof minor !== 'number' || !Number.isInteger(minor) || minor < 0) r.fail('nbformat_minor', 'expected a non-negative integer');
  const metadata = r.object(top['metadata'] ?? {}, 'metadata');
  for (const key of ['kernelspec', 'language_info'] as const) {
    if (metadata[key] === undefined) metadata[key] = structuredClone(IDC_NOTEBOOK_METADATA[key]) as JsonValue;
  }
  const cells = r.array(top['cells'], 'cells').map((c, i) => readCell(r, c, `cells[${i}]`));
  return { nbformat: 4, nbformat_minor: Math.max(minor as number, 5), metadata, cells };
}

function readCell(r: Reader, raw: unknown, at: string): NotebookCell {
  const c = r.object(raw, at);
  const id = c['id'] === undefined ? newCellId() : r.string(c['id'], `${at}.id`);
  const source = r.multiline(c['source'] ?? '', `${at}.source`);
  const metadata = r.object(c['metadata'] ?? {}, `${at}.metadata`);
  switch (c['cell_type']) {
    case 'code': {
      const count = c['execution_count'] ?? null;
      if (count !== null && !Number.isInteger(count)) r.fail(`${at}.execution_count`, 'expected an integer or null');
      const outputs = r.array(c['outputs'] ?? [], `${at}.outputs`).map((o, i) => readOutput(r, o, `${at}.outputs[${i}]`));
      return { cell_type: 'code', id, source, metadata, outputs, execution_count: count as number | null };
    }
    case 'markdown': {
      const cell: MarkdownCell = { cell_type: 'markdown', id, source, metadata };
      if (c['attachments'] !== undefined) cell.attachments = r.object(c['attachments'], `${at}.attachments`);
      return cell;
    }
    case 'raw':
      return { cell_type: 'raw', id, source, metadata };
    default:
      return r.fail(`${at}.cell_type`, `expected "code", "markdown" or "raw", found ${JSON.stringify(c['cell_type'])}`);
  }
}

function readOutput(r: Reader, raw: unknown, at: string): CellOutput {
  const o = r.object(raw, at);
  switch (o['output_type']) {
    case 'stream': {
      const name = o['name'];
      if (name !== 'stdout' && name !== 'stderr') r.fail(`${at}.name`, `expected "stdout" or "stderr", found ${JSON.stringify(name)}`);
      return { output_type: 'stream', name: name as 'stdout' | 'stderr', text: r.multiline(o['text'], `${at}.text`) };
    }
    case 'display_data':
      return { output_type: 'display_data', data: readBundle(r, o['data'], `${at}.data`), metadata: r.object(o['metadata'] ?? {}, `${at}.metadata`) };
    case 'execute_result': {
      const count = o['execution_count'] ?? null;
      if (count !== null && !Number.isInteger(count)) r.fail(`${at}.execution_count`, 'expected an integer or null');
      return {
        output_type: 'execute_result',
        data: readBundle(r, o['data'], `${at}.data`),
        metadata: r.object(o['metadata'] ?? {}, `${at}.metadata`),
        execution_count: count as number | null,
      };
    }
    case 'error':
      return {
        output_type: 'error',
        ename: r.string(o['ename'], `${at}.ename`),
        evalue: r.string(o['evalue'], `${at}.evalue`),
        traceback: r.array(o['traceback'] ?? [], `${at}.traceback`).map((t, i) => r.string(t, `${at}.traceback[${i}]`)),
      };
    default:
      return r.fail(`${at}.output_type`, `expected "stream", "display_data", "execute_result" or "error", found ${JSON.stringify(o['output_type'])}`);
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function readBundle(r: Reader, raw: unknown, at: string): MimeBundle {
  const data = r.object(raw, at);
  const bundle: MimeBundle = {};
  for (const [mime, value] of Object.entries(data)) {
    const field = `${at}["${mime}"]`;
    if (isJsonMime(mime)) bundle[mime] = value;
    else if (isBinaryMime(mime)) {
      const b64 = r.multiline(value, field).replace(/\s+/g, '');
      if (b64.length % 4 !== 0 || !BASE64.test(b64)) r.fail(field, 'expected base64 data');
      bundle[mime] = new Uint8Array(Buffer.from(b64, 'base64'));
    } else bundle[mime] = r.multiline(value, field);
  }
  return bundle;
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

  /** nbformat's "multiline string": a string, or a list of strings to concatenate. */
  multiline(value: unknown, field: string): string {
    if (typeof value === 'string') return value;
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join('');
    return this.fail(field, `expected a string or a list of strings, found ${kind(value)}`);
  }
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`.slice(0, 60);
}

/** Where JSON.parse failed, as "line L, column C: what" (its own message has no position on Node 20). */
function jsonErrorPosition(text: string, error: Error): string {
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false });
  const first = errors[0];
  if (!first) return error.message;
  const before = text.slice(0, first.offset).split('\n');
  return `${printParseErrorCode(first.error)} at line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

// ---- writing ----------------------------------------------------------------------------

export function serializeNotebook(nb: Notebook): string {
  const cells = nb.cells.map(writeCell);
  const doc: JsonObject = { cells, metadata: nb.metadata, nbformat: 4, nbformat_minor: nb.nbformat_minor };
  return `${stableStringify(doc)}\n`;
}

/** nbformat's list-of-lines form: every line keeps its "\n", the last one has none. */
export function splitLines(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines.length === 1 && lines[0] === '' ? [] : lines;
}

function writeCell(cell: NotebookCell): JsonObject {
  const common: JsonObject = { cell_type: cell.cell_type, id: cell.id, metadata: cell.metadata, source: splitLines(cell.source) };
  if (cell.cell_type === 'code') {
    return { ...common, execution_count: cell.execution_count, outputs: cell.outputs.map(writeOutput) };
  }
  if (cell.cell_type === 'markdown' && cell.attachments) return { ...common, attachments: cell.attachments };
  return common;
}

function writeOutput(output: CellOutput): JsonObject {
  switch (output.output_type) {
    case 'stream':
      return { output_type: 'stream', name: output.name, text: splitLines(output.text) };
    case 'display_data':
      return { output_type: 'display_data', data: writeBundle(output.data), metadata: output.metadata };
    case 'execute_result':
      return { output_type: 'execute_result', data: writeBundle(output.data), metadata: output.metadata, execution_count: output.execution_count };
    case 'error':
      return { output_type: 'error', ename: output.ename, evalue: output.evalue, traceback: output.traceback };
  }
}

function writeBundle(bundle: MimeBundle): JsonObject {
  const out: JsonObject = {};
  for (const [mime, value] of Object.entries(bundle)) out[mime] = writeMimeData(mime, value);
  return out;
}

function writeMimeData(mime: string, value: MimeData): JsonValue {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (isJsonMime(mime)) return value;
  return typeof value === 'string' ? splitLines(value) : value;
}

/** JSON with keys sorted at every depth and one space of indent, as Jupyter writes. */
export function stableStringify(value: JsonValue): string {
  const seen = new Set<object>();
  const sort = (v: JsonValue): JsonValue => {
    if (typeof v !== 'object' || v === null) return v;
    if (seen.has(v)) throw new TypeError('cannot write a notebook whose metadata or outputs contain a cycle');
    seen.add(v);
    const sorted: JsonValue = Array.isArray(v)
      ? v.map(sort)
      : Object.fromEntries(
          Object.keys(v)
            .sort()
            .filter((k) => v[k] !== undefined)
            .map((k) => [k, sort(v[k] as JsonValue)]),
        );
    seen.delete(v);
    return sorted;
  };
  return JSON.stringify(sort(value), null, 1);
}
