/**
 * Reads and writes the safetensors format (github.com/huggingface/safetensors): an 8-byte
 * little-endian header length, a JSON header {name: {dtype, shape, data_offsets}, __metadata__},
 * then the raw little-endian tensor bytes. Written here because no maintained npm package
 * reads and writes it locally (`safetensors` 0.0.1 is an empty stub; @huggingface/hub only
 * parses remote headers). Only F32 tensors are written; F32, F16, BF16, I64, I32 and U8 are read.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './atomicWrite';

export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

export type TensorMap = Map<string, NamedTensor>;

const MAX_HEADER = 100 * 1024 * 1024; // the format's own limit against hostile files

/**
 * The dtypes read, and their widths. Every tensor is read into float32: weights of float16 and
 * bfloat16 checkpoints are computed in float32, and ids and pixels (I64, I32, U8) are exact in
 * float32 below 2^24.
 */
const DTYPE_BYTES: Readonly<Record<string, number>> = { F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, U8: 1 };

export class SafetensorsError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'SafetensorsError';
  }
}

export function encodeSafetensors(tensors: TensorMap, metadata: Record<string, string> = {}): Uint8Array {
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name) as NamedTensor;
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new RangeError(`safetensors: ${name}: shape [${t.shape.join(', ')}] holds ${count} values, found ${t.data.length}`);
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + 4 * count] };
    offset += 4 * count;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8); // data starts 8-byte aligned
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const name of names) {
    const t = tensors.get(name) as NamedTensor;
    for (let i = 0; i < t.data.length; i++, at += 4) view.setFloat32(at, t.data[i] as number, true);
  }
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

export function decodeSafetensors(bytes: Uint8Array, file: string): { tensors: TensorMap; metadata: Record<string, string> } {
  if (bytes.length < 8) throw new SafetensorsError(file, `expected a safetensors file (8-byte header length first), found ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = Number(view.getBigUint64(0, true));
  if (length > MAX_HEADER || 8 + length > bytes.length)
    throw new SafetensorsError(file, `header length ${length} does not fit the file of ${bytes.length} bytes`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + length)).toString('utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new SafetensorsError(file, `header: expected JSON, found a syntax error (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    throw new SafetensorsError(file, `header: expected a JSON object, found ${JSON.stringify(header)}`);
  const dataStart = 8 + length;
  const tensors: TensorMap = new Map();
  const ranges: Array<[number, number, string]> = [];
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = (entry ?? {}) as Record<string, string>;
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const shape = e.shape;
    const offsets = e.data_offsets;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0))
      throw new SafetensorsError(file, `${name}.shape: expected a list of sizes, found ${JSON.stringify(shape)}`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((d) => Number.isInteger(d) && d >= 0))
      throw new SafetensorsError(file, `${name}.data_offsets: expected [begin, end], found ${JSON.stringify(offsets)}`);
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    const width = typeof e.dtype === 'string' ? (DTYPE_BYTES[e.dtype] ?? 0) : 0;
    if (width === 0)
      throw new SafetensorsError(file, `${name}.dtype: expected one of ${Object.keys(DTYPE_BYTES).join(', ')}, found ${JSON.stringify(e.dtype)}`);
    const [begin, end] = offsets as [number, number];
    if (end - begin !== count * width || dataStart + end > bytes.length)
      throw new SafetensorsError(file, `${name}.data_offsets: [${begin}, ${end}] does not hold ${count} ${e.dtype} values inside the file`);
    ranges.push([begin, end, name]);
    const data = new Float32Array(count);
    const at = dataStart + begin;
    for (let i = 0; i < count; i++) {
      if (e.dtype === 'F32') data[i] = view.getFloat32(at + 4 * i, true);
      else if (e.dtype === 'F16') data[i] = halfToFloat(view.getUint16(at + 2 * i, true));
      else if (e.dtype === 'BF16') data[i] = new Float32Array(new Uint32Array([view.getUint16(at + 2 * i, true) << 16]).buffer)[0] as number;
      else if (e.dtype === 'I64') data[i] = Number(view.getBigInt64(at + 8 * i, true));
      else if (e.dtype === 'I32') data[i] = view.getInt32(at + 4 * i, true);
      else data[i] = view.getUint8(at + i);
    }
    tensors.set(name, { shape: shape as number[], data });
  }
  // the format's rule: the tensors tile the byte buffer, no holes and no overlaps (a file
  // edited by hand or cut short breaks it)
  ranges.sort((a, b) => a[0] - b[0]);
  let expected = 0;
  for (const [begin, end, name] of ranges) {
    if (begin !== expected)
      throw new SafetensorsError(
        file,
        `${name}.data_offsets: expected to begin at byte ${expected} (tensors tile the data without holes or overlaps), found ${begin}`,
      );
    expected = end;
  }
  if (dataStart + expected !== bytes.length)
    throw new SafetensorsError(
      file,
      `expected the tensor data to end the file at byte ${dataStart + expected}, found ${bytes.length - dataStart - expected} bytes more`,
    );
  return { tensors, metadata };
}

/** Writes atomically: a temp file beside the target, fsync, rename (a failed save keeps the old file). */
export async function writeSafetensors(file: string, tensors: TensorMap, metadata: Record<string, string> = {}): Promise<void> {
  const bytes = encodeSafetensors(tensors, metadata);
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, bytes);
}

export async function readSafetensors(file: string): Promise<{ tensors: TensorMap; metadata: Record<string, string> }> {
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(file);
  } catch (error) {
    throw new SafetensorsError(file, `cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return decodeSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), file);
}
