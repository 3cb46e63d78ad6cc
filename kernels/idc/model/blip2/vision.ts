/**
 * BLIP-2's vision encoder (EVA ViT-g in the real model; transformers' `Blip2VisionModel`):
 *
 *   pixel_values [B, 3, S, S] --patches (conv p x p, stride p)--> [B, N, D], N = (S / p)^2
 *   [CLS ; patches] + position embedding                          -> [B, N + 1, D]
 *   L pre-LN blocks: x += proj(attn(LN1 x)), x += fc2(gelu(fc1(LN2 x)))
 *   post_layernorm                                                -> [B, N + 1, D] (the Q-Former reads all, CLS included)
 *
 * Attention uses one `qkv` Linear whose output is [q | k | v], each head-major.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { VisionConfig } from './config';
import { linear, norm, perHead, record, type Recording, type Weights } from './layers';
import { attention, geluExact, matmul2d } from '../ops';
import { VISION } from './parameters';

/**
 * pixel_values [B, 3, S, S] -> patches [B, N, 3 * p * p], patches row-major over the grid and
 * each flattened channel, row, column: the order of the convolution's weight [D, 3, p, p].
 * Ranks stay at 5 or below (the WASM backend's transpose).
 */
export function patchesOf(pixelValues: tf.Tensor4D, patch: number): tf.Tensor3D {
  const [b, c, s] = pixelValues.shape;
  const g = s / patch;
  const rows = tf.transpose(tf.reshape(pixelValues, [b * c, g, patch, g, patch]), [0, 1, 3, 2, 4]); // [B*3, g, g, p, p]
  const grid = tf.transpose(tf.reshape(rows, [b, c, g * g, patch * patch]), [0, 2, 1, 3]); // [B, N, 3, p*p]
  return tf.reshape(grid, [b, g * g, c * patch * patch]);
}

export function visionForward(w: Weights, config: VisionConfig, pixelValues: tf.Tensor4D, rec?: Recording): tf.Tensor3D {
  const { hiddenSize: d, numAttentionHeads: heads, layerNormEps: eps } = config;
  const [, channels, height, width] = pixelValues.shape;
  if (channels !== 3 || height !== config.imageSize || width !== config.imageSize)
    throw new RangeError(
      `vision encoder: pixel_values: expected [B, 3, ${config.imageSize}, ${config.imageSize}] (config image_size), found [${pixelValues.shape.join(', ')}]`,
    );
  const patches = patchesOf(pixelValues, config.patchSize); // [B, N, 3*p*p]
  const [b, n] = patches.shape;
  const embedded = tf.add(
    tf.reshape(matmul2d(tf.reshape(patches, [b * n, -1]) as tf.Tensor2D, w.get(`${VISION}.embeddings.patch_embedding.weight`) as tf.Tensor2D, w.trainable), [
      b,
      n,
      d,
    ]),
    w.get(`${VISION}.embeddings.patch_embedding.bias`),
  );
  const cls = tf.broadcastTo(tf.reshape(w.get(`${VISION}.embeddings.class_embedding`), [1, 1, d]), [b, 1, d]);
  let x = tf.add(tf.concat([cls, embedded], 1), w.get(`${VISION}.embeddings.position_embedding`)) as tf.Tensor3D; // [B, N+1, D]
  record(rec, 'hiddenStates', 'vision.hidden_states.0', x);
  for (let i = 0; i < config.numHiddenLayers; i++) {
    const p = `${VISION}.encoder.layers.${i}`;
    const qkv = linear(w, norm(w, x, `${p}.layer_norm1`, eps), `${p}.self_attn.qkv`) as tf.Tensor3D; // [B, N+1, 3D]
    // three slices rather than tf.split: faster on WASM (its SplitV), the same values and gradients
    const part = (j: number) => tf.slice(qkv, [0, 0, j * d], [-1, -1, d]) as tf.Tensor3D;
    const [q, k, v] = [part(0), part(1), part(2)];
    const a = attention(q, k, v, heads);
    record(rec, 'attentions', `vision.attentions.${i}`, perHead(a.weights, heads));
    x = tf.add(x, linear(w, a.out, `${p}.self_attn.projection`));
    const h = geluExact(linear(w, norm(w, x, `${p}.layer_norm2`, eps), `${p}.mlp.fc1`));
    x = tf.add(x, linear(w, h, `${p}.mlp.fc2`));
    record(rec, 'hiddenStates', `vision.hidden_states.${i + 1}`, x);
  }
  const last = norm(w, x, `${VISION}.post_layernorm`, eps) as tf.Tensor3D;
  record(rec, 'always', 'vision.last_hidden_state', last);
  // transformers' pooled output: the CLS row, normalised once more
  if (rec?.hiddenStates)
    record(rec, 'always', 'vision.pooler_output', norm(w, tf.reshape(tf.slice(last, [0, 0, 0], [b, 1, d]), [b, d]), `${VISION}.post_layernorm`, eps));
  return last;
}
