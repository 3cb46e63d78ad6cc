/**
 * Seeded initial values as plain Float32Arrays (pure-rand, Box-Muller), so a model made from
 * a seed is the same on every backend and machine.
 */
import { SeededRandom } from '../data/random';

export function normalValues(count: number, std: number, rng: SeededRandom): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const u = Math.max(rng.float(), 1e-12);
    const v = rng.float();
    const r = std * Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

export function uniformValues(count: number, bound: number, rng: SeededRandom): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (2 * rng.float() - 1) * bound;
  return out;
}

/**
 * 2-D sine-cosine position values [rows * columns, dim] (MAE's layout: the first half of the
 * channels encode the row, the second half the column, each as sin and cos at geometric
 * frequencies). Used as the starting value of learned position embeddings: at unit scale
 * the patches' rows (top half or bottom half) are told apart from the first step, where
 * small random values leave position to be discovered.
 */
export function sincosPositions(rows: number, columns: number, dim: number): Float32Array {
  if (dim % 4 !== 0) throw new RangeError(`sincosPositions: dim must be a multiple of 4, found ${dim}`);
  const out = new Float32Array(rows * columns * dim);
  const quarter = dim / 4;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const base = (r * columns + c) * dim;
      for (let i = 0; i < quarter; i++) {
        const frequency = 1 / 10000 ** (i / quarter);
        out[base + i] = Math.sin(r * frequency);
        out[base + quarter + i] = Math.cos(r * frequency);
        out[base + 2 * quarter + i] = Math.sin(c * frequency);
        out[base + 3 * quarter + i] = Math.cos(c * frequency);
      }
    }
  }
  return out;
}
