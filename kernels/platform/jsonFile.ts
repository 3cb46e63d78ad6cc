/**
 * Reading JSON files so that an error says the file, the line and column of a syntax error,
 * and for a value of the wrong shape the field and what was expected. Dataset indexes,
 * adapter configs and model manifests all read through here.
 */
import fs from 'node:fs';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';

/** A JSON file that cannot be used: the file, the field when one is at fault, and why. */
export class JsonFileError extends Error {
  constructor(
    readonly file: string,
    readonly field: string | undefined,
    readonly reason: string,
  ) {
    super(`${file}: ${field ? `${field}: ` : ''}${reason}`);
    this.name = 'JsonFileError';
  }
}

/** A value as a message shows it: its kind, and short values themselves. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  const shown = JSON.stringify(value) ?? String(value);
  const short = shown.length > 40 ? `${shown.slice(0, 40)}…` : shown;
  return typeof value === 'string' ? `the string ${short}` : `${typeof value} ${short}`;
}

/** "at line L, column C (what)": JSON.parse's own message has no position for most errors on Node 20. */
function syntaxErrorAt(text: string, error: Error): string {
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return error.message;
  const before = text.slice(0, first.offset).split('\n');
  const what = printParseErrorCode(first.error)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return `at line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1} (${what})`;
}

export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new JsonFileError(file, undefined, `expected JSON, found a syntax error ${syntaxErrorAt(text, error as Error)}`);
  }
}

/** Reads and parses a JSON file; a missing or unreadable file is an error naming it. */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (error) {
    throw new JsonFileError(file, undefined, `cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseJsonText(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, file);
}

/** Shape checks that throw a JsonFileError naming the file and the field. */
export function expectObject(value: unknown, file: string, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new JsonFileError(file, field || undefined, `expected an object, found ${describe(value)}`);
  return value as Record<string, unknown>;
}

export function expectArray(value: unknown, file: string, field: string, what = 'a list'): unknown[] {
  if (!Array.isArray(value)) throw new JsonFileError(file, field || undefined, `expected ${what}, found ${describe(value)}`);
  return value;
}

export function expectString(value: unknown, file: string, field: string, what = 'a string'): string {
  if (typeof value !== 'string') throw new JsonFileError(file, field || undefined, `expected ${what}, found ${describe(value)}`);
  return value;
}

/** A field path as messages write it: `[3].sentences[0]`, `"CLEVR_default_000001.png"[2]`. */
export function fieldPath(...parts: Array<string | number>): string {
  return parts
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? (i === 0 ? p : `.${p}`) : `[${JSON.stringify(p)}]`))
    .join('');
}
