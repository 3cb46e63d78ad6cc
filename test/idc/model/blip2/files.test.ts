/**
 * Reading transformers BLIP-2 folders: one file or shards, float32 or float16, the ViT biases in
 * either of transformers' layouts; and every way a folder can be wrong refused with the file,
 * the tensor (or field) and what was expected.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { f16round, setFloat16 } from '@petamoriken/float16';
import type * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../../kernels/idc/backends/backend';
import { readBlip2Folder } from '../../../../kernels/idc/model/blip2/files';
import { Blip2Model } from '../../../../kernels/idc/model/blip2/model';
import { encodeSafetensors, readSafetensors, type TensorMap } from '../../../../kernels/platform/safetensors';
import { maxDifference, referenceInputs, TINY } from './reference';

/** A copy of the tiny folder with `edit` applied to its config and tensors. */
async function variant(edit: { config?: (c: Record<string, unknown>) => void; tensors?: (t: TensorMap) => void } = {}): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idc-blip2-'));
  const config = JSON.parse(fs.readFileSync(path.join(TINY, 'config.json'), 'utf8')) as Record<string, unknown>;
  edit.config?.(config);
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  const { tensors } = await readSafetensors(path.join(TINY, 'model.safetensors'));
  edit.tensors?.(tensors);
  fs.writeFileSync(path.join(dir, 'model.safetensors'), encodeSafetensors(tensors));
  return dir;
}

/** The tiny model's logits on the reference inputs, for a folder. */
async function logitsOf(folder: string): Promise<Float32Array> {
  const ref = (await readSafetensors(path.join(TINY, 'reference.safetensors'))).tensors;
  const model = await Blip2Model.load(folder);
  const inputs = referenceInputs(ref);
  const out = model.forward(inputs);
  const logits = (out.get('logits') as tf.Tensor).dataSync() as Float32Array;
  for (const t of out.values()) t.dispose();
  inputs.pixelValues.dispose();
  model.dispose();
  return logits;
}

