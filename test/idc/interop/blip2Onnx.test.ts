/**
 * BLIP-2 (OPT) as ONNX graphs run by onnxruntime, against transformers on the tiny reference:
 * the logits over the prefix and the text (with and without the mask), the greedy ids of both
 * reference calls through the key/value cache, and with PEFT's adapter merged, PEFT's logits
 * and ids.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useBackend } from '../../../kernels/idc/backends/backend';
import { Blip2OnnxRunner, blip2OnnxGraphs } from '../../../kernels/idc/interop/onnx/blip2Onnx';
import { Blip2Model } from '../../../kernels/idc/model/blip2/model';
import { readSafetensors, type TensorMap } from '../../../kernels/platform/safetensors';
import { maxDifference, referenceInputs, TINY } from '../model/blip2/reference';

describe('BLIP-2 (OPT) through ONNX Runtime against transformers', () => {
  let ref: TensorMap;
  let loraRef: TensorMap;
  const json = JSON.parse(fs.readFileSync(path.join(TINY, 'reference.json'), 'utf8')) as {
    generate: { bos_only: { sequences: number[][] }; prompt3: { sequences: number[][] } };
  };
  before(async () => {
    await useBackend('wasm');
    ref = (await readSafetensors(path.join(TINY, 'reference.safetensors'))).tensors;
    loraRef = (await readSafetensors(path.join(TINY, 'lora_reference.safetensors'))).tensors;
  });

  it("gives transformers' logits and greedy ids", async () => {
    const model = await Blip2Model.load(TINY);
    const runner = await Blip2OnnxRunner.create(await blip2OnnxGraphs(model));
    model.dispose();
    const { pixelValues, inputIds, attentionMask } = referenceInputs(ref);
    const pixels = pixelValues.dataSync() as Float32Array;
    pixelValues.dispose();
    const prefix = await runner.prefix(pixels, 2);
    const masked = await runner.logits(prefix, inputIds, attentionMask);
    const d1 = maxDifference(masked.logits.data as Float32Array, ref.get('logits')!.data);
    assert.ok(d1 < 1e-4, `logits: ${d1}`);
    const plain = await runner.logits(prefix, inputIds);
    const d2 = maxDifference(plain.logits.data as Float32Array, ref.get('logits_no_mask')!.data);
    assert.ok(d2 < 1e-4, `logits_no_mask: ${d2}`);
    assert.deepEqual(await runner.generate(pixels, 2, { maxNewTokens: 8 }), json.generate.bos_only.sequences);
    const prompt = { maxNewTokens: 8, inputIds: inputIds.map((r) => r.slice(0, 3)), attentionMask: attentionMask.map((r) => r.slice(0, 3)) };
    assert.deepEqual(await runner.generate(pixels, 2, prompt), json.generate.prompt3.sequences);
    await runner.release();
  });

  it("gives PEFT's logits and ids with the adapter merged into the weights", async () => {
    const model = await Blip2Model.load(TINY, { adapter: path.join(TINY, 'lora') });
    const runner = await Blip2OnnxRunner.create(await blip2OnnxGraphs(model));
    model.dispose();
    const { pixelValues, inputIds, attentionMask } = referenceInputs(ref);
    const pixels = pixelValues.dataSync() as Float32Array;
    pixelValues.dispose();
    const { logits } = await runner.logits(await runner.prefix(pixels, 2), inputIds, attentionMask);
    const d = maxDifference(logits.data as Float32Array, loraRef.get('lora.logits')!.data);
    assert.ok(d < 1e-4, `lora.logits: ${d}`);
    const expected = loraRef.get('lora.generate_bos')!;
    const [b, n] = expected.shape as [number, number];
    const rows = Array.from({ length: b }, (_, i) => Array.from(expected.data.subarray(i * n, (i + 1) * n)));
    assert.deepEqual(await runner.generate(pixels, 2, { maxNewTokens: n - 1 }), rows);
    await runner.release();
  });
});
