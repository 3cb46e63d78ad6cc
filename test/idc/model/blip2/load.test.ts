/**
 * idc.model.load, as a cell or a script calls it: a Hugging Face BLIP-2 folder and PEFT's
 * adapter give PEFT's logits on the reference inputs; bad options and folders are named.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import * as idc from '../../../../kernels/idc/index';
import { readSafetensors } from '../../../../kernels/platform/safetensors';
import { maxDifference, referenceInputs, TINY } from './reference';

describe('idc.model.load', () => {
  it("opens a transformers folder with PEFT's adapter and gives PEFT's logits", async () => {
    const ref = (await readSafetensors(path.join(TINY, 'reference.safetensors'))).tensors;
    const loraRef = (await readSafetensors(path.join(TINY, 'lora_reference.safetensors'))).tensors;
    const model = await idc.model.load(TINY, { adapter: path.join(TINY, 'lora'), backend: 'cpu' });
    const out = model.forward(referenceInputs(ref));
    const expected = loraRef.get('lora.logits') as { data: Float32Array };
    assert.ok(maxDifference((await (out.get('logits') as tf.Tensor).data()) as Float32Array, expected.data) < 1e-4);
    model.dispose();
    await assert.rejects(idc.model.load(TINY, { adapters: 'x' } as never), /idc\.model\.load: unknown option "adapters"; did you mean "adapter"\?/);
    await assert.rejects(idc.model.load(path.join(TINY, 'lora')), /config\.json/);
  });
});
