/**
 * One LoRA training step as BLIP2IDC takes it, against PEFT v0.10 on the tiny reference: the
 * loss (labels = input ids, padding included, no attention mask), the gradient of every lora_A
 * and lora_B, and every adapter tensor after one AdamW step (lr 1e-3, weight decay 0.01), with
 * the reference's tolerances (gradients 1e-3 relative + 1e-6, tensors after the step 1e-4).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend, type BackendName } from '../../../../kernels/idc/backends/backend';
import { captionLoss } from '../../../../kernels/idc/model/blip2/loss';
import { Blip2Model } from '../../../../kernels/idc/model/blip2/model';
import { AdamW } from '../../../../kernels/idc/train/adamw';
import { readSafetensors, type TensorMap } from '../../../../kernels/platform/safetensors';
import { referenceInputs, TINY } from './reference';

/** Our adapter name (`<module>.lora_A`, [in, r]) for PEFT's key (`base_model.model.<module>.lora_A.weight`, [r, in]). */
const ours = (key: string) => key.replace(/^(?:grad|after_step)\.base_model\.model\./, '').replace(/\.weight$/, '');

function transposedValues(t: tf.Tensor): Float32Array {
  return tf.tidy(() => tf.transpose(t).dataSync() as Float32Array);
}

describe('BLIP-2 LoRA training step against PEFT', () => {
  let ref: TensorMap;
  let loraRef: TensorMap;
  const json = JSON.parse(fs.readFileSync(path.join(TINY, 'reference.json'), 'utf8')) as {
    lora: { train_step: { loss: number; loss_after_step: number; loss_after_step_with_attention_mask: number } };
  };
  before(async () => {
    ref = (await readSafetensors(path.join(TINY, 'reference.safetensors'))).tensors;
    loraRef = (await readSafetensors(path.join(TINY, 'lora_reference.safetensors'))).tensors;
  });

  for (const backend of ['cpu', 'wasm'] as BackendName[]) {
    it(`reproduces the loss, every gradient and every tensor after one AdamW step on ${backend}`, async () => {
      await useBackend(backend);
      const model = await Blip2Model.load(TINY, { adapter: path.join(TINY, 'lora') });
      const { pixelValues, inputIds, attentionMask } = referenceInputs(ref);
      const loss = (masked = false) => {
        const out = model.forward({ pixelValues, inputIds, ...(masked ? { attentionMask } : {}) });
        const value = captionLoss(out.get('logits') as tf.Tensor3D, inputIds);
        for (const t of out.values()) t.dispose();
        return value;
      };
      const variables = model.params.adapters;
      const byVariable = new Map([...variables].map(([name, v]) => [v.name, name]));
      const { value, grads } = tf.variableGrads(() => loss(), [...variables.values()]);
      assert.ok(Math.abs((value.dataSync()[0] as number) - json.lora.train_step.loss) < 1e-4, `loss ${value.dataSync()[0]}, PEFT ${json.lora.train_step.loss}`);
      const named: Record<string, tf.Tensor> = {};
      for (const [id, g] of Object.entries(grads)) named[byVariable.get(id) as string] = g;
      let checked = 0;
      for (const [key, expected] of loraRef) {
        if (!key.startsWith('grad.')) continue;
        const g = named[ours(key)];
        assert.ok(g, `no gradient for ${ours(key)}`);
        const got = transposedValues(g);
        got.forEach((v, i) => {
          const e = expected.data[i] as number;
          assert.ok(Math.abs(v - e) <= 1e-3 * Math.abs(e) + 1e-6, `${key}[${i}]: ${v}, PEFT ${e}`);
        });
        checked++;
      }
      assert.equal(checked, 30);

      const optimizer = new AdamW({ learningRate: 1e-3, weightDecay: 0.01 });
      optimizer.apply(variables, named);
      for (const [key, expected] of loraRef) {
        if (!key.startsWith('after_step.')) continue;
        const got = transposedValues(variables.get(ours(key)) as tf.Variable);
        got.forEach((v, i) => assert.ok(Math.abs(v - (expected.data[i] as number)) < 1e-4, `${key}[${i}]: ${v}, PEFT ${expected.data[i]}`));
      }
      const after = loss();
      assert.ok(
        Math.abs((after.dataSync()[0] as number) - json.lora.train_step.loss_after_step) < 1e-4,
        `loss after the step ${after.dataSync()[0]}, PEFT ${json.lora.train_step.loss_after_step}`,
      );
      // the same loss with the attention mask given to the model (padded keys masked), as transformers computed it
      const masked = loss(true);
      assert.ok(Math.abs((masked.dataSync()[0] as number) - json.lora.train_step.loss_after_step_with_attention_mask) < 1e-4);
      tf.dispose([value, after, masked, ...Object.values(grads), pixelValues]);
      optimizer.dispose();
      model.dispose();
    });
  }
});
