/**
 * Checks that a value is an ImagePairPayload before anything is drawn from it, and says
 * which field is wrong (for example "pairs[3].after.width: expected a positive integer"),
 * so a kernel bug shows as a readable message rather than a broken grid.
 */
import type { EncodedImage, ImagePairPayload } from '../../kernels/outputs/contracts';

export type ValidationResult = { ok: true; payload: ImagePairPayload } | { ok: false; problem: string };

type Fields = Record<string, unknown>;

const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
// A loose check: the browser rejects bad base64 itself; this only keeps markup and URLs out of
// the data: URL the image is given.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function imageProblem(value: unknown, field: string): string | null {
  if (!isObject(value)) return `${field}: expected an encoded image object`;
  if (value.mime !== 'image/png' && value.mime !== 'image/jpeg') return `${field}.mime: expected image/png or image/jpeg`;
  for (const k of ['width', 'height']) {
    const n = value[k];
    if (!isCount(n) || n === 0) return `${field}.${k}: expected a positive integer`;
  }
  if (typeof value.data !== 'string' || value.data.length === 0) return `${field}.data: expected base64 text`;
  if (!BASE64.test(value.data)) return `${field}.data: expected base64 text (A-Z, a-z, 0-9, +, / and = padding), found other characters`;
  return null;
}

function pairProblem(value: unknown, field: string): string | null {
  if (!isObject(value)) return `${field}: expected an object`;
  if (typeof value.id !== 'string') return `${field}.id: expected a string`;
  const images: Array<[string, boolean]> = [
    ['before', true],
    ['after', true],
    ['mask', false],
  ];
  for (const [k, required] of images) {
    if (!required && value[k] === undefined) continue;
    const problem = imageProblem(value[k], `${field}.${k}`);
    if (problem) return problem;
  }
  const before = value.before as EncodedImage;
  const after = value.after as EncodedImage;
  // The modes overlay and subtract the two pixel by pixel, which needs one size.
  if (before.width !== after.width || before.height !== after.height) {
    return `${field}.before: expected the size of after (${after.width}x${after.height}), got ${before.width}x${before.height}`;
  }
  if (!isStringArray(value.references)) return `${field}.references: expected an array of strings`;
  for (const k of ['prediction', 'category', 'split']) {
    if (value[k] !== undefined && typeof value[k] !== 'string') return `${field}.${k}: expected a string`;
  }
  const scores = value.scores;
  if (scores !== undefined) {
    if (!isObject(scores)) return `${field}.scores: expected an object of numbers`;
    for (const [name, score] of Object.entries(scores)) {
      if (typeof score !== 'number' || !Number.isFinite(score)) return `${field}.scores.${name}: expected a number`;
    }
  }
  return null;
}

export function validateImagePairPayload(value: unknown): ValidationResult {
  if (!isObject(value)) return { ok: false, problem: 'the payload is not an object' };
  if (value.v !== 1) return { ok: false, problem: `unsupported payload version ${JSON.stringify(value.v)} (expected 1)` };
  if (typeof value.title !== 'string') return { ok: false, problem: 'title: expected a string' };
  if (!Array.isArray(value.pairs)) return { ok: false, problem: 'pairs: expected an array' };
  if (!isCount(value.offset)) return { ok: false, problem: 'offset: expected a whole number, 0 or more' };
  if (!isCount(value.total)) return { ok: false, problem: 'total: expected a whole number, 0 or more' };
  if (!isStringArray(value.notes)) return { ok: false, problem: 'notes: expected an array of strings' };
  const pairs: unknown[] = value.pairs;
  for (let i = 0; i < pairs.length; i++) {
    const problem = pairProblem(pairs[i], `pairs[${i}]`);
    if (problem) return { ok: false, problem };
  }
  if (value.offset + pairs.length > value.total) {
    return { ok: false, problem: `total: ${value.total} is less than offset + pairs (${value.offset} + ${pairs.length})` };
  }
  return { ok: true, payload: value as unknown as ImagePairPayload };
}
