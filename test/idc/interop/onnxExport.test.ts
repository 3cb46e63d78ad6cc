/**
 * The ONNX folder of a BLIP-2 base with a PEFT adapter merged in, exported from files alone (as
 * the kernel does it), run by ONNX Runtime: the logits and greedy ids of TensorFlow.js's model
 * with the adapter attached; captions of a test split through either engine alike; the folder's
 * files checked by name.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../kernels/idc/backends/backend';
import { generateSynthetic } from '../../../kernels/idc/data/synthetic/generate';
import * as interop from '../../../kernels/idc/interop/index';
import { Blip2OnnxRunner } from '../../../kernels/idc/interop/onnx/blip2Onnx';
import { ONNX_FILES } from '../../../kernels/idc/interop/onnx/onnxInterface';
import { loadBlip2Base } from '../../../kernels/idc/model/blip2/baseFolder';
import { generate } from '../../../kernels/idc/model/blip2/generate';
import { captionSamples } from '../../../kernels/idc/runs/evaluateRun';
import { tempFolder } from '../data/pngFixtures';
import { maxDifference } from '../model/blip2/reference';
import { saveTinyAdapter, saveTinyBlip2Base } from '../model/blip2/tinyBase';

describe('ONNX export of a BLIP-2 base and its adapter', () => {
  let dir: string;
  const synthetic = { pairs: 12, size: 32, seed: 4 };
  before(async () => {
    await useBackend('cpu');
    dir = tempFolder('onnx');
    await saveTinyBlip2Base(path.join(dir, 'base'), synthetic);
    await saveTinyAdapter(path.join(dir, 'base'), path.join(dir, 'adapter'), ['vit', 'qformer', 'llm']);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("exports from files with the adapter merged, and ONNX Runtime gives TensorFlow.js's logits (1e-4) and greedy ids", async () => {
    const out = path.join(dir, 'onnx');
    const { files, manifest } = await interop.exportOnnx({ base: path.join(dir, 'base'), adapter: path.join(dir, 'adapter'), out });
    assert.deepEqual(
      files.map((f) => path.basename(f)),
      [
        'config.json',
        'generation_config.json',
        'tokenizer.json',
        'tokenizer_config.json',
        'vision_encoder.onnx',
        'decoder_model.onnx',
        'decoder_with_past_model.onnx',
        'idc_onnx.json',
      ],
    );
    assert.deepEqual(manifest.adapter?.r, 2);
    const { model } = await loadBlip2Base(path.join(dir, 'base'), { adapter: path.join(dir, 'adapter') });
    const s = model.config.vision.imageSize;
    const pixels = tf.randomNormal([3, 3, s, s], 0, 1, 'float32', 11) as tf.Tensor4D;
    const ids = [
      [2, 5, 6, 7],
      [2, 8, 9, 10],
      [2, 4, 4, 4],
    ];
    const expected = model.forward({ pixelValues: pixels, inputIds: ids });
    const runner = await Blip2OnnxRunner.fromDirectory(out);
    const values = (await pixels.data()) as Float32Array;
    const { logits } = await runner.logits(await runner.prefix(values, 3), ids);
    const difference = maxDifference((await (expected.get('logits') as tf.Tensor).data()) as Float32Array, logits.data as Float32Array);
    assert.ok(difference < 1e-4, `largest logit difference ${difference}`);
    assert.deepEqual(await runner.generate(values, 3, { maxNewTokens: 8 }), generate(model, { pixelValues: pixels }, { maxNewTokens: 8 }).sequences);
    // EOS allowed from the first new token (how captions are scored) in both alike
    const early = generate(model, { pixelValues: pixels }, { maxNewTokens: 8, minNewTokens: 0 }).sequences;
    assert.deepEqual(await runner.generate(values, 3, { maxNewTokens: 8, minNewTokens: 0 }), early);
    assert.throws(() => generate(model, { pixelValues: pixels }, { maxNewTokens: 8, minNewTokens: -1 }), {
      message: 'generate: minNewTokens: expected a whole number >= 0, found -1',
    });
    await runner.release();
    tf.dispose([pixels, ...expected.values()]);
    model.dispose();
  });

  it('captions a test split through ONNX Runtime with the captions of TensorFlow.js, in a worker or from the exported folder', async () => {
    const { model, tokenizer } = await loadBlip2Base(path.join(dir, 'base'), { adapter: path.join(dir, 'adapter') });
    const samples = generateSynthetic({ ...synthetic, fractions: { train: 0.5, validation: 0.2, test: 0.3 } }).samples;
    const viaOrt = await captionSamples(model, tokenizer, samples, { batchSize: 5 });
    const viaTfjs = await captionSamples(model, tokenizer, samples, { engine: 'tfjs', batchSize: 5 });
    assert.deepEqual([viaOrt.engine, viaTfjs.engine, viaOrt.captions.size], ['onnxruntime', 'tfjs', 12]);
    assert.deepEqual([...viaOrt.captions], [...viaTfjs.captions]);
    model.dispose();

    const out = path.join(dir, 'onnx-captions');
    await interop.exportOnnx({ base: path.join(dir, 'base'), adapter: path.join(dir, 'adapter'), out });
    const resultsFile = path.join(dir, 'results.json');
    const test = samples.filter((x) => x.split === 'test');
    const fromFolder = await interop.onnxCaptions(out, { samples }, { out: resultsFile });
    assert.deepEqual(fromFolder, Object.fromEntries(test.map((x) => [x.id, viaTfjs.captions.get(x.id)])));
    assert.deepEqual(interop.parsePredictions(fs.readFileSync(resultsFile, 'utf8'), resultsFile), new Map(Object.entries(fromFolder)));
    await assert.rejects(interop.onnxCaptions(out, { samples }, { split: 'dev' }), /split: expected a split with pairs, found none in "dev"/);
  });

  it('refuses a folder of the earlier interface, a missing graph and a bad adapter record, naming the file', async () => {
    const out = path.join(dir, 'onnx-bad');
    await interop.exportOnnx({ base: path.join(dir, 'base'), out });
    const manifestFile = path.join(out, ONNX_FILES.manifest);
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    assert.deepEqual(manifest, { format: 'idc-lab-onnx', version: 2 });
    fs.writeFileSync(manifestFile, JSON.stringify({ ...manifest, version: 1 }));
    await assert.rejects(Blip2OnnxRunner.fromDirectory(out), {
      message: `${manifestFile}: version: expected 2 (BLIP-2 graphs; version 1 was IDC Lab's earlier model, export again), found 1`,
    });
    fs.writeFileSync(manifestFile, JSON.stringify({ ...manifest, adapter: { r: 2, lora_alpha: 4, target_modules: 3 } }));
    await assert.rejects(Blip2OnnxRunner.fromDirectory(out), {
      message: `${manifestFile}: adapter.target_modules: expected a pattern or a list of module names, found 3`,
    });
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    fs.rmSync(path.join(out, ONNX_FILES.decoderWithPast));
    await assert.rejects(Blip2OnnxRunner.fromDirectory(out), { message: `${path.join(out, ONNX_FILES.decoderWithPast)}: cannot read the graph: ENOENT` });
  });
});
