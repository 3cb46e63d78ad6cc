import assert from 'node:assert/strict';
import sharp from 'sharp';
import { attentionBundle, attentionPayload, dequantise, quantise } from '../../../kernels/idc/display/attention';
import { IDC_MIME } from '../../../kernels/outputs/mime';
import { softmaxRows } from './softmaxRows';

describe('attention output', () => {
  const grid = { rows: 4, columns: 2, patch: 8 };
  const image = { width: 16, height: 32, data: new Uint8Array(16 * 32 * 3).fill(90) };
  const vit = [0, 1].map((l) => [0, 1, 2].map((h) => softmaxRows(8, 8, 10 * l + h)));
  const cross = [[0, 1, 2].map((h) => softmaxRows(4, 8, 50 + h))];

  it('quantises each matrix to 8 bits with its scale, so every row still sums to 1 within the quantisation error', () => {
    const m = softmaxRows(8, 8, 3);
    const q = quantise(m);
    const values = dequantise(q);
    assert.equal(Buffer.from(q.data, 'base64').length, 64);
    assert.ok(Math.abs(Math.max(...values) - Math.max(...m.flat())) < 1e-6, 'the largest weight is kept (byte 255)');
    for (let i = 0; i < 8; i++) {
      const sum = values.slice(i * 8, i * 8 + 8).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) <= (8 * q.scale) / 2, `row ${i} sums to ${sum}`);
      for (let j = 0; j < 8; j++) assert.ok(Math.abs((values[i * 8 + j] as number) - (m[i]?.[j] as number)) <= q.scale / 2 + 1e-9);
    }
  });

  it('holds the grid, the boundary row, the chosen layers and heads, the cross-attention and the rollout, with PNG and text fallbacks', async () => {
    const payload = await attentionPayload({
      title: 'pair 1',
      image,
      grid,
      caption: '<b>not markup</b>',
      vit,
      cross,
      rollout: softmaxRows(8, 8, 99),
      layers: [1],
      heads: [0, 2],
    });
    assert.deepEqual([payload.v, payload.grid, payload.boundaryRow, payload.caption], [1, grid, 2, '<b>not markup</b>']);
    assert.deepEqual(
      payload.layers.map((l) => [l.layer, l.heads.map((h) => h.head)]),
      [[1, [0, 2]]],
    );
    assert.deepEqual([payload.cross?.[0]?.heads.length, payload.cross?.[0]?.heads[0]?.weights.rows, payload.rollout?.rows], [3, 4, 8]);
    assert.deepEqual([payload.image.width, payload.image.height], [16, 32]);
    await assert.rejects(attentionPayload({ title: 'x', image, grid, vit, heads: [3] }), {
      message: 'attention: heads: expected whole numbers from 0 to 2, found 3',
    });
    await assert.rejects(attentionPayload({ title: 'x', image, grid: { ...grid, patch: 4 }, vit }), {
      message: 'attention: the 4x2 grid of 4-pixel patches does not cover the 16x32 image',
    });

    const bundle = await attentionBundle(payload, image);
    assert.equal(bundle[IDC_MIME.attention], payload);
    // tiles of 8x the image (128 px wide): one row for layer 1 (two heads), one for the rollout
    const meta = await sharp(Buffer.from(bundle['image/png'] as Uint8Array)).metadata();
    assert.deepEqual([meta.width, meta.height], [4 + 2 * (128 + 4), 4 + 2 * (256 + 4)]);
    const text = bundle['text/plain'] as string;
    assert.match(
      text,
      /^pair 1: 4x2 patches of 8 px, the bottom image from patch row 2\ncaption: <b>not markup<\/b>\nViT layers 1; heads 0, 2\n {2}layer 1: attention to the other image h0 \d+%, h2 \d+%/,
    );
  });
});
