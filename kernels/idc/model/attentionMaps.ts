/**
 * Attention maps of one forward pass: the ViT's self-attention per layer and head, the
 * Q-Former's cross-attention per head and query, and attention rollout across the ViT
 * (Abnar and Zuidema 2020: heads averaged, the residual path added as 0.5 I, rows
 * renormalised, layers multiplied). Capturing keeps copies of the softmax weights the pass
 * computes anyway, so the model's outputs do not change.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Blip2Idc } from './blip2idc';

/** weights[layer][head][row][column]. */
export type HeadMaps = number[][][][];

export interface AttentionMaps {
  vit: HeadMaps;
  cross: HeadMaps;
  rollout: number[][];
}

/** Splits captured [B*heads, R, C] (head-major per image) into image 0's [heads][R][C]. */
function firstImage(weights: tf.Tensor3D, heads: number): number[][][] {
  return (weights.arraySync() as number[][][]).slice(0, heads);
}

/** The maps of one pair: `patches` [1, N, P]. */
export function captureAttentionMaps(model: Blip2Idc, patches: tf.Tensor3D): AttentionMaps {
  if (patches.shape[0] !== 1) throw new RangeError(`captureAttentionMaps: expected one pair, found a batch of ${patches.shape[0]}`);
  const prefix = model.encode(patches, { captureAttention: true });
  prefix.dispose();
  try {
    const vit = model.capturedAttention.map((w) => firstImage(w, model.config.vit.heads));
    const cross = model.capturedCrossAttention.map((w) => firstImage(w, model.config.qformer.heads));
    return { vit, cross, rollout: attentionRollout(vit) };
  } finally {
    model.disposeCaptured();
  }
}

/** Rollout of per-layer, per-head square maps: prod over layers of rownorm(0.5 mean_h A + 0.5 I). Pure. */
export function attentionRollout(layers: HeadMaps): number[][] {
  const n = layers[0]?.[0]?.length ?? 0;
  let rollout: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (const heads of layers) {
    const mixed = Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) => (0.5 * heads.reduce((s, h) => s + ((h[i] as number[])[j] as number), 0)) / heads.length + (i === j ? 0.5 : 0)),
    );
    for (const row of mixed) {
      const total = row.reduce((a, b) => a + b, 0);
      for (let j = 0; j < n; j++) row[j] = (row[j] as number) / total;
    }
    // this layer after the ones before: rollout = mixed x rollout
    rollout = mixed.map((row) => Array.from({ length: n }, (_, j) => row.reduce((s, v, k) => s + v * ((rollout[k] as number[])[j] as number), 0)));
  }
  return rollout;
}
