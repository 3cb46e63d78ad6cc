/**
 * The mini model as a BLIP-2 config: a config.json that parses as BLIP-2 OPT, seeded weights in
 * transformers' layout (the same seed, the same weights), and a model that runs, saves as a
 * transformers folder and loads back to the same logits.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../../kernels/idc/backends/backend';
import { initialTensors, MINI_SIZES, miniConfig } from '../../../../kernels/idc/model/blip2/miniConfig';
import { readBlip2Folder } from '../../../../kernels/idc/model/blip2/files';
import { Blip2Model } from '../../../../kernels/idc/model/blip2/model';
import { blip2Shape, countParameters } from '../../../../kernels/idc/model/memory/index';
import { TINY } from './reference';

describe('the mini BLIP-2 config', () => {
  it('parses as BLIP-2 OPT with square images, OPT ids and the sizes asked for', () => {
    const config = miniConfig();
    assert.deepEqual(
      {
        image: config.vision.imageSize,
        patch: config.vision.patchSize,
        queries: config.numQueryTokens,
        width: config.text.hiddenSize,
        bos: config.text.bosTokenId,
        pad: config.text.padTokenId,
      },
      { image: 96, patch: 16, queries: 12, width: 128, bos: 2, pad: 1 },
    );
    assert.equal(config.text.maxPositionEmbeddings, MINI_SIZES.queries + MINI_SIZES.maxPositions);
  });

  it('draws the same weights from the same seed, other weights from another; LayerNorms start at 1 and 0', () => {
    const config = miniConfig();
    const [a, b, c] = [initialTensors(config, 1), initialTensors(config, 1), initialTensors(config, 2)];
    const name = 'qformer.encoder.layer.0.crossattention.attention.key.weight';
    assert.deepEqual(a.get(name)?.data, b.get(name)?.data);
    assert.notDeepEqual(a.get(name)?.data, c.get(name)?.data);
    assert.ok(a.get('vision_model.post_layernorm.weight')?.data.every((v) => v === 1));
    assert.ok(a.get('language_model.model.decoder.layers.0.self_attn_layer_norm.bias')?.data.every((v) => v === 0));
  });

  it("refuses pixel_values of another size than the config's image_size, naming both", async () => {
    await useBackend('wasm');
    const config = miniConfig({ ...MINI_SIZES, visionLayers: 1, qformerLayers: 2, textLayers: 1 });
    const model = new Blip2Model(config, initialTensors(config, 5));
    const pixels = tf.zeros([1, 3, 64, 64]) as tf.Tensor4D;
    assert.throws(
      () => model.forward({ pixelValues: pixels, inputIds: [[2]] }),
      /pixel_values: expected \[B, 3, 96, 96\] \(config image_size\), found \[1, 3, 64, 64\]/,
    );
    pixels.dispose();
    model.dispose();
  });

  it('runs, and saves as a transformers folder that loads back to the same logits', async () => {
    await useBackend('wasm');
    const config = miniConfig({ ...MINI_SIZES, visionLayers: 1, qformerLayers: 2, textLayers: 1 });
    const model = new Blip2Model(config, initialTensors(config, 5));
    const pixels = Array.from({ length: 2 }, (_, k) =>
      Array.from({ length: 3 }, (_, c) =>
        Array.from({ length: MINI_SIZES.imageSize }, (_, y) => Array.from({ length: MINI_SIZES.imageSize }, (_, x) => Math.sin(k + c + x * 0.1 + y * 0.07))),
      ),
    );
    const inputs = {
      pixelValues: pixels,
      inputIds: [
        [2, 10, 11, 12],
        [2, 13, 14, 1],
      ],
      attentionMask: [
        [1, 1, 1, 1],
        [1, 1, 1, 0],
      ],
    };
    const before = model.forward(inputs);
    assert.deepEqual(before.get('logits')?.shape, [2, MINI_SIZES.queries + 4, MINI_SIZES.vocabSize]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idc-mini-'));
    await model.save(dir);
    model.dispose();
    const again = await Blip2Model.load(dir);
    const after = again.forward(inputs);
    assert.deepEqual((after.get('logits') as tf.Tensor).dataSync(), (before.get('logits') as tf.Tensor).dataSync());
    for (const t of [...before.values(), ...after.values()]) t.dispose();
    again.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('the memory calculator on BLIP-2 configs', () => {
  it('counts the parameters of the tiny reference and of the mini config as their weights hold them', async () => {
    for (const [config, tensors] of [
      [miniConfig(), initialTensors(miniConfig(), 1)],
      [(await readBlip2Folder(TINY)).config, (await readBlip2Folder(TINY)).tensors],
    ] as const) {
      const held = [...tensors.values()].reduce((n, t) => n + t.data.length, 0);
      assert.equal(countParameters(blip2Shape(config, 'x')).total, held);
    }
    // the README's figure for the tiny reference
    assert.equal(countParameters(blip2Shape((await readBlip2Folder(TINY)).config, 'tiny')).total, 69_888);
  });
});
