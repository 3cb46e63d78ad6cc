import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../kernels/idc/backends/backend';
import { initialTensors } from '../../../kernels/idc/model/blip2/miniConfig';
import { Blip2Model } from '../../../kernels/idc/model/blip2/model';
import { forwardFlops, trainingFlops } from '../../../kernels/idc/model/flops';
import { tinyBlip2Config } from './blip2/tinyBase';

describe('model FLOPs', () => {
  it('counts the forward matmul FLOPs that the BLIP-2 model really executes', async () => {
    await useBackend('cpu');
    const config = tinyBlip2Config(40);
    const model = new Blip2Model(config, initialTensors(config, 1));
    const size = config.vision.imageSize;
    const pixelValues = tf.randomNormal([2, 3, size, size], 0, 1, 'float32', 5) as tf.Tensor4D;
    const inputIds = [
      [2, 5, 6, 7, 2],
      [2, 8, 9, 2, 2],
    ];
    const profile = await tf.profile(() => {
      tf.dispose([...model.forward({ pixelValues, inputIds }).values()]);
    });
    let measured = 0;
    for (const k of profile.kernels) {
      // linear layers with a bias run as one fused matmul-and-bias kernel
      if (k.name !== 'BatchMatMul' && k.name !== '_FusedMatMul') continue;
      const a = k.inputShapes[0] as number[];
      const b = k.inputShapes[1] as number[];
      // the one-hot embedding lookup is a matmul here only because WASM's gather has no gradient
      if (b[b.length - 2] === config.text.vocabSize && a[a.length - 1] === config.text.vocabSize) continue;
      const inner = a[a.length - 1] as number;
      measured += 2 * inner * (k.outputShapes[0] as number[]).reduce((x, y) => x * y, 1);
    }
    const counted = forwardFlops(config, 5);
    assert.equal(counted.total * 2, measured);
    assert.equal(counted.vision + counted.qformer + counted.languageModel, counted.total);
    assert.equal(trainingFlops(config, 'full', 5), 3 * counted.total);
    assert.equal(trainingFlops(config, 'lora', 5), 2 * counted.total);
    pixelValues.dispose();
    model.dispose();
  });
});
