import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { attention } from '../../../kernels/idc/viz/index';
import { dequantise } from '../../../kernels/idc/display/attention';
import { useBackend } from '../../../kernels/idc/backends/backend';
import { MIME_BUNDLE } from '../../../kernels/outputs/richOutput';
import { IDC_MIME } from '../../../kernels/outputs/mime';
import { saveTinyAdapter, saveTinyBlip2Base } from '../model/blip2/tinyBase';
import { tempFolder } from '../data/pngFixtures';

describe('idc.viz.attention', () => {
  let dir: string;
  const data = { synthetic: { pairs: 16, size: 32, seed: 2 } };
  before(async () => {
    dir = tempFolder('viz');
    await useBackend('cpu');
    await saveTinyBlip2Base(path.join(dir, 'base'), data.synthetic);
    await saveTinyAdapter(path.join(dir, 'base'), path.join(dir, 'peft'), ['vit', 'llm']);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("captures a pair's maps in a worker: the chosen layers and heads, the CLS token apart, rows summing to 1 with it, the grid and boundary, a caption and a PNG grid", async () => {
    const output = await attention({ base: path.join(dir, 'base'), data, layers: [1], heads: [0, 1] });
    const bundle = output[MIME_BUNDLE]();
    const payload = output.payload;
    assert.equal(bundle[IDC_MIME.attention], payload);
    // the pair squashed to the model's 32 px square: 2 x 2 patches of 16 px, the bottom image from row 1
    assert.deepEqual([payload.grid, payload.boundaryRow, payload.image.width, payload.image.height], [{ rows: 2, columns: 2, patch: 16 }, 1, 32, 32]);
    assert.match(payload.title, /^Attention on (train|validation|test)\/\d+ \(\w+\), base model$/);
    assert.equal(typeof payload.caption, 'string');
    assert.deepEqual(
      payload.layers.map((l) => [l.layer, l.heads.map((h) => h.head)]),
      [[1, [0, 1]]],
    );
    // a patch's row over the patches plus what it gives CLS is its whole softmax row
    const cls = payload.cls?.[0]?.heads ?? [];
    assert.deepEqual(
      payload.cls?.map((l) => [l.layer, l.heads.map((h) => [h.head, h.looksAt.columns, h.given.columns])]),
      [
        [
          1,
          [
            [0, 4, 4],
            [1, 4, 4],
          ],
        ],
      ],
    );
    payload.layers[0]?.heads.forEach(({ weights: m }, h) => {
      const v = dequantise(m);
      const given = dequantise((cls[h] as { given: typeof m }).given);
      for (let i = 0; i < m.rows; i++) {
        const sum = v.slice(i * m.columns, (i + 1) * m.columns).reduce((a, b) => a + b, 0) + (given[i] as number);
        assert.ok(Math.abs(sum - 1) <= (m.columns * m.scale) / 2 + (given.length * (cls[h]?.given.scale ?? 0)) / 2 + 1e-6, `a row sums to ${sum}`);
      }
    });
    // the Q-Former's cross-attention (layer 0 of 2, every other layer) over the 4 patches, 4 queries
    assert.deepEqual(
      payload.cross?.map((l) => [l.layer, l.heads.length, l.heads[0]?.weights.rows, l.heads[0]?.weights.columns]),
      [[0, 2, 4, 4]],
    );
    const meta = await sharp(Buffer.from(bundle['image/png'] as Uint8Array)).metadata();
    assert.equal(meta.format, 'png');
    assert.match(bundle['text/plain'] as string, /layer 1: attention to the other image h0 \d+%, h1 \d+%/);
    assert.match(bundle['text/plain'] as string, /layer 1: attention to CLS h0 \d+%, h1 \d+%/);
  });

  it('reads a PEFT adapter folder, and names a bad option', async () => {
    const fromPeft = await attention({ base: path.join(dir, 'base'), data, adapter: path.join(dir, 'peft'), layers: [0] });
    assert.match(fromPeft.payload.title, /, adapter peft$/);
    const plain = await attention({ base: path.join(dir, 'base'), data, layers: [0] });
    assert.notDeepEqual(plain.payload.layers, fromPeft.payload.layers, 'the adapter on the ViT changes where it looks');
    await assert.rejects(attention({ pair: 1 } as never), {
      message: 'idc.viz.attention: unknown option "pair"; expected one of base, adapter, data, id, layers, heads, backend',
    });
    await assert.rejects(
      attention({ base: path.join(dir, 'base'), data, id: 'test/none' }),
      /attention: sample "test\/none": expected the id of a pair of synthetic/,
    );
  });
});
