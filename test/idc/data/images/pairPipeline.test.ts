import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { gaussian3x3 } from '../../../../kernels/idc/data/images/augment';
import { CLIP_MEAN, CLIP_STD, denormalize } from '../../../../kernels/idc/data/images/normalize';
import { PairPipeline } from '../../../../kernels/idc/data/images/pairPipeline';
import { DatasetError } from '../../../../kernels/idc/data/problems';
import type { IdcSample, PairResize } from '../../../../kernels/idc/data/types';
import { tempFolder, writePng } from '../pngFixtures';

function solid(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = rgb[i % 3] as number;
  return data;
}

async function writeSolid(file: string, width: number, height: number, rgb: [number, number, number]): Promise<void> {
  await sharp(solid(width, height, rgb), { raw: { width, height, channels: 3 } })
    .png()
    .toFile(file);
}

function sample(id: string, before: string, after: string, resize: PairResize = 'stack'): IdcSample {
  return { id, before: { kind: 'file', path: before }, after: { kind: 'file', path: after }, references: ['r'], category: 'c', split: 'train', resize };
}

describe('image-pair pipeline', () => {
  let dir: string;
  beforeEach(() => (dir = tempFolder('pipeline')));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const at = (name: string) => path.join(dir, name);

  it('stacks reference over modified, resizes to the model input and CLIP-normalises (NHWC)', async () => {
    await writeSolid(at('a.png'), 32, 32, [255, 0, 0]);
    await writeSolid(at('b.png'), 32, 32, [0, 0, 255]);
    const batch = await new PairPipeline({ width: 8, height: 16 }).prepare([sample('p', at('a.png'), at('b.png'))]);
    assert.deepEqual(batch.shape, [1, 16, 8, 3]);
    assert.equal(batch.pixels.length, 16 * 8 * 3);
    const norm = (v: number, c: number) => (v / 255 - (CLIP_MEAN[c] as number)) / (CLIP_STD[c] as number);
    // row 0 (reference, red) and row 15 (modified, blue), channel by channel
    for (let c = 0; c < 3; c++) {
      assert.ok(Math.abs((batch.pixels[c] as number) - norm(c === 0 ? 255 : 0, c)) < 1e-5);
      assert.ok(Math.abs((batch.pixels[(15 * 8 + 7) * 3 + c] as number) - norm(c === 2 ? 255 : 0, c)) < 1e-5);
    }
    const back = denormalize(batch.pixels, 0, 8, 16);
    assert.deepEqual([...back.data.subarray(0, 3)], [255, 0, 0]);
  });

  it('resizes the reference to the modified size where the format asks, and refuses mismatched sizes where it does not', async () => {
    await writeSolid(at('big.png'), 40, 30, [10, 20, 30]);
    await writeSolid(at('small.png'), 20, 10, [200, 100, 0]);
    const pipeline = new PairPipeline({ width: 4, height: 8 });
    const stacked = await pipeline.stacked(sample('r', at('big.png'), at('small.png'), 'resize-before'));
    assert.deepEqual([stacked.width, stacked.height], [20, 20]);
    assert.deepEqual([...stacked.data.subarray(0, 3)], [10, 20, 30]);
    const batch = await pipeline.prepare([sample('s', at('big.png'), at('small.png'), 'stack'), sample('ok', at('small.png'), at('small.png'))]);
    assert.deepEqual(
      batch.samples.map((s) => s.id),
      ['ok'],
    );
    assert.deepEqual(batch.skipped, [
      {
        file: at('small.png'),
        field: undefined,
        reason: `expected the size of its reference ${at('big.png')} (40x30; this format stacks the images without resizing), found 20x10`,
        sample: 's',
      },
    ]);
  });

  it('skips and reports missing, corrupt and over-large images; fail stops at the first', async () => {
    await writeSolid(at('ok.png'), 16, 16, [1, 2, 3]);
    fs.writeFileSync(at('corrupt.png'), Buffer.from('\x89PNG\r\n\x1a\nnot really'));
    await writeSolid(at('huge.png'), 300, 300, [0, 0, 0]);
    const pipeline = new PairPipeline({ width: 4, height: 8, maxPixels: 50_000 });
    const batch = await pipeline.prepare([
      sample('missing', at('nope.png'), at('ok.png')),
      sample('corrupt', at('ok.png'), at('corrupt.png')),
      sample('bomb', at('huge.png'), at('ok.png')),
      sample('fine', at('ok.png'), at('ok.png')),
    ]);
    assert.deepEqual(
      batch.samples.map((s) => s.id),
      ['fine'],
    );
    assert.deepEqual(
      batch.skipped.map((p) => [p.sample, p.file]),
      [
        ['missing', at('nope.png')],
        ['corrupt', at('corrupt.png')],
        ['bomb', at('huge.png')],
      ],
    );
    assert.equal(batch.skipped[0]!.reason, 'the image file is missing');
    assert.match(batch.skipped[1]!.reason, /^expected a readable image \(PNG, JPEG, WebP, \.\.\.\), found one that cannot be decoded \(.+\)$/);
    assert.equal(batch.skipped[2]!.reason, 'the image has more pixels than the limit of 50,000 (a decompression bomb?); expected a smaller image');
    assert.equal(pipeline.problems.skippedSamples.size, 3);
    const failing = new PairPipeline({ width: 4, height: 8, onError: 'fail' });
    await assert.rejects(
      failing.prepare([sample('missing', at('nope.png'), at('ok.png'))]),
      (e: unknown) => e instanceof DatasetError && e.message === `${at('nope.png')}: the image file is missing (at sample missing)`,
    );
  });

  it('caches prepared tensors by file contents and settings', async () => {
    await writeSolid(at('a.png'), 16, 16, [0, 0, 0]);
    await writeSolid(at('b.png'), 16, 16, [255, 255, 255]);
    const pipeline = new PairPipeline({ width: 4, height: 8 });
    const s = sample('p', at('a.png'), at('b.png'));
    const first = await pipeline.prepare([s]);
    assert.equal(pipeline.cacheStats.entries, 1);
    assert.equal(pipeline.cacheStats.bytes, 4 * 8 * 3 * 4);
    assert.deepEqual((await pipeline.prepare([s])).pixels, first.pixels);
    await writeSolid(at('a.png'), 16, 16, [255, 255, 255]); // same name, new contents
    const changed = await pipeline.prepare([s]);
    assert.notDeepEqual(changed.pixels, first.pixels);
    assert.equal(pipeline.cacheStats.entries, 2);
  });

  it('augments deterministically by seed, epoch and sample, keeping the size', async () => {
    await writePng(at('a.png'), 32, 32, 1);
    await writePng(at('b.png'), 32, 32, 2);
    const s = sample('p', at('a.png'), at('b.png'));
    const make = (seed: number) => new PairPipeline({ width: 16, height: 32, augment: { blur: 1, jpeg: 1 }, seed });
    const a = await make(1).prepare([s], 0);
    const again = await make(1).prepare([s], 0);
    const otherEpoch = await make(1).prepare([s], 1);
    const plain = await new PairPipeline({ width: 16, height: 32 }).prepare([s]);
    assert.deepEqual(a.pixels, again.pixels);
    assert.notDeepEqual(a.pixels, otherEpoch.pixels);
    assert.notDeepEqual(a.pixels, plain.pixels);
    assert.deepEqual(a.shape, plain.shape);
    const k = gaussian3x3(0.5);
    assert.ok(Math.abs(k.reduce((x, y) => x + y, 0) - 1) < 1e-12);
    assert.ok((k[4] as number) > (k[1] as number) && (k[1] as number) > (k[0] as number));
    assert.throws(
      () => new PairPipeline({ augment: { jpegQuality: [0, 101] } }),
      /^RangeError: augment\.jpegQuality: expected \[low, high\] integers in 1\.\.100, found \[0,101\]$/,
    );
  });

  it('yields every sample once per epoch in batches, shuffled by seed', async () => {
    await writeSolid(at('a.png'), 8, 8, [9, 9, 9]);
    const samples = Array.from({ length: 7 }, (_, i) => sample(`s${i}`, at('a.png'), at('a.png')));
    const pipeline = new PairPipeline({ width: 4, height: 8 });
    const order = async (epoch: number) => {
      const ids: string[] = [];
      const sizes: number[] = [];
      for await (const b of pipeline.batches(samples, { batchSize: 3, shuffleSeed: 5, epoch })) {
        ids.push(...b.samples.map((s) => s.id));
        sizes.push(b.shape[0]);
      }
      return { ids, sizes };
    };
    const e0 = await order(0);
    assert.deepEqual(e0.sizes, [3, 3, 1]);
    assert.deepEqual(
      [...e0.ids].sort(),
      samples.map((s) => s.id),
    );
    assert.deepEqual((await order(0)).ids, e0.ids);
    assert.notDeepEqual((await order(1)).ids, e0.ids);
  });
});
