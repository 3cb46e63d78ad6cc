import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../kernels/idc/backends/backend';
import { Blip2Idc } from '../../../kernels/idc/model/blip2idc';
import { inferenceWeights, mergeAdapterWeights } from '../../../kernels/idc/model/inferenceWeights';
import { mergedWeight } from '../../../kernels/idc/model/lora';
import { tinyBatch, tinyModel, randomiseAdapter } from './tinyModel';

describe('inference weights (the adapter merged in)', () => {
  before(async () => {
    await useBackend('cpu');
  });

  it('merges W + (alpha / r) A B', () => {
    // W = I (2x2), A = [1; 2] (2x1), B = [3 4] (1x2), scale 0.5
    const merged = mergedWeight(Float32Array.of(1, 0, 0, 1), Float32Array.of(1, 2), Float32Array.of(3, 4), 2, 1, 2, 0.5);
    assert.deepEqual([...merged], [2.5, 2, 3, 5]);
    assert.throws(() => mergedWeight(new Float32Array(4), new Float32Array(3), new Float32Array(2), 2, 1, 2, 1), /expected W 2x2, A 2x1, B 1x2/);
    const base = new Map([['l.weight', { shape: [2, 2], data: Float32Array.of(1, 0, 0, 1) }]]);
    const a = { shape: [2, 1], data: Float32Array.of(1, 2) };
    const b = { shape: [1, 2], data: Float32Array.of(3, 4) };
    assert.deepEqual(
      [
        ...(mergeAdapterWeights(
          base,
          new Map([
            ['l.lora_A', a],
            ['l.lora_B', b],
          ]),
          { rank: 1, alpha: 0.5 },
        ).get('l.weight')?.data ?? []),
      ],
      [2.5, 2, 3, 5],
    );
    assert.deepEqual([...(base.get('l.weight')?.data ?? [])], [1, 0, 0, 1], 'the base is not changed');
    assert.throws(() => mergeAdapterWeights(base, new Map([['l.lora_B', b]]), { rank: 1, alpha: 1 }, 'a.safetensors'), {
      message: 'a.safetensors: expected l.lora_A beside l.lora_B, found none',
    });
    assert.throws(() => mergeAdapterWeights(base, new Map([['l.lora_A', a]]), { rank: 1, alpha: 1 }, 'a.safetensors'), {
      message: 'a.safetensors: expected l.lora_B beside l.lora_A, found none',
    });
    assert.throws(
      () =>
        mergeAdapterWeights(
          base,
          new Map([
            ['m.lora_A', a],
            ['m.lora_B', b],
          ]),
          { rank: 1, alpha: 1 },
          'a.safetensors',
        ),
      { message: 'a.safetensors: tensor m.lora_A: the base model has no layer m' },
    );
  });

  it('gives a plain model the outputs of the adapted one, leaving the adapted model as it was', async () => {
    const { model, tokenizer } = tinyModel();
    model.attachLora({ rank: 2, modules: ['vit', 'qformer', 'llm'] }, 5);
    randomiseAdapter(model, 0.3, 7);
    const qkvBefore = await model.params.get('vit.blocks.0.attn.qkv.weight').data();
    const weights = await inferenceWeights(model);
    assert.deepEqual(await model.params.get('vit.blocks.0.attn.qkv.weight').data(), qkvBefore);
    assert.notDeepEqual(weights.get('vit.blocks.0.attn.qkv.weight')?.data, qkvBefore);
    const plain = new Blip2Idc(model.config, 11);
    plain.params.assign(weights, 'base', 'merged');
    const batch = tinyBatch(model, tokenizer);
    const [a, b] = [model, plain].map((m) => tf.tidy(() => m.decode(m.encode(batch.patches), batch.inputs)));
    const [va, vb] = [(await a!.data()) as Float32Array, (await b!.data()) as Float32Array];
    let d = 0;
    for (let i = 0; i < va.length; i++) d = Math.max(d, Math.abs((va[i] as number) - (vb[i] as number)));
    assert.ok(d < 1e-5, `largest difference ${d}`);
    tf.dispose([a!, b!, batch.patches, batch.inputs, batch.targets, batch.mask]);
    model.dispose();
    plain.dispose();
  });
});
