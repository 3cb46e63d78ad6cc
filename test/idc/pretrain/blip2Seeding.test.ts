/**
 * The position-seeded start on BLIP-2's architecture does what it is for, before any training:
 * head 0 of the first ViT block attends from each patch to the patch at the same place in the
 * other image, and each query of the Q-Former's first cross-attention reads its own block.
 */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../kernels/idc/backends/backend';
import { miniConfig } from '../../../kernels/idc/model/blip2/miniConfig';
import { Blip2Model } from '../../../kernels/idc/model/blip2/model';
import { queryCentres, seedable, seededTensors } from '../../../kernels/idc/pretrain/blip2Seeding';

const argmax = (row: readonly number[]) => row.reduce((best, v, j) => (v > (row[best] as number) ? j : best), 0);

describe('the seeded start of the BLIP-2 base', () => {
  it('starts a correspondence head and queries that read their own region', async () => {
    await useBackend('wasm');
    const config = miniConfig(); // 6 x 6 patches of 16 pixels, 12 queries: blocks of 3 patches
    const g = config.vision.imageSize / config.vision.patchSize;
    const n = g * g;
    const queries = config.numQueryTokens;
    const block = n / queries;
    assert.ok(seedable(config));
    assert.deepEqual(queryCentres(g, queries).slice(0, 3), [
      [0, 1],
      [0, 4],
      [1, 1],
    ]);
    const model = new Blip2Model(config, seededTensors(config, 42));
    const size = config.vision.imageSize;
    const pixels = tf.randomNormal([1, 3, size, size], 0, 1, 'float32', 3) as tf.Tensor4D;
    const out = model.forward({ pixelValues: pixels, inputIds: [[2, 5, 6]] }, { outputAttentions: true });
    const head0 = (out.get('vision.attentions.0') as tf.Tensor).arraySync() as number[][][][];
    const attends = head0[0]![0]!;
    // token 0 is CLS; patch (r, c) is token 1 + g r + c, its counterpart g / 2 rows down (or up)
    const right = Array.from({ length: n }, (_, i) => argmax(attends[1 + i] as number[]) === 1 + ((Math.floor(i / g) + g / 2) % g) * g + (i % g)).filter(
      Boolean,
    ).length;
    assert.ok(right >= n - 2, `the counterpart is where head 0 looks for ${right} of ${n} patches`);
    const cross = ((out.get('qformer.cross_attentions.0') as tf.Tensor).arraySync() as number[][][][])[0]!;
    const mean = (q: number) => (cross[0] as number[][])[q]!.map((_, j) => cross.reduce((s, h) => s + (h[q] as number[])[j]!, 0) / cross.length);
    const own = Array.from({ length: queries }, (_, q) =>
      mean(q)
        .slice(1 + block * q, 1 + block * (q + 1))
        .reduce((a, b) => a + b),
    );
    const meanOwn = own.reduce((a, b) => a + b) / queries;
    assert.ok(meanOwn > 0.4, `a query puts ${meanOwn.toFixed(3)} of its attention on its own ${block} patches (uniform: ${(block / (n + 1)).toFixed(3)})`);
    for (const t of [...out.values(), pixels]) t.dispose();
    model.dispose();
  });
});
