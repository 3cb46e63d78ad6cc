import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../kernels/idc/backends/backend';
import { exportAdapterToPeft, layerOfModulePath, loadPeftAdapter, peftModulePath, savePeftAdapter } from '../../../kernels/idc/interop/peftAdapter';
import { decodeSafetensors, encodeSafetensors, readSafetensors } from '../../../kernels/platform/safetensors';
import { loraParameterCount, loraTargets } from '../../../kernels/idc/model/lora';
import { tinyBatch, tinyModel, randomiseAdapter } from '../model/tinyModel';

/** A tiny model with an adapter whose B is not zero, so the adapter changes the outputs. */
function adapted(modules: Array<'vit' | 'qformer' | 'llm'> = ['vit', 'qformer', 'llm']) {
  const { model, tokenizer } = tinyModel();
  model.attachLora({ rank: 2, modules }, 5);
  randomiseAdapter(model, 0.1, 7);
  return { model, tokenizer };
}

async function logits(model: ReturnType<typeof tinyModel>['model'], tokenizer: ReturnType<typeof tinyModel>['tokenizer']): Promise<Float32Array> {
  const batch = tinyBatch(model, tokenizer);
  const out = tf.tidy(() => model.decode(model.encode(batch.patches), batch.inputs));
  const values = (await out.data()) as Float32Array;
  tf.dispose([out, batch.patches, batch.inputs, batch.targets, batch.mask]);
  return values;
}

