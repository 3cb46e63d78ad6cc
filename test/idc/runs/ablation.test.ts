import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ablation, longestFirst } from '../../../kernels/idc/runs/ablation';
import type { Job, LoraJob } from '../../../kernels/idc/runs/jobs';
import { useBackend } from '../../../kernels/idc/backends/backend';
import { MIME_BUNDLE } from '../../../kernels/outputs/richOutput';
import { IDC_MIME } from '../../../kernels/outputs/mime';
import { saveTinyBlip2Base } from '../model/blip2/tinyBase';
import { tempFolder } from '../data/pngFixtures';

describe('LoRA ablation scheduling', () => {
  it('starts the runs whose gradient goes deepest first, the zero-shot baseline last, ties in grid order', () => {
    const lora = (name: string, modules: LoraJob['modules'], maxSteps = 300): LoraJob => ({
      kind: 'lora',
      name,
      dir: name,
      base: 'b',
      data: { synthetic: { pairs: 8 } },
      rank: 4,
      modules,
      backend: 'wasm',
      train: { learningRate: 1e-3, batchSize: 8, maxEpochs: 1, patience: 1, seed: 1, checkpointEvery: 10, maxSteps },
    });
    const zeroShot: Job = { kind: 'zero-shot', name: 'zero-shot base', dir: 'z', base: 'b', data: { synthetic: { pairs: 8 } }, backend: 'wasm' };
    const grid = [
      zeroShot,
      lora('r4 llm', ['llm']),
      lora('r4 all', ['vit', 'qformer', 'llm']),
      lora('r4 qformer+llm', ['qformer', 'llm']),
      lora('r16 llm', ['llm']),
      lora('r16 all', ['vit', 'qformer', 'llm']),
      lora('r2 llm long', ['llm'], 3000),
    ];
    assert.deepEqual(
      longestFirst(grid).map((j) => j.name),
      ['r2 llm long', 'r4 all', 'r16 all', 'r4 qformer+llm', 'r4 llm', 'r16 llm', 'zero-shot base'],
    );
  });
});

describe('LoRA ablation runner', () => {
  let dir: string;
  const data = { synthetic: { pairs: 48, size: 32, seed: 2 } };
  before(async () => {
    dir = tempFolder('ablation');
    await useBackend('wasm');
    await saveTinyBlip2Base(path.join(dir, 'base'), data.synthetic);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs the grid in worker processes, scores runs and baselines, saves the JSON, and skips finished runs when run again', async () => {
    const options = {
      base: path.join(dir, 'base'),
      data,
      ranks: [1, 2],
      modules: [['llm'], ['vit', 'llm']] as Array<Array<'vit' | 'llm'>>,
      maxSteps: 2,
      batchSize: 8,
      workers: 2,
      out: path.join(dir, 'out'),
    };
    const result = await ablation(options);
    assert.deepEqual(
      result.runs.map((r) => [r.rank, r.modules.join('+'), r.steps]),
      [
        [1, 'llm', 2],
        [1, 'vit+llm', 2],
        [2, 'llm', 2],
        [2, 'vit+llm', 2],
      ],
    );
    // decoder q, k, v in 2 layers, each r(16 + 16); the ViT's fused qkv adds 2 x r(16 + 48)
    assert.deepEqual(
      result.runs.map((r) => r.trainable_params),
      [192, 320, 384, 640],
    );
    for (const r of result.runs) {
      assert.ok(r.adapter_bytes > 4 * r.trainable_params);
      assert.ok(Object.keys(r.metrics.per_category).length > 0);
      assert.equal(typeof r.metrics.overall.CIDEr, 'number');
    }
    assert.equal(result.classifierAccuracy, 1);
    const saved = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'ablation.json'), 'utf8'));
    assert.deepEqual(Object.keys(saved), ['runs', 'baselines', 'classifier_accuracy_on_references', 'backend', 'config']);
    assert.deepEqual(
      Object.keys(saved.runs[0]).filter((k) => ['rank', 'modules', 'trainable_params', 'adapter_bytes', 'train_seconds', 'metrics'].includes(k)).length,
      6,
    );
    assert.deepEqual(Object.keys(saved.baselines), ['zero_shot', 'constant']);
    assert.deepEqual(Object.keys(saved.runs[0].metrics), ['overall', 'per_category', 'category_accuracy', 'distinct_captions']);
    assert.equal(saved.backend, 'wasm');
    // the test captions come from ONNX Runtime (installed with the project), the model exported in the worker
    assert.deepEqual(
      [...saved.runs.map((r: { caption_engine: string }) => r.caption_engine), result.zeroShot.caption_engine],
      ['onnxruntime', 'onnxruntime', 'onnxruntime', 'onnxruntime', 'onnxruntime'],
    );
    assert.ok(result.chart()[MIME_BUNDLE]()[IDC_MIME.categoryChart]);
    assert.ok(result.curves()[MIME_BUNDLE]()[IDC_MIME.training]);
    assert.match(result.tableText(), /^run +trainable/);
    assert.match(result.tableText(), /backend wasm, test captions by onnxruntime;/);

    // finished runs are read back: the same records, no training
    const again = await ablation(options);
    assert.deepEqual(
      again.runs.map((r) => r.train_seconds),
      result.runs.map((r) => r.train_seconds),
    );

    // a base remade in place is another model: its runs are not passed off as this one's
    const configFile = path.join(dir, 'base', 'config.json');
    const config = fs.readFileSync(configFile, 'utf8');
    fs.writeFileSync(configFile, config.replace('"num_query_tokens"', '"idc_lab": {"stages": []},\n  "num_query_tokens"'));
    await assert.rejects(
      ablation(options),
      /this folder holds the run "r1 llm" with other settings \(baseFingerprint: "[0-9a-f]{16}" there, "[0-9a-f]{16}" now\)/,
    );
    fs.writeFileSync(configFile, config);
  });

  it('explains a missing base model and bad grid settings', async () => {
    await assert.rejects(ablation({ base: path.join(dir, 'nothing') }), {
      message: `${path.join(dir, 'nothing')}: expected a base model folder (config.json, model.safetensors, tokenizer.json), found none; run \`npm run pretrain\` or pass {base}`,
    });
    await assert.rejects(ablation({ base: path.join(dir, 'base'), ranks: [0] }), { message: 'lora: rank: expected a positive integer, found 0' });
  });
});
