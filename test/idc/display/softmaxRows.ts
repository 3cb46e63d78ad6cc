/** Attention-like test matrices: softmax rows of seeded random scores, each row summing to 1. */
import { SeededRandom } from '../../../kernels/platform/random';

/** [rows][columns]; `sharpness` scales the scores (higher: peakier rows). */
export function softmaxRows(rows: number, columns: number, seed: number, sharpness = 3): number[][] {
  const rng = new SeededRandom(seed);
  return Array.from({ length: rows }, () => {
    const e = Array.from({ length: columns }, () => Math.exp(sharpness * rng.float()));
    const total = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / total);
  });
}
