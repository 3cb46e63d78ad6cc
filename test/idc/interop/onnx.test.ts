import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../kernels/idc/backends/backend';
import { beamDecode, greedyDecode } from '../../../kernels/idc/model/decoding';
import { GraphBuilder } from '../../../kernels/idc/interop/onnx/graphBuilder';
import { exportOnnx, graphsFromWeights, onnxGraphs, onnxManifest, type OnnxGraphs } from '../../../kernels/idc/interop/onnx/exportOnnx';
import { inferenceWeights } from '../../../kernels/idc/model/inferenceWeights';
import { OnnxCaptioner } from '../../../kernels/idc/interop/onnx/onnxCaptioner';
import { ONNX_FILES, validateManifest } from '../../../kernels/idc/interop/onnx/onnxInterface';
import { captionSamples } from '../../../kernels/idc/runs/evaluateRun';
import { generateSynthetic } from '../../../kernels/idc/data/synthetic/generate';
import { saveModel } from '../../../kernels/idc/model/baseModel';
import { savePeftAdapter } from '../../../kernels/idc/interop/peftAdapter';
import { encodeSafetensors } from '../../../kernels/platform/safetensors';
import * as interop from '../../../kernels/idc/interop/index';
import { tinyBatch, tinyModel, randomiseAdapter } from '../model/tinyModel';

/** A tiny model with an adapter whose B is not zero, so the merged weights differ from the base. */
function adapted() {
  const { model, tokenizer } = tinyModel();
  model.attachLora({ rank: 2, modules: ['vit', 'qformer', 'llm'] }, 5);
  randomiseAdapter(model, 0.3, 7);
  return { model, tokenizer };
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs((a[i] as number) - (b[i] as number)));
  return d;
}

