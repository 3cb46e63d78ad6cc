/**
 * Seeded initial values as plain Float32Arrays (pure-rand, Box-Muller), so a model made from
 * a seed is the same on every backend and machine.
 */
import type { SeededRandom } from '../../platform/random';

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
 * 2-D sine-cosine position codes [positions, dim] for (row, column) positions on a grid of
 * `rows` x `columns` (positions may be fractional). The frequencies are the grid's own
 * Fourier frequencies, 2 pi m / rows and 2 pi m / columns: the dot product of two codes is then
 * a sharp peak where the positions meet (a Dirichlet kernel), and moving by half the rows
 * (from one image of the pair to the same place in the other) is an exact linear map of the
 * code, (-1)^m per row frequency. Each attention head's slice of the channels holds the whole
 * code, as groups (sin row f, cos row f, sin column g, cos column g), frequencies cycled.
 */
export function positionCodes(positions: ReadonlyArray<readonly [number, number]>, dim: number, heads: number, rows: number, columns: number): Float32Array {
  const perHead = dim / heads;
  if (!Number.isInteger(perHead) || perHead % 4 !== 0)
    throw new RangeError(`positionCodes: expected dim / heads to be a multiple of 4, found ${dim} / ${heads}`);
  const groups = perHead / 4;
  const out = new Float32Array(positions.length * dim);
  positions.forEach(([row, column], p) => {
    for (let h = 0; h < heads; h++) {
      for (let k = 0; k < groups; k++) {
        const f = (2 * Math.PI * rowHarmonic(k, rows)) / rows;
        const g = (2 * Math.PI * rowHarmonic(k, columns)) / columns;
        const at = p * dim + h * perHead + 4 * k;
        out[at] = Math.sin(row * f);
        out[at + 1] = Math.cos(row * f);
        out[at + 2] = Math.sin(column * g);
        out[at + 3] = Math.cos(column * g);
      }
    }
  });
  return out;
}

/** The harmonic m (1 .. max(1, floor(n / 2))) of frequency group k on an axis of n cells. */
export function rowHarmonic(k: number, n: number): number {
  const top = Math.max(1, Math.floor(n / 2));
  return (k % top) + 1;
}

/** The (row, column) of each cell of a grid, row-major. */
export function gridPositions(rows: number, columns: number): Array<[number, number]> {
  return Array.from({ length: rows * columns }, (_, i) => [Math.floor(i / columns), i % columns] as [number, number]);
}
