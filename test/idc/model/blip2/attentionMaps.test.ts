/**
 * The attention maps idc.viz.attention shows, read off the BLIP-2 forward pass: on the tiny
 * reference, the ViT's maps over patches, the CLS token's row and column and the Q-Former's
 * cross-attention equal transformers' attentions with the CLS token split off; rollout checked
 * by hand.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../../kernels/idc/backends/backend';
import { attentionRollout, blip2AttentionMaps } from '../../../../kernels/idc/model/blip2/attentionMaps';
import { Blip2Model } from '../../../../kernels/idc/model/blip2/model';
import { readSafetensors } from '../../../../kernels/platform/safetensors';
import { maxDifference, referenceInputs, TINY } from './reference';

describe('BLIP-2 attention maps', () => {
  it("split transformers' ViT and cross-attention maps of the first image into patches and the CLS token", async () => {
    await useBackend('cpu');
    const ref = (await readSafetensors(path.join(TINY, 'reference.safetensors'))).tensors;
    const model = await Blip2Model.load(TINY);
    const { pixelValues } = referenceInputs(ref);
    const first = tf.slice(pixelValues, [0, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
    const maps = blip2AttentionMaps(model, first);
    const { vision, qformer } = model.config;
    const n = (vision.imageSize / vision.patchSize) ** 2;
    assert.equal(maps.vit.length, vision.numHiddenLayers);
    for (let l = 0; l < vision.numHiddenLayers; l++) {
      const t = ref.get(`vision.attentions.${l}`) as { shape: number[]; data: Float32Array };
      const [, heads, tokens] = t.shape as [number, number, number];
      assert.equal(tokens, n + 1);
      for (let h = 0; h < heads; h++) {
        const at = (i: number, j: number) => t.data[(h * tokens + i) * tokens + j] as number;
        const patches = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => at(i + 1, j + 1)));
        assert.ok(maxDifference(maps.vit[l]?.[h]?.flat() ?? [], patches.flat()) < 1e-5, `layer ${l} head ${h}`);
        const looksAt = Array.from({ length: n }, (_, j) => at(0, j + 1));
        const given = Array.from({ length: n }, (_, i) => at(i + 1, 0));
        assert.ok(maxDifference(maps.cls.looksAt[l]?.[h] ?? [], looksAt) < 1e-5);
        assert.ok(maxDifference(maps.cls.given[l]?.[h] ?? [], given) < 1e-5);
      }
    }
    const crossLayers = Array.from({ length: qformer.numHiddenLayers }, (_, i) => i).filter((i) => i % qformer.crossAttentionFrequency === 0);
    assert.deepEqual(maps.crossLayers, crossLayers);
    crossLayers.forEach((layer, c) => {
      const t = ref.get(`qformer.cross_attentions.${layer}`) as { shape: number[]; data: Float32Array };
      const [, heads, queries, tokens] = t.shape as [number, number, number, number];
      for (let h = 0; h < heads; h++) {
        const at = (q: number, j: number) => t.data[(h * queries + q) * tokens + j] as number;
        const patches = Array.from({ length: queries }, (_, q) => Array.from({ length: n }, (_, j) => at(q, j + 1)));
        assert.ok(maxDifference(maps.cross[c]?.[h]?.flat() ?? [], patches.flat()) < 1e-5, `cross layer ${layer} head ${h}`);
        assert.ok(
          maxDifference(
            maps.crossToCls[c]?.[h] ?? [],
            Array.from({ length: queries }, (_, q) => at(q, 0)),
          ) < 1e-5,
        );
      }
    });
    assert.deepEqual([maps.rollout.length, maps.rollout[0]?.length], [n, n]);
    tf.dispose([pixelValues, first]);
    model.dispose();
  });

  it('rolls attention out as the product of the head-averaged maps with the residual added', () => {
    // one layer whose two heads each look only at token 0: 0.5 I + 0.5 (all to token 0)
    const toFirst = [
      [1, 0],
      [1, 0],
    ];
    assert.deepEqual(attentionRollout([[toFirst, toFirst]]), [
      [1, 0],
      [0.5, 0.5],
    ]);
    // two such layers: [[1, 0], [0.5, 0.5]] squared
    assert.deepEqual(
      attentionRollout([
        [toFirst, toFirst],
        [toFirst, toFirst],
      ]),
      [
        [1, 0],
        [0.75, 0.25],
      ],
    );
  });
});
