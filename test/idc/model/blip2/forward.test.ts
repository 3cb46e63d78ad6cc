/**
 * The BLIP-2 (OPT) forward pass against transformers v4.40 on the tiny reference checkpoint
 * (fixtures/hf-blip2-tiny, from ../shared/hf-blip2): every tensor transformers returned, with
 * the reference's tolerances (activations and logits 1e-4 absolute, attention maps 1e-5).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { useBackend, type BackendName } from '../../../../kernels/idc/backends/backend';
import { Blip2Model } from '../../../../kernels/idc/model/blip2/model';
import { readSafetensors, type TensorMap } from '../../../../kernels/platform/safetensors';
import { maxDifference, referenceInputs, TINY } from './reference';

describe('BLIP-2 (OPT) forward pass against transformers', () => {
  let ref: TensorMap;
  before(async () => {
    ref = (await readSafetensors(path.join(TINY, 'reference.safetensors'))).tensors;
  });

  for (const backend of ['cpu', 'wasm'] as BackendName[]) {
    it(`reproduces every tensor transformers returned (logits, ViT, Q-Former, projection, OPT, all attention maps) on ${backend}`, async () => {
      await useBackend(backend);
      const model = await Blip2Model.load(TINY);
      const inputs = referenceInputs(ref);
      const out = model.forward(inputs, { outputAttentions: true, outputHiddenStates: true });
      const checked: string[] = [];
      for (const [name, expected] of ref) {
        if (name.startsWith('inputs.') || name === 'logits_no_mask') continue;
        const got = out.get(name);
        assert.ok(got, `the forward pass gave no ${name}`);
        assert.deepEqual(got.shape, expected.shape, `${name}: shape`);
        const tolerance = name.includes('attentions') ? 1e-5 : 1e-4;
        const diff = maxDifference(got.dataSync(), expected.data);
        assert.ok(diff < tolerance, `${name}: max |difference| ${diff.toExponential(2)} over the tolerance ${tolerance}`);
        checked.push(name);
      }
      assert.equal(checked.length, 21);
      for (const t of out.values()) t.dispose();

      // without the mask, every text position is attended to
      const plain = model.forward({ pixelValues: inputs.pixelValues, inputIds: inputs.inputIds });
      const diff = maxDifference((plain.get('logits') as tf.Tensor).dataSync(), (ref.get('logits_no_mask') as { data: Float32Array }).data);
      assert.ok(diff < 1e-4, `logits_no_mask: ${diff}`);
      for (const t of plain.values()) t.dispose();
      inputs.pixelValues.dispose();
      model.dispose();
    });
  }
});
