/**
 * Validation of an attention payload before anything is drawn: the first problem found,
 * naming the field and what was expected, so a producer's mistake reads as a sentence and not
 * as a broken picture. Matrix sizes are checked against the grid, and each matrix's data
 * against rows x columns bytes by its base64 length (decoding waits until a layer is shown).
 */
import type { AttentionPayload } from '../../kernels/outputs/contracts';
import { base64ByteLength } from './matrices';

export type AttentionValidation = { ok: true; payload: AttentionPayload } | { ok: false; problem: string };

type Fields = Record<string, unknown>;

class Problem extends Error {}

const show = (value: unknown): string => (value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value)));

function fail(field: string, expected: string, found: unknown): never {
  throw new Problem(`${field}: expected ${expected}, found ${show(found)}`);
}

function object(value: unknown, field: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, 'an object', value);
  return value as Fields;
}

function array(value: unknown, field: string, nonEmpty: boolean): unknown[] {
  if (!Array.isArray(value)) fail(field, nonEmpty ? 'a non-empty array' : 'an array', value);
  if (nonEmpty && value.length === 0) fail(field, 'a non-empty array', value);
  return value;
}

function integer(value: unknown, field: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
    fail(field, min === 0 ? 'a whole number from 0' : `a whole number from ${min}`, value);
  return value;
}

function string(value: unknown, field: string): string {
  if (typeof value !== 'string') fail(field, 'a string', value);
  return value;
}

/** A quantised matrix of `rows` (when known) x `columns`, with data of that many bytes. */
function matrix(value: unknown, field: string, rows: { count: number; what: string } | null, columns: { count: number; what: string }): void {
  const m = object(value, field);
  const r = integer(m.rows, `${field}.rows`, 1);
  if (rows && r !== rows.count) fail(`${field}.rows`, `${rows.count} (${rows.what})`, r);
  const c = integer(m.columns, `${field}.columns`, 1);
  if (c !== columns.count) fail(`${field}.columns`, `${columns.count} (${columns.what})`, c);
  const scale = m.scale;
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale < 0) fail(`${field}.scale`, 'a finite number from 0', scale);
  const data = string(m.data, `${field}.data`);
  const bytes = base64ByteLength(data);
  if (bytes === null) throw new Problem(`${field}.data: expected base64 of ${r * c} bytes (${r}x${c}), found text that is not base64`);
  if (bytes !== r * c) throw new Problem(`${field}.data: expected base64 of ${r * c} bytes (${r}x${c}), found ${bytes} bytes`);
}

/** Layers of heads with unique numbers, each head's matrix checked by `weights` (its `matrices` fields, default `weights`). */
function layerList(value: unknown, field: string, weights: (m: unknown, field: string) => void, matrices: readonly string[] = ['weights']): void {
  const seenLayers = new Set<number>();
  array(value, field, true).forEach((entry, i) => {
    const f = `${field}[${i}]`;
    const layer = object(entry, f);
    const n = integer(layer.layer, `${f}.layer`, 0);
    if (seenLayers.has(n)) fail(`${f}.layer`, 'a layer number not used before', n);
    seenLayers.add(n);
    const seenHeads = new Set<number>();
    array(layer.heads, `${f}.heads`, true).forEach((h, k) => {
      const hf = `${f}.heads[${k}]`;
      const head = object(h, hf);
      const hn = integer(head.head, `${hf}.head`, 0);
      if (seenHeads.has(hn)) fail(`${hf}.head`, 'a head number not used before in this layer', hn);
      seenHeads.add(hn);
      for (const name of matrices) weights(head[name], `${hf}.${name}`);
    });
  });
}

function check(value: unknown): AttentionPayload {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Problem('the payload is not an object');
  const p = value as Fields;
  if (p.v !== 1) throw new Problem(`unsupported payload version ${show(p.v)} (expected 1)`);
  string(p.title, 'title');

  const image = object(p.image, 'image');
  if (image.mime !== 'image/png' && image.mime !== 'image/jpeg') fail('image.mime', 'image/png or image/jpeg', image.mime);
  const width = integer(image.width, 'image.width', 1);
  const height = integer(image.height, 'image.height', 1);
  const data = string(image.data, 'image.data');
  if (!data || base64ByteLength(data) === null) throw new Problem('image.data: expected base64 of the encoded image');

  const grid = object(p.grid, 'grid');
  const rows = integer(grid.rows, 'grid.rows', 1);
  const columns = integer(grid.columns, 'grid.columns', 1);
  const patch = integer(grid.patch, 'grid.patch', 1);
  if (rows * patch !== height || columns * patch !== width) {
    throw new Problem(
      `grid: expected ${rows}x${columns} patches of ${patch} px to cover the ${width}x${height} image, but they cover ${columns * patch}x${rows * patch}`,
    );
  }
  const boundary = p.boundaryRow;
  if (typeof boundary !== 'number' || !Number.isInteger(boundary) || boundary < 1 || boundary >= rows)
    fail('boundaryRow', `a whole number from 1 to ${rows - 1} (a patch row inside the grid)`, boundary);

  if (p.caption !== undefined) string(p.caption, 'caption');
  array(p.notes, 'notes', false).forEach((n, i) => string(n, `notes[${i}]`));

  const patches = { count: rows * columns, what: `the grid's ${rows}x${columns} patches` };
  layerList(p.layers, 'layers', (m, f) => matrix(m, f, patches, patches));
  // the CLS token apart: one row over the patches for where it looks and for what each patch gives it
  if (p.cls !== undefined) layerList(p.cls, 'cls', (m, f) => matrix(m, f, { count: 1, what: 'one row' }, patches), ['looksAt', 'given']);
  if (p.cross !== undefined) {
    // Each cross layer may have its own number of queries; the grid fixes only the columns.
    if (Array.isArray(p.cross) && p.cross.length > 0) layerList(p.cross, 'cross', (m, f) => matrix(m, f, null, patches));
    else array(p.cross, 'cross', false);
  }
  if (p.rollout !== undefined) matrix(p.rollout, 'rollout', patches, patches);
  return value as AttentionPayload;
}

export function validateAttentionPayload(value: unknown): AttentionValidation {
  try {
    return { ok: true, payload: check(value) };
  } catch (e) {
    if (e instanceof Problem) return { ok: false, problem: e.message };
    throw e;
  }
}