describe('BLIP-2 folders', () => {
  const made: string[] = [];
  const folder = async (edit?: Parameters<typeof variant>[0]) => {
    const dir = await variant(edit);
    made.push(dir);
    return dir;
  };
  before(async () => {
    await useBackend('wasm');
  });
  after(() => {
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads sharded weights through model.safetensors.index.json, the same as one file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idc-blip2-shards-'));
    made.push(dir);
    fs.copyFileSync(path.join(TINY, 'config.json'), path.join(dir, 'config.json'));
    const { tensors } = await readSafetensors(path.join(TINY, 'model.safetensors'));
    const names = [...tensors.keys()];
    const shards = [names.filter((n) => !n.startsWith('language_model')), names.filter((n) => n.startsWith('language_model'))];
    const weightMap: Record<string, string> = {};
    shards.forEach((part, i) => {
      const file = `model-0000${i + 1}-of-00002.safetensors`;
      fs.writeFileSync(path.join(dir, file), encodeSafetensors(new Map(part.map((n) => [n, tensors.get(n)!]))));
      for (const n of part) weightMap[n] = file;
    });
    fs.writeFileSync(path.join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
    assert.deepEqual(await logitsOf(dir), await logitsOf(TINY));
  });

  it('reads float16 weights into float32, computing what the float32 model of the same values computes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idc-blip2-f16-'));
    made.push(dir);
    fs.copyFileSync(path.join(TINY, 'config.json'), path.join(dir, 'config.json'));
    const { tensors } = await readSafetensors(path.join(TINY, 'model.safetensors'));
    // the same tensors written as F16 by hand (safetensors' layout), and their values rounded to float16 in float32
    const names = [...tensors.keys()].sort();
    const header: Record<string, unknown> = {};
    let offset = 0;
    for (const n of names) {
      const t = tensors.get(n)!;
      header[n] = { dtype: 'F16', shape: t.shape, data_offsets: [offset, offset + 2 * t.data.length] };
      offset += 2 * t.data.length;
    }
    const json = Buffer.from(JSON.stringify(header));
    const bytes = new Uint8Array(8 + json.length + offset);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(0, BigInt(json.length), true);
    bytes.set(json, 8);
    let at = 8 + json.length;
    for (const n of names) {
      const t = tensors.get(n)!;
      for (let i = 0; i < t.data.length; i++, at += 2) setFloat16(view, at, t.data[i] as number, true);
      t.data = Float32Array.from(t.data, (v) => f16round(v));
    }
    fs.writeFileSync(path.join(dir, 'model.safetensors'), bytes);
    const rounded = await folder({ tensors: (t) => t.forEach((v, k) => t.set(k, tensors.get(k) ?? v)) });
    assert.deepEqual(await logitsOf(dir), await logitsOf(rounded));
  });

  it('reads the ViT biases saved apart (q_bias, v_bias) by transformers before 4.35', async () => {
    const dir = await folder({
      tensors: (t) => {
        for (const i of [0, 1]) {
          const p = `vision_model.encoder.layers.${i}.self_attn`;
          const bias = t.get(`${p}.qkv.bias`)!.data;
          t.delete(`${p}.qkv.bias`);
          t.set(`${p}.q_bias`, { shape: [32], data: bias.slice(0, 32) });
          t.set(`${p}.v_bias`, { shape: [32], data: bias.slice(64) });
        }
      },
    });
    // the k part of the joined bias is 0 where the tiny model's is random: a key bias shifts every
    // score of a query alike, so softmax is the same but for rounding
    assert.ok(maxDifference(await logitsOf(dir), await logitsOf(TINY)) < 1e-4);
  });

  it('refuses BLIP-2 with Flan-T5, and a folder that is not BLIP-2, by name', async () => {
    const t5 = await folder({ config: (c) => ((c.text_config as Record<string, unknown>).model_type = 't5') });
    await assert.rejects(readBlip2Folder(t5), {
      name: 'JsonFileError',
      message: `${path.join(t5, 'config.json')}: text_config.model_type: expected "opt": BLIP-2 with a t5 language model (the Flan-T5 variants) is not supported, only BLIP-2 OPT, found "t5"`,
    });
    const other = await folder({ config: (c) => (c.model_type = 'llava') });
    await assert.rejects(readBlip2Folder(other), {
      message: `${path.join(other, 'config.json')}: model_type: expected "blip-2" (a Blip2ForConditionalGeneration folder), found "llava"`,
    });
    const postLn = await folder({ config: (c) => ((c.text_config as Record<string, unknown>).do_layer_norm_before = false) });
    await assert.rejects(readBlip2Folder(postLn), {
      message: `${path.join(postLn, 'config.json')}: text_config.do_layer_norm_before: expected true (pre-LN OPT, as every BLIP-2 checkpoint; OPT-350m is post-LN), found false`,
    });
  });

  it('refuses a missing, a mis-shaped and a foreign tensor, naming the file, the tensor and the shape expected', async () => {
    const missing = await folder({ tensors: (t) => t.delete('qformer.encoder.layer.0.crossattention.attention.key.weight') });
    await assert.rejects(readBlip2Folder(missing), {
      name: 'Blip2FolderError',
      message: `${missing}: qformer.encoder.layer.0.crossattention.attention.key.weight: expected a tensor of shape [32, 32] (model.safetensors or its shards), found none`,
    });
    const misShaped = await folder({
      tensors: (t) => t.set('language_projection.weight', { shape: [16, 64], data: t.get('language_projection.weight')!.data }),
    });
    await assert.rejects(readBlip2Folder(misShaped), {
      message: `${path.join(misShaped, 'model.safetensors')}: language_projection.weight: expected shape [32, 32], found [16, 64]`,
    });
    const foreign = await folder({ tensors: (t) => t.set('qformer.encoder.layer.0.intermediate.dense.weight', { shape: [2], data: new Float32Array(2) }) });
    await assert.rejects(readBlip2Folder(foreign), {
      message: `${path.join(foreign, 'model.safetensors')}: qformer.encoder.layer.0.intermediate.dense.weight: not a tensor of Blip2ForConditionalGeneration (OPT) with this config.json`,
    });
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'idc-blip2-empty-'));
    made.push(empty);
    fs.copyFileSync(path.join(TINY, 'config.json'), path.join(empty, 'config.json'));
    await assert.rejects(readBlip2Folder(empty), {
      message: `${empty}: expected model.safetensors or model.safetensors.index.json (a transformers BLIP-2 folder), found neither`,
    });
  });

  it('refuses a shard named outside the folder', async () => {
    const dir = await folder();
    fs.writeFileSync(path.join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { query_tokens: '../model.safetensors' } }));
    await assert.rejects(readBlip2Folder(dir), {
      message: `${path.join(dir, 'model.safetensors.index.json')}: weight_map["query_tokens"]: expected a file name in ${dir}, found "../model.safetensors"`,
    });
  });
});
