/**
 * The position-seeded start of BLIP2IDC-mini. Every weight stays learned; these only choose
 * where training begins, because from the usual small random start a model this size, on
 * this CPU budget, was measured not to look at the image at all (see README, "Why the model
 * starts position-seeded"):
 * - the ViT's positions start as 2-D sine-cosine codes (init.ts: positionCodes);
 * - head 0 of the first ViT block starts as a correspondence head: every patch attends to the
 *   patch at the same place in the other half and subtracts it, so the pair's difference is
 *   in the features from the first layer on, as the paper's supplementary attention maps show
 *   trained BLIP2IDC heads comparing corresponding regions;
 * - each Q-Former query starts as the code of its own block of patches, with the first
 *   cross-attention near identity, so it reads that region rather than the average of all.
 */
import * as tf from '@tensorflow/tfjs-core';
import { patchGrid, type ModelConfig } from './config';
import { gridPositions, normalValues, rowHarmonic } from './init';
import type { SeededRandom } from '../../platform/random';

/** Gain of the seeded attention: a query's own patches score several nats above far ones. */
export const SEEDED_ATTENTION_GAIN = 2;
const COUNTERPART_GAIN = 2.5;

/** Whether the position-seeded start applies: equal ViT and Q-Former widths and heads, per-head codes, whole blocks. */
export function positionSeeded(config: ModelConfig): boolean {
  const grid = patchGrid(config);
  const perHead = config.qformer.dim / config.qformer.heads;
  return config.vit.dim === config.qformer.dim && config.vit.heads === config.qformer.heads && perHead % 4 === 0 && grid.tokens % config.qformer.queries === 0;
}

/** The centre (row, column) of each query's block: consecutive runs of tokens / queries patches, row-major. */
export function queryCentres(config: ModelConfig): Array<[number, number]> {
  const grid = patchGrid(config);
  const block = grid.tokens / config.qformer.queries;
  const cells = gridPositions(grid.rows, grid.columns);
  return Array.from({ length: config.qformer.queries }, (_, q) => {
    const members = cells.slice(q * block, (q + 1) * block);
    return [members.reduce((a, m) => a + m[0], 0) / block, members.reduce((a, m) => a + m[1], 0) / block] as [number, number];
  });
}

/** gain * I plus N(0, 0.02) noise, [n, n]. */
export function nearIdentity(n: number, gain: number, rng: SeededRandom): Float32Array {
  const out = normalValues(n * n, 0.02, rng);
  for (let i = 0; i < n; i++) out[i * n + i] = (out[i * n + i] as number) + gain;
  return out;
}

/**
 * The correspondence head (head 0 of the first ViT block). Its channels (0 .. h-1) start as
 * position only: the patch projection writes nothing there, so its query and key compare
 * positions and not contents (a patch's content would otherwise match itself best). The
 * query reads the position code as it is; the key reads it moved by half the rows, which for
 * these codes is exact: (-1)^m on the (sin, cos) pair of row harmonic m, identity on the
 * columns. So patch i meets its best key at the patch in the same place of the other image,
 * in both halves. The value reads the next head's channels (content and position) and the
 * output subtracts them there: x_i -= x_c(i) on channels h .. 2h-1, the pair's difference
 * from the first block on.
 */
export function seedCounterpartHead(config: ModelConfig, patch: tf.Variable, qkv: tf.Variable, out: tf.Variable): void {
  const grid = patchGrid(config);
  const d = config.vit.dim;
  const h = d / config.vit.heads;
  const pw = patch.arraySync() as number[][]; // [P, d]
  for (const row of pw) for (let a = 0; a < h; a++) row[a] = 0;
  const w = qkv.arraySync() as number[][]; // [d, 3d]
  const o = out.arraySync() as number[][]; // [d, d]
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < h; b++) {
      // channel b of the head's code: group b >> 2; 0, 1 the row pair, 2, 3 the column pair
      const sign = b % 4 < 2 && rowHarmonic(b >> 2, grid.rows) % 2 === 1 ? -1 : 1;
      (w[a] as number[])[b] = a === b ? COUNTERPART_GAIN : 0;
      (w[a] as number[])[d + b] = a === b ? COUNTERPART_GAIN * sign : 0;
      (w[a] as number[])[2 * d + b] = a === h + b ? 1 : 0;
    }
  }
  for (let a = 0; a < h; a++) for (let b = 0; b < d; b++) (o[a] as number[])[b] = b === h + a ? -1 : 0;
  const tensors = [tf.tensor2d(pw), tf.tensor2d(w), tf.tensor2d(o)];
  patch.assign(tensors[0] as tf.Tensor2D);
  qkv.assign(tensors[1] as tf.Tensor2D);
  out.assign(tensors[2] as tf.Tensor2D);
  tf.dispose(tensors);
}

/** Gain of the rectifier's hidden units on the normalised difference. */
const RECTIFIER_GAIN = 1;

/**
 * The MLP of the first ViT block starts with a rectifier beside its random units: two hidden
 * units per difference channel (h .. 2h-1, where the correspondence head left x_i - x_c(i)),
 * reading it with opposite signs, so gelu(u) + gelu(-u), about |u|, is added to channel a of
 * head 0. The signed difference cancels wherever it is pooled over a region or both halves
 * (a query reading a block, a mean); its magnitude does not, and "how much differs here, and
 * in which channels" is what a caption of the change needs (a linear probe reads the change
 * category from |top - bottom| of the ViT's features 91% of the time, from the features
 * themselves 57%). Head 0's channels hold only positions, and block 0 has used them already.
 * Off by default (`StartOptions.rectifier`): a base pretrained from it did no better for LoRA.
 */
export function seedRectifier(config: ModelConfig, fc1: tf.Variable, fc2: tf.Variable): void {
  const d = config.vit.dim;
  const h = d / config.vit.heads;
  const hidden = d * config.vit.mlpRatio;
  if (hidden < 2 * h) return;
  const w1 = fc1.arraySync() as number[][]; // [d, hidden]
  const w2 = fc2.arraySync() as number[][]; // [hidden, d]
  for (let a = 0; a < h; a++) {
    for (let k = 0; k < d; k++) {
      (w1[k] as number[])[2 * a] = k === h + a ? RECTIFIER_GAIN : 0;
      (w1[k] as number[])[2 * a + 1] = k === h + a ? -RECTIFIER_GAIN : 0;
    }
    for (let k = 0; k < d; k++) {
      (w2[2 * a] as number[])[k] = k === a ? 1 : 0;
      (w2[2 * a + 1] as number[])[k] = k === a ? 1 : 0;
    }
  }
  const tensors = [tf.tensor2d(w1), tf.tensor2d(w2)];
  fc1.assign(tensors[0] as tf.Tensor2D);
  fc2.assign(tensors[1] as tf.Tensor2D);
  tf.dispose(tensors);
}
