/**
 * What LoRA training needs of the BLIP-2 model: BLIP2IDC's target modules per adapted part, a
 * new adapter that starts as the base, dropout drawn from a seed given per pass (nothing kept in
 * the model), and passes started from a frozen stage's output equal to the whole pass.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../../kernels/idc/backends/backend';
import { blip2idcTargetModules, linearModules, newLoraAdapter, targetedModules, type LoraPart } from '../../../../kernels/idc/model/blip2/lora';
import { Blip2Model } from '../../../../kernels/idc/model/blip2/model';
import { readSafetensors, type TensorMap } from '../../../../kernels/platform/safetensors';
import { maxDifference, referenceInputs, TINY } from './reference';

const logitsOf = (out: Map<string, tf.Tensor>) => {
  const data = (out.get('logits') as tf.Tensor).dataSync() as Float32Array;
  for (const t of out.values()) t.dispose();
  return data;
};

describe('BLIP-2 LoRA training support', () => {
  let ref: TensorMap;
  before(async () => {
    await useBackend('wasm');
    ref = (await readSafetensors(path.join(TINY, 'reference.safetensors'))).tensors;
  });

  it("targets the modules BLIP2IDC's configuration targets, part by part", async () => {
    const model = await Blip2Model.load(TINY);
    const modules = linearModules(model.config);
    const reference = (JSON.parse(fs.readFileSync(path.join(TINY, 'reference.json'), 'utf8')) as { lora: { targeted_modules: string[] } }).lora
      .targeted_modules;
    assert.deepEqual(targetedModules(blip2idcTargetModules(model.config, ['vit', 'qformer', 'llm']), modules).sort(), [...reference].sort());
    assert.deepEqual(targetedModules(blip2idcTargetModules(model.config, ['vit']), modules), [
      'vision_model.encoder.layers.0.self_attn.qkv',
      'vision_model.encoder.layers.1.self_attn.qkv',
    ]);
    assert.deepEqual(targetedModules(blip2idcTargetModules(model.config, ['qformer']), modules), [
      'qformer.encoder.layer.0.attention.attention.key',
      'qformer.encoder.layer.0.attention.attention.value',
      'qformer.encoder.layer.0.crossattention.attention.query',
      'qformer.encoder.layer.0.crossattention.attention.key',
      'qformer.encoder.layer.0.crossattention.attention.value',
      'qformer.encoder.layer.1.attention.attention.key',
      'qformer.encoder.layer.1.attention.attention.value',
    ]);
    model.dispose();
  });

  it('starts a new adapter as the base (B zero), seeded; dropout comes from the seed given to the pass', async () => {
    const model = await Blip2Model.load(TINY);
    const inputs = referenceInputs(ref);
    const base = logitsOf(model.forward(inputs));
    const config = { r: 4, loraAlpha: 8, loraDropout: 0.3, targetModules: blip2idcTargetModules(model.config, ['qformer', 'llm']) };
    const adapter = newLoraAdapter(model.config, config, 7);
    assert.deepEqual(newLoraAdapter(model.config, config, 7).tensors, adapter.tensors);
    model.attachLora(adapter);
    assert.deepEqual(logitsOf(model.forward(inputs)), base);
    // with B non-zero the adapter counts, and its dropout draws follow the pass's seed
    for (const [name, v] of model.params.adapters) if (name.endsWith('lora_B')) v.assign(tf.fill(v.shape, 0.05));
    const a = logitsOf(model.forward(inputs, { dropout: { seed: 11 } }));
    assert.deepEqual(logitsOf(model.forward(inputs, { dropout: { seed: 11 } })), a);
    assert.ok(maxDifference(logitsOf(model.forward(inputs, { dropout: { seed: 12 } })), a) > 1e-4);
    assert.ok(maxDifference(logitsOf(model.forward(inputs)), a) > 1e-4);
    inputs.pixelValues.dispose();
    model.dispose();
  });

  it('gives the whole pass from a frozen stage: the image for Q-Former and LLM adapters, the prefix for LLM ones', async () => {
    const model = await Blip2Model.load(TINY);
    const inputs = referenceInputs(ref);
    for (const parts of [['qformer', 'llm'], ['llm']] as LoraPart[][]) {
      model.attachLora(newLoraAdapter(model.config, { r: 4, loraAlpha: 8, loraDropout: 0.2, targetModules: blip2idcTargetModules(model.config, parts) }, 3));
      for (const [name, v] of model.params.adapters) if (name.endsWith('lora_B')) v.assign(tf.fill(v.shape, 0.05));
      const whole = logitsOf(model.forward(inputs, { dropout: { seed: 5 } }));
      const stage = parts.includes('qformer') ? { image: model.imageOf(inputs.pixelValues) } : { prefix: model.prefixOf(inputs.pixelValues) };
      const fromStage = logitsOf(model.forwardFrom(stage, inputs, { dropout: { seed: 5 } }));
      tf.dispose(Object.values(stage));
      assert.ok(maxDifference(fromStage, whole) < 1e-6, parts.join('+'));
      model.detachLora();
    }
    inputs.pixelValues.dispose();
    model.dispose();
  });
});
