/**
 * idc.model.load, as a cell or a script calls it: a Hugging Face BLIP-2 folder and PEFT's
 * adapter give PEFT's logits on the reference inputs; bad options and folders are named.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as idc from '../../../../kernels/idc/index';
import { readSafetensors } from '../../../../kernels/platform/safetensors';
import { maxDifference, referenceInputs, TINY } from './reference';

describe('idc.model.load', () => {
  it("opens a transformers folder with PEFT's adapter and gives PEFT's logits and generated ids", async () => {
    const ref = (await readSafetensors(path.join(TINY, 'reference.safetensors'))).tensors;
    const loraRef = (await readSafetensors(path.join(TINY, 'lora_reference.safetensors'))).tensors;
    const model = await idc.model.load(TINY, { adapter: path.join(TINY, 'lora'), backend: 'cpu' });
    const inputs = referenceInputs(ref);
    const out = model.forward(inputs);
    const expected = loraRef.get('lora.logits') as { data: Float32Array };
    assert.ok(maxDifference((await (out.get('logits') as tf.Tensor).data()) as Float32Array, expected.data) < 1e-4);
    // model.generate as transformers' generate: PEFT's ids for BOS prompts
    const ids = loraRef.get('lora.generate_bos') as { shape: number[]; data: Float32Array };
    const [b, n] = ids.shape as [number, number];
    assert.deepEqual(
      model.generate({ pixelValues: inputs.pixelValues, maxNewTokens: n - 1 }).sequences,
      Array.from({ length: b }, (_, i) => Array.from(ids.data.subarray(i * n, (i + 1) * n))),
    );
    tf.dispose([inputs.pixelValues, ...out.values()]);
    model.dispose();
    await assert.rejects(idc.model.load(TINY, { adapters: 'x' } as never), /idc\.model\.load: unknown option "adapters"; did you mean "adapter"\?/);
    await assert.rejects(idc.model.load(path.join(TINY, 'lora')), /config\.json/);
  });
});
