/**
 * Attention maps of one pair as BLIP-2 computes them, read from a forward pass with
 * `outputAttentions`: the ViT's self-attention per layer and head over [CLS; patches], the
 * Q-Former's cross-attention per cross layer and head (queries over [CLS; patches]), and
 * attention rollout across the ViT (Abnar and Zuidema 2020: heads averaged, the residual path
 * added as 0.5 I, rows renormalised, layers multiplied). The CLS token is set apart: the maps
 * over patches leave its row and column out, and what it gives and gets is returned beside them.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Blip2Model } from './model';

/** weights[layer][head][row][column]. */
export type HeadMaps = number[][][][];

/** What the CLS token gives and gets in one head: where it looks (over patches) and how much each patch gives it. */
export interface ClassTokenMaps {
  /** [layer][head][patch]: the CLS row without its own column. */
  looksAt: number[][][];
  /** [layer][head][patch]: each patch's weight on CLS. */
  given: number[][][];
}

export interface Blip2AttentionMaps {
  /** [layer][head]: patches x patches (CLS left out). */
  vit: HeadMaps;
  /** [cross layer][head]: queries x patches (CLS left out). */
  cross: HeadMaps;
  /** Patches x patches rollout (CLS left out). */
  rollout: number[][];
  cls: ClassTokenMaps;
  /** [cross layer][head][query]: each query's weight on CLS. */
  crossToCls: number[][][];
  /** The cross-attention layers' indices in the Q-Former. */
  crossLayers: number[];
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

const withoutCls = (m: number[][]): number[][] => m.slice(1).map((row) => row.slice(1));

/** The maps of one pair: `pixelValues` [1, 3, S, S]. */
export function blip2AttentionMaps(model: Blip2Model, pixelValues: tf.Tensor4D): Blip2AttentionMaps {
  if (pixelValues.shape[0] !== 1) throw new RangeError(`blip2AttentionMaps: expected one pair, found a batch of ${pixelValues.shape[0]}`);
  const out = model.forward({ pixelValues, inputIds: [[model.config.text.bosTokenId]] }, { outputAttentions: true });
  try {
    const first = (name: string) => ((out.get(name) as tf.Tensor4D).arraySync() as number[][][][])[0] as number[][][];
    const full: HeadMaps = [];
    for (let l = 0; l < model.config.vision.numHiddenLayers; l++) full.push(first(`vision.attentions.${l}`));
    const crossLayers: number[] = [];
    const crossFull: HeadMaps = [];
    for (let l = 0; l < model.config.qformer.numHiddenLayers; l++)
      if (out.has(`qformer.cross_attentions.${l}`)) {
        crossLayers.push(l);
        crossFull.push(first(`qformer.cross_attentions.${l}`));
      }
    return {
      vit: full.map((heads) => heads.map(withoutCls)),
      cross: crossFull.map((heads) => heads.map((m) => m.map((row) => row.slice(1)))),
      rollout: withoutCls(attentionRollout(full)),
      cls: {
        looksAt: full.map((heads) => heads.map((m) => (m[0] as number[]).slice(1))),
        given: full.map((heads) => heads.map((m) => m.slice(1).map((row) => row[0] as number))),
      },
      crossToCls: crossFull.map((heads) => heads.map((m) => m.map((row) => row[0] as number))),
      crossLayers,
    };
  } finally {
    tf.dispose([...out.values()]);
  }
}
