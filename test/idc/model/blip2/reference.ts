/** The tiny reference checkpoint of ../shared/hf-blip2 (copied into fixtures) and helpers to compare with it. */
import assert from 'node:assert/strict';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { TensorMap } from '../../../../kernels/platform/safetensors';

export const TINY = path.join(__dirname, '..', 'fixtures', 'hf-blip2-tiny');

/** The largest |a - b| over two equal-shaped arrays. */
export function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  return worst;
}

/** The reference inputs as nested arrays: pixel values [B, 3, S, S], ids and mask [B, T]. */
export function referenceInputs(ref: TensorMap): { pixelValues: tf.Tensor4D; inputIds: number[][]; attentionMask: number[][] } {
  const rows = (name: string) => {
    const t = ref.get(name);
    if (!t) throw new Error(`reference: no ${name}`);
    const [b, n] = t.shape as [number, number];
    return Array.from({ length: b }, (_, i) => Array.from(t.data.subarray(i * n, (i + 1) * n)));
  };
  const pv = ref.get('inputs.pixel_values');
  if (!pv) throw new Error('reference: no inputs.pixel_values');
  return {
    pixelValues: tf.tensor4d(pv.data, pv.shape as [number, number, number, number]),
    inputIds: rows('inputs.input_ids'),
    attentionMask: rows('inputs.attention_mask'),
  };
}
