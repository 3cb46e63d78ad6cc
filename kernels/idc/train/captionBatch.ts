/**
 * From pixels and captions to the model's input tensors: patches by reshape, teacher-forced
 * decoder inputs and next-token targets with their padding mask.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CaptionBatch } from '../model/blip2idc';
import { patchGrid, type ModelConfig } from '../model/config';
import { patchify } from '../model/patches';
import type { WordTokenizer } from '../model/tokenizer';
import { CLIP_MEAN, CLIP_STD } from '../data/images/normalize';

/** Pixels [n, H, W, 3] (CLIP-normalised NHWC) -> patches tensor [n, N, p*p*3]. */
export function patchTensor(pixels: Float32Array, count: number, config: ModelConfig): tf.Tensor3D {
  const { width, height, patch } = config.image;
  const grid = patchGrid(config);
  return tf.tensor3d(patchify(pixels, count, height, width, patch), [count, grid.tokens, grid.patchSize]);
}

/**
 * Captions are cut at the model's `maxTokens` and padded only to the batch's longest: the
 * padding is masked and comes after every real token under causal attention, so the loss is
 * the same as at full length while the decoder runs over the prefix and the longest caption
 * only, not the prefix and maxTokens positions.
 */
export function captionBatch(pixels: Float32Array, captions: readonly string[], config: ModelConfig, tokenizer: WordTokenizer): CaptionBatch {
  const n = captions.length;
  const length = Math.min(config.decoder.maxTokens, Math.max(1, ...captions.map((c) => tokenizer.encode(c).length + 1)));
  const rows = captions.map((c) => tokenizer.teacherForcing(c, length));
  return {
    patches: patchTensor(pixels, n, config),
    inputs: tf.tensor2d(
      rows.flatMap((r) => r.inputs),
      [n, length],
      'int32',
    ),
    targets: tf.tensor1d(
      rows.flatMap((r) => r.targets),
      'int32',
    ),
    mask: tf.tensor1d(
      rows.flatMap((r) => r.mask),
      'float32',
    ),
  };
}

export function disposeBatch(batch: CaptionBatch): void {
  tf.dispose([batch.patches, batch.inputs, batch.targets, batch.mask]);
}

/** Two 8-bit RGB images of one width, stacked (top first) and CLIP-normalised into `out` at `offset`. */
export function stackNormalised(top: Uint8Array, bottom: Uint8Array, out: Float32Array, offset: number): void {
  const scale = [0, 1, 2].map((c) => 1 / (255 * (CLIP_STD[c] as number)));
  const shift = [0, 1, 2].map((c) => -(CLIP_MEAN[c] as number) / (CLIP_STD[c] as number));
  let o = offset;
  for (const half of [top, bottom]) {
    for (let i = 0; i < half.length; i++, o++) out[o] = (half[i] as number) * (scale[i % 3] as number) + (shift[i % 3] as number);
  }
}