describe('ONNX export and ONNX Runtime generation', () => {
  let dir: string;
  beforeEach(async () => {
    await useBackend('cpu');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idc-onnx-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('gives the logits of TensorFlow.js within 1e-4, the adapter merged in, and the same greedy and beam-search ids', async () => {
    const { model, tokenizer } = adapted();
    const batch = tinyBatch(model, tokenizer, 4);
    const expected = tf.tidy(() => model.decode(model.encode(batch.patches), batch.inputs));
    const patches = (await batch.patches.data()) as Float32Array;
    const captioner = await OnnxCaptioner.create(await onnxGraphs(model, tokenizer));
    const got = await captioner.logits(patches, 4, (await batch.inputs.array()) as number[][]);
    const difference = maxDifference((await expected.data()) as Float32Array, got);
    assert.ok(difference < 1e-4, `largest logit difference ${difference}`);
    assert.ok(difference > 0 || got.some((v) => v !== 0), 'logits are not all zero');
    assert.deepEqual(await captioner.greedy(patches, 4), greedyDecode(model, batch.patches));
    assert.deepEqual(await captioner.beam(patches, 4, 3), beamDecode(model, batch.patches, 3));
    // a shorter budget stops every row at it
    assert.ok((await captioner.greedy(patches, 4, 3)).every((ids) => ids.length === 3));
    await captioner.release();
    tf.dispose([expected, batch.patches, batch.inputs, batch.targets, batch.mask]);
    model.dispose();
  });

  it('decodes with the key/value cache to the same logits as the full decoder at every step', async () => {
    const { model, tokenizer } = adapted();
    const batch = tinyBatch(model, tokenizer, 3);
    const patches = (await batch.patches.data()) as Float32Array;
    const captioner = await OnnxCaptioner.create(await onnxGraphs(model, tokenizer));
    const ids = (await batch.inputs.array()) as number[][];
    const full = await captioner.logits(patches, 3, ids);
    const cached = await captioner.cachedLogits(patches, 3, ids);
    const difference = maxDifference(full, cached);
    assert.ok(difference < 1e-5, `largest difference ${difference} over ${ids[0]?.length} steps`);
    // a step fed the wrong position would not match: shifting the tokens by one changes the logits
    const shifted = await captioner.cachedLogits(
      patches,
      3,
      ids.map((r) => [1, ...r.slice(0, -1)]),
    );
    assert.ok(maxDifference(full, shifted) > 1e-3);
    await assert.rejects(
      captioner.greedy(patches, 3, model.config.decoder.maxTokens + 1),
      /maxTokens: expected a whole number from 1 to 8 \(the decoder's positions\), found 9/,
    );
    await assert.rejects(captioner.logits(patches, 3, [[1, 2], [1]]), /ids: expected 3 rows of one length, found 2 rows of lengths 2, 1/);
    await captioner.release();
    tf.dispose([batch.patches, batch.inputs, batch.targets, batch.mask]);
    model.dispose();
  });

  it('writes the graphs and idc_onnx.json to a folder, and a folder under the documented names runs as exported', async () => {
    const { model, tokenizer } = adapted();
    const files = await exportOnnx(model, dir, tokenizer);
    assert.deepEqual(
      files.map((f) => path.basename(f)),
      ['vision_encoder.onnx', 'decoder_model.onnx', 'decoder_with_past_model.onnx', 'idc_onnx.json'],
    );
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'idc_onnx.json'), 'utf8'));
    assert.deepEqual(manifest.decoder, { layers: 2, heads: 2, headDim: 8, hidden: 16, maxTokens: 8 });
    assert.deepEqual(manifest.special, { pad: 0, bos: 1, eos: 2, unk: 3 });
    assert.deepEqual(manifest.adapter, { rank: 2, alpha: 4, modules: ['vit', 'qformer', 'llm'] });
    assert.equal(manifest.vocabulary.length, model.config.vocabSize);
    const batch = tinyBatch(model, tokenizer, 3);
    const captioner = await OnnxCaptioner.fromDirectory(dir);
    assert.deepEqual(await captioner.greedy((await batch.patches.data()) as Float32Array, 3), greedyDecode(model, batch.patches));
    await captioner.release();
    tf.dispose([batch.patches, batch.inputs, batch.targets, batch.mask]);
    model.dispose();
  });

  it("exports from files alone (base folder and a run's adapter or a PEFT folder), as the kernel does, with the captions of the adapted model", async () => {
    const { model, tokenizer } = adapted();
    const base = path.join(dir, 'base');
    const plain = tinyModel();
    await saveModel(base, plain.model, plain.tokenizer, {});
    plain.model.dispose();
    const adapterFile = path.join(dir, 'adapter.safetensors');
    const s = model.loraSettings!;
    fs.writeFileSync(
      adapterFile,
      encodeSafetensors(await model.params.read('adapter'), {
        rank: String(s.rank),
        modules: s.modules.join(','),
        alpha: String(s.alpha),
        dropout: String(s.dropout),
      }),
    );
    await savePeftAdapter(path.join(dir, 'peft'), model);
    const batch = tinyBatch(model, tokenizer, 3);
    const expected = greedyDecode(model, batch.patches);
    for (const adapter of [adapterFile, path.join(dir, 'peft')]) {
      const out = path.join(dir, `onnx-${path.basename(adapter)}`);
      const { files, manifest } = await interop.exportOnnx({ base, adapter, out });
      assert.equal(files.length, 4);
      assert.deepEqual(manifest.adapter, { rank: 2, alpha: 4, modules: ['vit', 'qformer', 'llm'] });
      const captioner = await OnnxCaptioner.fromDirectory(out);
      assert.deepEqual(await captioner.greedy((await batch.patches.data()) as Float32Array, 3), expected, adapter);
      await captioner.release();
    }
    await assert.rejects(
      interop.exportOnnx({ base: dir, out: path.join(dir, 'x') }),
      new RegExp(`${path.join(dir, 'config.json').replaceAll('/', '\\/')}: cannot read the file \\(ENOENT\\)`),
    );
    tf.dispose([batch.patches, batch.inputs, batch.targets, batch.mask]);
    model.dispose();
  });

  it('refuses a graph without the interface names, a broken graph file and a bad manifest, naming the file and what was expected', async () => {
    const { model, tokenizer } = tinyModel();
    const graphs = await onnxGraphs(model, tokenizer);
    const weights = await inferenceWeights(model);
    weights.delete('vit.pos');
    assert.throws(() => graphsFromWeights(model.config, weights, onnxManifest(model.config), 'base/model.safetensors'), {
      message: 'base/model.safetensors: expected a weight named vit.pos (ONNX export), found none',
    });
    // a vision graph whose input is called `pixel_values`
    const g = new GraphBuilder('other');
    g.output(g.input('pixel_values', 'float32', ['batch', 8, 768]), 'prefix', 'float32', ['batch', 8, 768]);
    const renamed: OnnxGraphs = { ...graphs, vision: g.toBytes() };
    await assert.rejects(
      OnnxCaptioner.create(renamed, {}, 'exported'),
      /exported\/vision_encoder\.onnx: expected the inputs patches of the IDC Lab ONNX interface; the graph has inputs pixel_values/,
    );
    await assert.rejects(
      OnnxCaptioner.create({ ...graphs, decoder: graphs.decoder.subarray(0, 1000) }, {}, 'exported'),
      /exported\/decoder_model\.onnx: onnxruntime could not load the graph/,
    );

    await exportOnnx(model, dir, tokenizer);
    const manifestFile = path.join(dir, ONNX_FILES.manifest);
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    fs.writeFileSync(manifestFile, JSON.stringify({ ...manifest, decoder: { ...manifest.decoder, heads: 0 } }));
    await assert.rejects(OnnxCaptioner.fromDirectory(dir), (e: Error) => e.message === `${manifestFile}: decoder.heads: expected a positive integer, found 0`);
    assert.throws(() => validateManifest({ ...manifest, format: 'onnx' }, 'm.json'), /m\.json: format: expected "idc-lab-onnx", found "onnx"/);
    assert.throws(() => validateManifest({ ...manifest, vocabulary: ['<pad>'] }, 'm.json'), /m\.json: vocabulary: expected \d+ words \(vocabSize\), found 1/);
    assert.throws(
      () => validateManifest({ ...manifest, special: { ...manifest.special, eos: 999 } }, 'm.json'),
      /m\.json: special\.eos: expected an id below vocabSize \d+, found 999/,
    );
    assert.throws(
      () => validateManifest({ ...manifest, adapter: { rank: 2, alpha: 4, modules: 'vit' } }, 'm.json'),
      /m\.json: adapter\.modules: expected a list of module names, found "vit"/,
    );
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    fs.rmSync(path.join(dir, ONNX_FILES.decoderWithPast));
    await assert.rejects(
      OnnxCaptioner.fromDirectory(dir),
      new RegExp(`${path.join(dir, ONNX_FILES.decoderWithPast).replaceAll('/', '\\/')}: cannot read the graph: ENOENT`),
    );
    model.dispose();
  });

  it('builds graphs that refuse a name used twice and a float where an integer attribute is meant', () => {
    const g = new GraphBuilder('g');
    const x = g.input('x', 'float32', [2]);
    assert.throws(() => g.input('x', 'float32', [2]), /ONNX graph g: the name x is used twice/);
    assert.throws(() => g.op('Softmax', [x], { axis: 0.5 }), /attribute axis: 0\.5 is not an integer; write \{ float: 0\.5 \}/);
    assert.throws(() => g.weight('w', [2, 2], new Float32Array(3)), /weight w: expected 4 values for \[2, 2\], found 3/);
  });

  it('captions a test split through ONNX Runtime with the captions of TensorFlow.js, and says which engine ran', async () => {
    const { model, tokenizer } = adapted();
    const samples = generateSynthetic({ pairs: 12, size: 32, seed: 4, fractions: { train: 0.5, validation: 0.2, test: 0.3 } }).samples;
    const viaOrt = await captionSamples(model, tokenizer, samples, { batchSize: 5 });
    const viaTfjs = await captionSamples(model, tokenizer, samples, { engine: 'tfjs', batchSize: 5 });
    assert.equal(viaOrt.engine, 'onnxruntime');
    assert.equal(viaTfjs.engine, 'tfjs');
    assert.equal(viaOrt.captions.size, 12);
    assert.deepEqual([...viaOrt.captions], [...viaTfjs.captions]);

    // the same from an exported folder in the kernel (no TensorFlow.js), written as a COCO results file
    await exportOnnx(model, dir, tokenizer);
    const resultsFile = path.join(dir, 'results.json');
    const test = samples.filter((x) => x.split === 'test');
    const fromFolder = await interop.onnxCaptions(dir, { samples }, { out: resultsFile });
    assert.deepEqual(
      Object.keys(fromFolder),
      test.map((x) => x.id),
    );
    assert.deepEqual(fromFolder, Object.fromEntries(test.map((x) => [x.id, viaTfjs.captions.get(x.id)])));
    assert.deepEqual(interop.parsePredictions(fs.readFileSync(resultsFile, 'utf8'), resultsFile), new Map(Object.entries(fromFolder)));
    await assert.rejects(interop.onnxCaptions(dir, { samples }, { split: 'dev' }), /split: expected a split with pairs, found none in "dev"/);
    model.dispose();
  });
});
