/**
 * Saving in transformers' and PEFT's layouts: a model loaded from the reference folder and saved
 * again gives back its files' tensors exactly (names, shapes, values), its config and generation
 * config, and an adapter saved here has PEFT's keys, shapes, values and adapter_config.json fields.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../../kernels/idc/backends/backend';
import { Blip2Model } from '../../../../kernels/idc/model/blip2/model';
import { readSafetensors } from '../../../../kernels/platform/safetensors';
import { referenceInputs, TINY } from './reference';

const json = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;

async function sameTensors(a: string, b: string): Promise<void> {
  const [x, y] = [await readSafetensors(a), await readSafetensors(b)];
  assert.deepEqual([...x.tensors.keys()].sort(), [...y.tensors.keys()].sort());
  for (const [name, t] of x.tensors) {
    const u = y.tensors.get(name)!;
    assert.deepEqual(t.shape, u.shape, name);
    assert.deepEqual(t.data, u.data, name);
  }
  assert.deepEqual(x.metadata, { format: 'pt' });
}

describe('BLIP-2 folders and PEFT adapters written back', () => {
  let dir: string;
  before(async () => {
    await useBackend('wasm');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idc-blip2-save-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes config.json, generation_config.json and model.safetensors as transformers saved them', async () => {
    const model = await Blip2Model.load(TINY);
    await model.save(path.join(dir, 'model'));
    model.dispose();
    assert.deepEqual(json(path.join(dir, 'model', 'config.json')), json(path.join(TINY, 'config.json')));
    assert.deepEqual(json(path.join(dir, 'model', 'generation_config.json')), json(path.join(TINY, 'generation_config.json')));
    await sameTensors(path.join(dir, 'model', 'model.safetensors'), path.join(TINY, 'model.safetensors'));
  });

  it("writes an adapter with PEFT's keys, shapes, values and config fields, which loads back to PEFT's logits", async () => {
    const model = await Blip2Model.load(TINY, { adapter: path.join(TINY, 'lora') });
    await model.saveLora(path.join(dir, 'lora'), { baseModel: 'blip2-ref/tiny' });
    await sameTensors(path.join(dir, 'lora', 'adapter_model.safetensors'), path.join(TINY, 'lora', 'adapter_model.safetensors'));
    assert.deepEqual(json(path.join(dir, 'lora', 'adapter_config.json')), json(path.join(TINY, 'lora', 'adapter_config.json')));
    const ref = (await readSafetensors(path.join(TINY, 'reference.safetensors'))).tensors;
    const inputs = referenceInputs(ref);
    const before = model.forward(inputs);
    model.dispose();
    const again = await Blip2Model.load(path.join(dir, 'model'), { adapter: path.join(dir, 'lora') });
    const after = again.forward(inputs);
    assert.deepEqual((after.get('logits') as tf.Tensor).dataSync(), (before.get('logits') as tf.Tensor).dataSync());
    for (const t of [...before.values(), ...after.values(), inputs.pixelValues]) t.dispose();
    again.dispose();
  });
});
