/**
 * Pure maths on attention matrices in the browser: base64 bytes to weights (the kernel's
 * `dequantise` uses Node's Buffer, which a renderer bundle does not have), the mean over the
 * patches that look, one patch's row, and how attention splits across the boundary between
 * the reference (top) and edited (bottom) image. Matrices are row-major Float32Arrays.
 */
import type { QuantisedMatrix } from '../../kernels/outputs/contracts';

const BASE64_ALPHABET = /^[A-Za-z0-9+/]*$/;

/**
 * Bytes that `data` decodes to, or null when it is not base64 — without decoding it, so a
 * payload of megabytes is checked cheaply and decoded only for the layer shown.
 */
export function base64ByteLength(data: string): number | null {
  let end = data.length;
  // Up to two '=' of padding; unpadded base64 is read the same way by atob and Buffer.
  if (end > 0 && data.charCodeAt(end - 1) === 61) end--;
  if (end > 0 && data.charCodeAt(end - 1) === 61) end--;
  if (end % 4 === 1) return null;
  if (end < data.length && data.length % 4 !== 0) return null;
  if (!BASE64_ALPHABET.test(end === data.length ? data : data.slice(0, end))) return null;
  return Math.floor((end * 3) / 4);
}

export function decodeBase64(data: string): Uint8Array {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The values of a quantised matrix (byte x scale), row-major, as the kernel's `dequantise`. */
export function dequantise(m: QuantisedMatrix): Float32Array {
  const bytes = decodeBase64(m.data);
  if (bytes.length !== m.rows * m.columns)
    throw new RangeError(`attention weights: expected ${m.rows * m.columns} bytes for ${m.rows}x${m.columns}, found ${bytes.length}`);
  const values = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) values[i] = (bytes[i] as number) * m.scale;
  return values;
}

/** Where a head looks on average: the mean over its rows (the patches or queries that look). */
export function meanOverQueries(values: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(columns);
  if (rows === 0) return out;
  for (let i = 0; i < rows; i++) {
    const offset = i * columns;
    for (let j = 0; j < columns; j++) out[j] = (out[j] as number) + (values[offset + j] as number);
  }
  for (let j = 0; j < columns; j++) out[j] = (out[j] as number) / rows;
  return out;
}

/** Where one patch (or query) looks: row `row`, a view on the matrix, not a copy. */
export function matrixRow(values: Float32Array, columns: number, row: number): Float32Array {
  return values.subarray(row * columns, (row + 1) * columns);
}

/**
 * How a row's weight splits between the top image (patches before `boundaryIndex`) and the
 * bottom one, as shares of the row's total: quantisation leaves rows summing only near 1.
 */
export function halfShares(row: ArrayLike<number>, boundaryIndex: number): { top: number; bottom: number } {
  let top = 0;
  let bottom = 0;
  for (let j = 0; j < row.length; j++) {
    if (j < boundaryIndex) top += row[j] as number;
    else bottom += row[j] as number;
  }
  const total = top + bottom;
  return total > 0 ? { top: top / total, bottom: bottom / total } : { top: 0, bottom: 0 };
}

/** The share of a patch's attention that goes to the other image than its own. */
export function shareAcrossBoundary(row: ArrayLike<number>, fromIndex: number, boundaryIndex: number): number {
  const { top, bottom } = halfShares(row, boundaryIndex);
  return fromIndex < boundaryIndex ? bottom : top;
}

/** That share averaged over every patch that looks (rows of a patches x patches matrix). */
export function meanShareAcrossBoundary(values: Float32Array, size: number, boundaryIndex: number): number {
  if (size === 0) return 0;
  let sum = 0;
  for (let i = 0; i < size; i++) sum += shareAcrossBoundary(matrixRow(values, size, i), i, boundaryIndex);
  return sum / size;
}

/** The share of a row's weight that patch `index` gets. */
export function shareOfPatch(row: ArrayLike<number>, index: number): number {
  let total = 0;
  for (let j = 0; j < row.length; j++) total += row[j] as number;
  return total > 0 ? (row[index] ?? 0) / total : 0;
}
