/**
 * Greedy `generate` and PEFT's LoRA against transformers v4.40 and peft v0.10 on the tiny
 * reference: the generated ids of both reference calls, the modules PEFT's target rule picks,
 * and the logits and ids with PEFT's own adapter attached.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../../kernels/idc/backends/backend';
import { generate } from '../../../../kernels/idc/model/blip2/generate';
import { linearModules, targetedModules } from '../../../../kernels/idc/model/blip2/lora';
import { Blip2Model } from '../../../../kernels/idc/model/blip2/model';
import { readSafetensors, type TensorMap } from '../../../../kernels/platform/safetensors';
import { maxDifference, referenceInputs, TINY } from './reference';

interface Reference {
  generate: { bos_only: { sequences: number[][] }; prompt3: { sequences: number[][] } };
  lora: { targeted_modules: string[]; config: { target_modules: string[] } };
}

describe('BLIP-2 generate and PEFT LoRA against transformers and PEFT', () => {
  let ref: TensorMap;
  let loraRef: TensorMap;
  const json = JSON.parse(fs.readFileSync(path.join(TINY, 'reference.json'), 'utf8')) as Reference;
  before(async () => {
    await useBackend('wasm');
    ref = (await readSafetensors(path.join(TINY, 'reference.safetensors'))).tensors;
    loraRef = (await readSafetensors(path.join(TINY, 'lora_reference.safetensors'))).tensors;
  });

  it('generates the greedy ids transformers does: BOS alone, and a 3-token prompt (not echoed), EOS banned for the first queries', async () => {
    const model = await Blip2Model.load(TINY);
    const { pixelValues, inputIds, attentionMask } = referenceInputs(ref);
    assert.deepEqual(generate(model, { pixelValues }, { maxNewTokens: 8 }).sequences, json.generate.bos_only.sequences);
    const prompt = { pixelValues, inputIds: inputIds.map((r) => r.slice(0, 3)), attentionMask: attentionMask.map((r) => r.slice(0, 3)) };
    assert.deepEqual(generate(model, prompt, { maxNewTokens: 8 }).sequences, json.generate.prompt3.sequences);
    pixelValues.dispose();
    model.dispose();
  });

  it("picks the modules PEFT's target rule picked for BLIP2IDC's target_modules (paths, and key/value as suffixes)", async () => {
    const model = await Blip2Model.load(TINY);
    assert.deepEqual(targetedModules(json.lora.config.target_modules, linearModules(model.config)).sort(), [...json.lora.targeted_modules].sort());
    // a string is a regular expression over the whole name
    assert.deepEqual(targetedModules('.*decoder.*(q_proj|v_proj)', linearModules(model.config)), [
      'language_model.model.decoder.layers.0.self_attn.q_proj',
      'language_model.model.decoder.layers.0.self_attn.v_proj',
      'language_model.model.decoder.layers.1.self_attn.q_proj',
      'language_model.model.decoder.layers.1.self_attn.v_proj',
    ]);
    model.dispose();
  });

  it("gives PEFT's logits and generated ids with PEFT's saved adapter attached", async () => {
    const model = await Blip2Model.load(TINY, { adapter: path.join(TINY, 'lora') });
    // r 4 on 13 square 32-wide Linears and the two ViT qkv (32 -> 96)
    assert.equal(model.params.count('adapter'), 13 * (4 * 32 + 32 * 4) + 2 * (4 * 32 + 96 * 4));
    const inputs = referenceInputs(ref);
    const out = model.forward(inputs);
    const diff = maxDifference((out.get('logits') as tf.Tensor).dataSync(), (loraRef.get('lora.logits') as { data: Float32Array }).data);
    assert.ok(diff < 1e-4, `lora.logits: ${diff}`);
    for (const t of out.values()) t.dispose();
    const expected = loraRef.get('lora.generate_bos') as { shape: number[]; data: Float32Array };
    const [b, n] = expected.shape as [number, number];
    const rows = Array.from({ length: b }, (_, i) => Array.from(expected.data.subarray(i * n, (i + 1) * n)));
    assert.deepEqual(generate(model, { pixelValues: inputs.pixelValues }, { maxNewTokens: n - 1 }).sequences, rows);
    inputs.pixelValues.dispose();
    model.dispose();
  });

  it('refuses an adapter setting it does not compute, naming the file and the field', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idc-lora-'));
    const config = JSON.parse(fs.readFileSync(path.join(TINY, 'lora', 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(path.join(dir, 'adapter_config.json'), JSON.stringify({ ...config, use_dora: true }));
    fs.copyFileSync(path.join(TINY, 'lora', 'adapter_model.safetensors'), path.join(dir, 'adapter_model.safetensors'));
    await assert.rejects(Blip2Model.load(TINY, { adapter: dir }), {
      message: `${path.join(dir, 'adapter_config.json')}: use_dora: expected false, found true`,
    });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
