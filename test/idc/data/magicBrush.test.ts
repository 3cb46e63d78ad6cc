import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { open } from '../../../kernels/idc/data/open';
import { writeParquetFile, type ParquetColumn } from '../../../kernels/platform/parquetWrite';
import { pattern, pngBytes, tempFolder } from './pngFixtures';

const COLUMNS: ParquetColumn[] = [
  { name: 'img_id', kind: 'string' },
  { name: 'turn_index', kind: 'int64' },
  { name: 'source_img', kind: 'image' },
  { name: 'mask_img', kind: 'image' },
  { name: 'instruction', kind: 'string' },
  { name: 'target_img', kind: 'image' },
];

describe('MagicBrush format (parquet)', () => {
  let dir: string;
  beforeEach(() => (dir = tempFolder('magicbrush')));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function row(imgId: string, turn: number, instruction: string, seed: number) {
    return {
      img_id: imgId,
      turn_index: turn,
      source_img: { bytes: await pngBytes(12, 10, seed), path: null },
      mask_img: { bytes: await pngBytes(12, 10, 99), path: null },
      instruction,
      target_img: { bytes: await pngBytes(12, 10, seed + 1), path: null },
    };
  }

  it('reads train and dev shards: one reference, no category, dev as validation', async () => {
    await writeParquetFile(path.join(dir, 'data', 'train-00000-of-00002.parquet'), COLUMNS, [
      await row('327726', 1, 'put a hat on the dog', 1),
      await row('327726', 2, 'make the hat red', 2),
    ]);
    await writeParquetFile(path.join(dir, 'data', 'train-00001-of-00002.parquet'), COLUMNS, [await row('12', 1, 'add a boat', 3)]);
    await writeParquetFile(path.join(dir, 'data', 'dev-00000-of-00001.parquet'), COLUMNS, [await row('5', 1, 'remove the car', 4)]);
    const ds = await open(dir);
    assert.equal(ds.format, 'magicbrush');
    assert.deepEqual(
      ds.samples.map((s) => [s.id, s.split, s.category, s.references]),
      [
        ['dev/5-1', 'validation', 'unknown', ['remove the car']],
        ['train/327726-1', 'train', 'unknown', ['put a hat on the dog']],
        ['train/327726-2', 'train', 'unknown', ['make the hat red']],
        ['train/12-1', 'train', 'unknown', ['add a boat']],
      ],
    );
    const stacked = await ds.pipeline().stacked(ds.samples[3]!);
    assert.deepEqual(Buffer.from(stacked.data), Buffer.concat([Buffer.from(pattern(12, 10, 3)), Buffer.from(pattern(12, 10, 4))]));
  });

  it('reports a repeated turn of one image and keeps the first', async () => {
    await writeParquetFile(path.join(dir, 'data', 'train-00000-of-00001.parquet'), COLUMNS, [await row('7', 1, 'a', 1), await row('7', 1, 'b', 2)]);
    const ds = await open(dir);
    assert.deepEqual(
      ds.samples.map((s) => s.references[0]),
      ['a'],
    );
    assert.equal(ds.problems[0]?.field, 'row 1, column turn_index');
    assert.equal(ds.problems[0]?.reason, 'image 7 turn 1 appears twice; expected one row per turn');
  });

  it("reads the layout Hugging Face's dataset viewer converts to: default/<split>/0000.parquet", async () => {
    await writeParquetFile(path.join(dir, 'default', 'train', '0000.parquet'), COLUMNS, [await row('327726', 1, 'put a hat on the dog', 1)]);
    await writeParquetFile(path.join(dir, 'default', 'train', '0001.parquet'), COLUMNS, [await row('12', 1, 'add a boat', 3)]);
    await writeParquetFile(path.join(dir, 'default', 'dev', '0000.parquet'), COLUMNS, [await row('5', 1, 'remove the car', 4)]);
    const ds = await open(dir);
    assert.equal(ds.format, 'magicbrush');
    assert.equal(
      ds.detectedFrom,
      'parquet shards default/dev/0000.parquet, default/train/0000.parquet, default/train/0001.parquet with source_img, target_img and turn_index columns',
    );
    assert.deepEqual(
      ds.samples.map((s) => [s.id, s.split, s.references]),
      [
        ['dev/5-1', 'validation', ['remove the car']],
        ['train/327726-1', 'train', ['put a hat on the dog']],
        ['train/12-1', 'train', ['add a boat']],
      ],
    );
    assert.deepEqual(ds.samples[2]?.before, { kind: 'parquet', file: path.join(dir, 'default', 'train', '0001.parquet'), row: 0, column: 'source_img' });
    const stacked = await ds.pipeline().stacked(ds.samples[2]!);
    assert.deepEqual(Buffer.from(stacked.data), Buffer.concat([Buffer.from(pattern(12, 10, 3)), Buffer.from(pattern(12, 10, 4))]));
  });
});
