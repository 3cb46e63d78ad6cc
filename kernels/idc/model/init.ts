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
