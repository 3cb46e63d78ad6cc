import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../kernels/idc/backends/backend';
import { attentionRollout, captureAttentionMaps } from '../../../kernels/idc/model/attentionMaps';
import { tinyBatch, tinyModel } from './tinyModel';

const rowSums = (m: number[][]) => m.map((row) => row.reduce((a, b) => a + b, 0));

describe('attention maps', () => {
  it('captures every ViT layer and head, the Q-Former cross-attention and the rollout in one pass, leaving the logits unchanged', async () => {
    await useBackend('cpu');
    const { model, tokenizer } = tinyModel();
    const batch = tinyBatch(model, tokenizer, 1);
    const logits = () => tf.tidy(() => model.decode(model.encode(batch.patches), batch.inputs)).data();
    const before = await logits();
    const maps = captureAttentionMaps(model, batch.patches);
    assert.deepEqual(await logits(), before);
    const { vit, qformer } = model.config;
    const tokens = batch.patches.shape[1];
    assert.deepEqual([maps.vit.length, maps.vit[0]?.length, maps.vit[0]?.[0]?.length, maps.vit[0]?.[0]?.[0]?.length], [vit.layers, vit.heads, tokens, tokens]);
    assert.deepEqual(
      [maps.cross.length, maps.cross[0]?.length, maps.cross[0]?.[0]?.length, maps.cross[0]?.[0]?.[0]?.length],
      [1, qformer.heads, qformer.queries, tokens],
    );
    for (const m of [...maps.vit.flat(), ...maps.cross.flat(), maps.rollout])
      for (const s of rowSums(m)) assert.ok(Math.abs(s - 1) < 1e-5, `a row sums to ${s}`);
    assert.equal(model.capturedAttention.length, 0, 'the captured tensors are released');
    tf.dispose([batch.patches, batch.inputs, batch.targets, batch.mask]);
    model.dispose();
  });

  it('rolls attention out as the product of the head-averaged maps with the residual added', () => {
    // one layer whose two heads each look only at patch 0: 0.5 I + 0.5 (all to patch 0)
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
