import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../kernels/idc/backends/backend';
import { forwardFlops, trainingFlops } from '../../../kernels/idc/model/flops';
import { tinyBatch, tinyModel } from './tinyModel';

describe('model FLOPs', () => {
  it('counts the forward matmul FLOPs that the model really executes', async () => {
    await useBackend('cpu');
    const { model, tokenizer } = tinyModel();
    const batch = tinyBatch(model, tokenizer, 2);
    const profile = await tf.profile(() => {
      tf.tidy(() => {
        model.decode(model.encode(batch.patches), batch.inputs);
      });
    });
    let measured = 0;
    for (const k of profile.kernels) {
      if (k.name !== 'BatchMatMul') continue;
      const a = k.inputShapes[0] as number[];
      const inner = a[a.length - 1] as number;
      // the one-hot embedding lookup is a matmul here only because WASM's gather has no gradient
      if (inner === model.config.vocabSize) continue;
      measured += 2 * inner * (k.outputShapes[0] as number[]).reduce((x, y) => x * y, 1);
    }
    // the batch is padded to its longest caption, shorter than maxTokens
    const tokens = batch.inputs.shape[1];
    assert.ok(tokens < model.config.decoder.maxTokens);
    const counted = forwardFlops(model.config, tokens);
    assert.equal(counted.total * 2, measured);
    assert.ok(forwardFlops(model.config).total > counted.total);
    assert.equal(counted.vit + counted.qformer + counted.decoder, counted.total);
    assert.equal(trainingFlops(model.config, 'full', tokens), 3 * counted.total);
    assert.equal(trainingFlops(model.config, 'lora', tokens), 2 * counted.total);
    tf.dispose([batch.patches, batch.inputs, batch.targets, batch.mask]);
    model.dispose();
  });
});
