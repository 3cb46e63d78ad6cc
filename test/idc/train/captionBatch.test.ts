import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../kernels/idc/backends/backend';
import { captionBatch, disposeBatch } from '../../../kernels/idc/train/captionBatch';
import { normalValues } from '../../../kernels/idc/model/init';
import { SeededRandom } from '../../../kernels/platform/random';
import { tinyModel, randomiseAdapter } from '../model/tinyModel';

describe('captionBatch', () => {
  it('pads to the longest caption of the batch, cuts at maxTokens, and gives the loss of full-length padding', async () => {
    await useBackend('cpu');
    const { model, tokenizer } = tinyModel();
    const { width, height } = model.config.image;
    const pixels = normalValues(2 * width * height * 3, 1, new SeededRandom(4));
    const short = captionBatch(pixels, ['make it night', 'the sign says open'], model.config, tokenizer);
    // 'the sign says open': 4 words + <eos>
    assert.deepEqual(short.inputs.shape, [2, 5]);
    assert.deepEqual(Array.from(await short.mask.data()), [1, 1, 1, 1, 0, 1, 1, 1, 1, 1]);
    const long = captionBatch(pixels, ['the blue square is gone the blue square is gone', 'make it night'], model.config, tokenizer);
    assert.deepEqual(long.inputs.shape, [2, model.config.decoder.maxTokens]);

    // the same batch padded to maxTokens by hand
    const length = model.config.decoder.maxTokens;
    const rows = ['make it night', 'the sign says open'].map((c) => tokenizer.teacherForcing(c, length));
    const full = {
      patches: short.patches,
      inputs: tf.tensor2d(
        rows.flatMap((r) => r.inputs),
        [2, length],
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
    model.attachLora({ rank: 2, modules: ['vit', 'qformer', 'llm'] }, 1);
    randomiseAdapter(model, 0.1, 5);
    const a = (await model.loss(short).data())[0] as number;
    const b = (await model.loss(full).data())[0] as number;
    assert.ok(Math.abs(a - b) < 1e-5, `loss ${a} with the batch's padding, ${b} at full length`);
    assert.ok(a > 0.5, `a loss of an untrained model, found ${a}`);
    tf.dispose([full.inputs, full.targets, full.mask]);
    disposeBatch(short);
    disposeBatch(long);
    model.dispose();
  });
});