describe('PEFT adapters', () => {
  let dir: string;
  beforeEach(async () => {
    await useBackend('cpu');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idc-peft-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('maps every adapted layer to its BLIP-2 module path and back', () => {
    const { model } = tinyModel();
    for (const t of loraTargets(model.config, ['vit', 'qformer', 'llm'])) assert.equal(layerOfModulePath(peftModulePath(t.layer)), t.layer);
    assert.equal(peftModulePath('vit.blocks.1.attn.qkv'), 'vision_model.encoder.layers.1.self_attn.qkv');
    assert.equal(peftModulePath('qformer.blocks.0.cross.q'), 'qformer.encoder.layer.0.crossattention.attention.query');
    assert.equal(peftModulePath('qformer.blocks.1.self.v'), 'qformer.encoder.layer.1.attention.attention.value');
    assert.equal(peftModulePath('decoder.blocks.0.attn.k'), 'language_model.model.decoder.layers.0.self_attn.k_proj');
    model.dispose();
  });

  it("saves adapter_config.json and adapter_model.safetensors in PEFT's layout, and loads them into a fresh model with identical outputs", async () => {
    const { model, tokenizer } = adapted();
    const before = await logits(model, tokenizer);
    const config = await savePeftAdapter(dir, model, { baseModel: 'media/base' });
    const written = JSON.parse(fs.readFileSync(path.join(dir, 'adapter_config.json'), 'utf8'));
    assert.deepEqual(written, config);
    assert.deepEqual(
      [written.peft_type, written.r, written.lora_alpha, written.lora_dropout, written.bias, written.base_model_name_or_path],
      ['LORA', 2, 4, 0.05, 'none', 'media/base'],
    );
    assert.ok(written.target_modules.includes('qformer.encoder.layer.0.crossattention.attention.query'));
    assert.ok(!written.target_modules.includes('qformer.encoder.layer.0.attention.attention.query'), 'the paper leaves the self-attention query alone');
    const { tensors } = await readSafetensors(path.join(dir, 'adapter_model.safetensors'));
    // torch Linear layout: A [r, in], B [out, r]; the fused ViT qkv has 3 * width outputs
    assert.deepEqual(tensors.get('base_model.model.vision_model.encoder.layers.0.self_attn.qkv.lora_A.weight')?.shape, [2, 16]);
    assert.deepEqual(tensors.get('base_model.model.vision_model.encoder.layers.0.self_attn.qkv.lora_B.weight')?.shape, [48, 2]);
    assert.equal(
      [...tensors.values()].reduce((n, t) => n + t.data.length, 0),
      loraParameterCount(model.config, { rank: 2, modules: ['vit', 'qformer', 'llm'] }),
    );

    const fresh = tinyModel().model;
    const settings = await loadPeftAdapter(dir, fresh);
    assert.deepEqual(settings, { rank: 2, alpha: 4, dropout: 0.05, modules: ['vit', 'qformer', 'llm'] });
    assert.deepEqual(await logits(fresh, tokenizer), before);
    // and merging the loaded adapter gives the same outputs again (within float rounding)
    fresh.mergeLora();
    const merged = await logits(fresh, tokenizer);
    assert.ok(merged.every((v, i) => Math.abs(v - (before[i] as number)) < 1e-4));
    model.dispose();
    fresh.dispose();
  });

  it('loads an adapter of some modules only, taking the modules from the weights', async () => {
    const { model, tokenizer } = adapted(['llm']);
    await savePeftAdapter(dir, model);
    const fresh = tinyModel().model;
    assert.deepEqual((await loadPeftAdapter(dir, fresh)).modules, ['llm']);
    assert.deepEqual(await logits(fresh, tokenizer), await logits(model, tokenizer));
    model.dispose();
    fresh.dispose();
  });

  it('names the file, the field or tensor, and what was expected, and leaves the model without a half-loaded adapter', async () => {
    const { model } = adapted();
    await savePeftAdapter(dir, model);
    const configFile = path.join(dir, 'adapter_config.json');
    const weightsFile = path.join(dir, 'adapter_model.safetensors');
    const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
    const good = fs.readFileSync(weightsFile);
    const fresh = tinyModel().model;

    fs.writeFileSync(configFile, JSON.stringify({ ...config, r: 4 }));
    await assert.rejects(loadPeftAdapter(dir, fresh), {
      message: `${weightsFile}: tensor base_model.model.vision_model.encoder.layers.0.self_attn.qkv.lora_A.weight: expected shape [4, 16] (r from adapter_config.json, the layer's inputs), found [2, 16]`,
    });
    assert.equal(fresh.loraSettings, undefined);
    fs.writeFileSync(configFile, JSON.stringify({ ...config, peft_type: 'IA3' }));
    await assert.rejects(loadPeftAdapter(dir, fresh), { message: `${configFile}: peft_type: expected "LORA", found "IA3"` });
    fs.writeFileSync(configFile, JSON.stringify({ ...config, bias: 'all' }));
    await assert.rejects(loadPeftAdapter(dir, fresh), {
      message: `${configFile}: bias: expected "none" (adapters with trained biases are not supported), found "all"`,
    });
    fs.writeFileSync(configFile, '{"r": 2,');
    await assert.rejects(loadPeftAdapter(dir, fresh), (e: Error) => e.message.startsWith(`${configFile}: expected JSON, found a syntax error`));
    fs.writeFileSync(configFile, JSON.stringify(config));

    // truncated weights
    fs.writeFileSync(weightsFile, good.subarray(0, good.length - 10));
    await assert.rejects(loadPeftAdapter(dir, fresh), (e: Error) => e.message.startsWith(`${weightsFile}: `) && e.message.includes('does not hold'));
    // a tensor missing, and one the paper does not adapt
    const tensors = decodeSafetensors(new Uint8Array(good), weightsFile).tensors;
    const missing = new Map(tensors);
    missing.delete('base_model.model.language_model.model.decoder.layers.1.self_attn.v_proj.lora_B.weight');
    fs.writeFileSync(weightsFile, encodeSafetensors(missing));
    await assert.rejects(loadPeftAdapter(dir, fresh), {
      message: `${weightsFile}: expected base_model.model.language_model.model.decoder.layers.1.self_attn.v_proj.lora_B.weight (the adapter covers vit, qformer, llm, which adapts this layer), found none`,
    });
    const extra = new Map(tensors);
    extra.set('base_model.model.qformer.encoder.layer.0.attention.attention.query.lora_A.weight', { shape: [2, 16], data: new Float32Array(32) });
    fs.writeFileSync(weightsFile, encodeSafetensors(extra));
    await assert.rejects(
      loadPeftAdapter(dir, fresh),
      /LoRA weights for base_model\.model\.qformer\.encoder\.layer\.0\.attention\.attention\.query: expected only the layers the paper adapts/,
    );
    const foreign = new Map(tensors);
    foreign.set('base_model.model.text_decoder.bert.encoder.layer.0.attention.self.query.lora_A.weight', { shape: [2, 16], data: new Float32Array(32) });
    fs.writeFileSync(weightsFile, encodeSafetensors(foreign));
    await assert.rejects(loadPeftAdapter(dir, fresh), {
      message: `${weightsFile}: tensor base_model.model.text_decoder.bert.encoder.layer.0.attention.self.query.lora_A.weight: expected base_model.model.<module path>.lora_A.weight or .lora_B.weight of a layer this model adapts (BLIP-2 module paths)`,
    });
    assert.equal(fresh.loraSettings, undefined);
    model.dispose();
    fresh.dispose();
  });

  it("rewrites a training run's adapter.safetensors in PEFT's layout without loading the model (idc.interop)", async () => {
    const { model, tokenizer } = adapted(['vit', 'llm']);
    const base = path.join(dir, 'base');
    fs.mkdirSync(base);
    fs.writeFileSync(path.join(base, 'config.json'), JSON.stringify({ type: 'blip2idc-mini', version: 1, model: model.config, provenance: {} }));
    const adapterFile = path.join(dir, 'adapter.safetensors');
    fs.writeFileSync(adapterFile, encodeSafetensors(await model.params.read('adapter'), { rank: '2', modules: 'vit,llm' }));
    const config = await exportAdapterToPeft(adapterFile, base, path.join(dir, 'peft'));
    assert.deepEqual([config.r, config.lora_alpha, config.base_model_name_or_path, config.target_modules.length], [2, 4, base, 2 + 6]);
    const fresh = tinyModel().model;
    await loadPeftAdapter(path.join(dir, 'peft'), fresh);
    assert.deepEqual(await logits(fresh, tokenizer), await logits(model, tokenizer));
    fs.writeFileSync(adapterFile, encodeSafetensors(await model.params.read('adapter'), { modules: 'vit,llm' }));
    await assert.rejects(exportAdapterToPeft(adapterFile, base, path.join(dir, 'peft2')), {
      message: `${adapterFile}: __metadata__.rank: expected the adapter's rank, found undefined`,
    });
    model.dispose();
    fresh.dispose();
  });
});
