import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { attention } from '../../../kernels/idc/viz/index';
import { saveModel } from '../../../kernels/idc/model/baseModel';
import { Blip2Idc } from '../../../kernels/idc/model/blip2idc';
import { WordTokenizer } from '../../../kernels/idc/model/tokenizer';
import { savePeftAdapter } from '../../../kernels/idc/interop/peftAdapter';
import { encodeSafetensors } from '../../../kernels/platform/safetensors';
import { dequantise } from '../../../kernels/idc/display/attention';
import { useBackend } from '../../../kernels/idc/backends/backend';
import { generateSynthetic } from '../../../kernels/idc/data/synthetic/generate';
import { MIME_BUNDLE } from '../../../kernels/outputs/richOutput';
import { IDC_MIME } from '../../../kernels/outputs/mime';
import { tinyConfig, randomiseAdapter } from '../model/tinyModel';
import { tempFolder } from '../data/pngFixtures';

describe('idc.viz.attention', () => {
  let dir: string;
  const data = { synthetic: { pairs: 16, size: 32, seed: 2 } };
  before(async () => {
    dir = tempFolder('viz');
    await useBackend('cpu');
    const tokenizer = WordTokenizer.fromCaptions(generateSynthetic(data.synthetic).samples.flatMap((s) => s.references));
    const model = new Blip2Idc(tinyConfig(tokenizer.size), 1);
    await saveModel(path.join(dir, 'base'), model, tokenizer, { made: 'test' });
    model.attachLora({ rank: 2, modules: ['vit', 'llm'] }, 3);
    randomiseAdapter(model, 0.3, 4);
    await savePeftAdapter(path.join(dir, 'peft'), model);
    fs.writeFileSync(path.join(dir, 'adapter.safetensors'), encodeSafetensors(await model.params.read('adapter'), { rank: '2', modules: 'vit,llm' }));
    model.dispose();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("captures a pair's maps in a worker: the chosen layers and heads, rows summing to 1, the grid and boundary, a caption and a PNG grid", async () => {
    const output = await attention({ base: path.join(dir, 'base'), data, layers: [1], heads: [0, 1] });
    const bundle = output[MIME_BUNDLE]();
    const payload = output.payload;
    assert.equal(bundle[IDC_MIME.attention], payload);
    assert.deepEqual([payload.grid, payload.boundaryRow, payload.image.width, payload.image.height], [{ rows: 4, columns: 2, patch: 16 }, 2, 32, 64]);
    assert.match(payload.title, /^Attention on (train|validation|test)\/\d+ \(\w+\), base model$/);
    assert.equal(typeof payload.caption, 'string');
    assert.deepEqual(
      payload.layers.map((l) => [l.layer, l.heads.map((h) => h.head)]),
      [[1, [0, 1]]],
    );
    for (const m of [
      ...payload.layers.flatMap((l) => l.heads.map((h) => h.weights)),
      ...(payload.cross ?? []).flatMap((l) => l.heads.map((h) => h.weights)),
      payload.rollout!,
    ]) {
      const v = dequantise(m);
      for (let i = 0; i < m.rows; i++) {
        const sum = v.slice(i * m.columns, (i + 1) * m.columns).reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(sum - 1) <= (m.columns * m.scale) / 2 + 1e-6, `a row sums to ${sum}`);
      }
    }
    const meta = await sharp(Buffer.from(bundle['image/png'] as Uint8Array)).metadata();
    assert.equal(meta.format, 'png');
    assert.match(bundle['text/plain'] as string, /layer 1: attention to the other image h0 \d+%, h1 \d+%/);
  });

  it("reads an adapter from a run's adapter.safetensors or a PEFT folder alike, and names a bad option", async () => {
    const fromRun = await attention({ base: path.join(dir, 'base'), data, adapter: path.join(dir, 'adapter.safetensors'), layers: [0] });
    const fromPeft = await attention({ base: path.join(dir, 'base'), data, adapter: path.join(dir, 'peft'), layers: [0] });
    assert.deepEqual(fromPeft.payload.layers, fromRun.payload.layers);
    assert.equal(fromPeft.payload.caption, fromRun.payload.caption);
    const plain = await attention({ base: path.join(dir, 'base'), data, layers: [0] });
    assert.notDeepEqual(plain.payload.layers, fromRun.payload.layers, 'the adapter on the ViT changes where it looks');
    await assert.rejects(attention({ pair: 1 } as never), {
      message: 'idc.viz.attention: unknown option "pair"; expected one of base, adapter, data, id, layers, heads, backend',
    });
    await assert.rejects(
      attention({ base: path.join(dir, 'base'), data, id: 'test/none' }),
      /attention: sample "test\/none": expected the id of a pair of synthetic/,
    );
  });
});
