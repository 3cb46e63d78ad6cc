import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { open } from '../../../kernels/idc/data/open';
import { DatasetError } from '../../../kernels/idc/data/problems';
import { writeParquetFile } from '../../../kernels/platform/parquetWrite';
import { EMU_EDIT_COLUMNS } from '../../../kernels/idc/data/formats/emuEdit';
import sharp from 'sharp';
import { pattern, pngBytes, tempFolder, writeJson } from './pngFixtures';

const EMU_COLUMNS = EMU_EDIT_COLUMNS;

async function emuRows(split: string, tasks: string[]): Promise<Array<Record<string, unknown>>> {
  return Promise.all(
    tasks.map(async (task, idx) => ({
      instruction: `${task} something ${idx}`,
      image: { bytes: await pngBytes(24, 18, idx), path: `${split}-${idx}-in.png` },
      task,
      split,
      idx,
      hash: `h${idx}`,
      input_caption: 'a scene',
      output_caption: 'a changed scene',
      edited_image: { bytes: await pngBytes(16, 12, idx + 1), path: `${split}-${idx}-out.png` },
      model: 'emu',
    })),
  );
}

describe('Emu Edit format (parquet)', () => {
  let dir: string;
  beforeEach(() => (dir = tempFolder('emu')));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function build(validationTasks: string[], testTasks: string[], rowGroupSize = 3) {
    await writeParquetFile(
      path.join(dir, 'data', 'validation-00000-of-00001.parquet'),
      EMU_COLUMNS,
      await emuRows('validation', validationTasks),
      rowGroupSize,
    );
    await writeParquetFile(path.join(dir, 'data', 'test-00000-of-00001.parquet'), EMU_COLUMNS, await emuRows('test', testTasks), rowGroupSize);
  }

  it('detects the layout, reads instruction, task and idx, and splits validation by splits.json', async () => {
    await build(['Add', 'remove', 'color', 'add', 'text'], ['global', 'Style']);
    writeJson(path.join(dir, 'splits.json'), { train: [0, 1, 2], validation: [3] });
    const ds = await open(dir);
    assert.equal(ds.format, 'emu-edit');
    assert.match(
      ds.detectedFrom ?? '',
      /^parquet shards test-00000-of-00001\.parquet, validation-00000-of-00001\.parquet with instruction, task and edited_image columns$/,
    );
    assert.deepEqual(
      ds.samples.map((s) => [s.id, s.split, s.category, s.references]),
      [
        ['validation/0', 'train', 'add', ['Add something 0']],
        ['validation/1', 'train', 'remove', ['remove something 1']],
        ['validation/2', 'train', 'color', ['color something 2']],
        ['validation/3', 'validation', 'add', ['add something 3']],
        ['test/0', 'test', 'global', ['global something 0']],
        ['test/1', 'test', 'style', ['Style something 1']],
      ],
    );
    assert.ok(ds.notes.some((n) => n === '1 validation rows are in neither list of splits.json and are left out'));
    const first = ds.samples[0]!;
    assert.deepEqual(first.before, { kind: 'parquet', file: path.join(dir, 'data', 'validation-00000-of-00001.parquet'), row: 0, column: 'image' });
    assert.equal(first.resize, 'resize-before');
  });

  it('re-splits validation by category with the seed when there is no splits.json', async () => {
    await build(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? 'add' : 'remove')),
      ['add'],
    );
    const a = await open(dir, { seed: 3 });
    const b = await open(dir, { seed: 3 });
    const splits = a.samples.map((s) => s.split);
    assert.deepEqual(
      splits,
      b.samples.map((s) => s.split),
    );
    assert.equal(a.select({ split: 'validation', category: 'add' }).length, 3); // round(20 * 0.15)
    assert.equal(a.select({ split: 'train', category: 'remove' }).length, 17);
    assert.ok(a.notes.includes('no splits.json: the validation split is re-split by category into train and validation (85/15, seed 3)'));
  });

  it('stacks the pair with the reference resized to the edited image (bicubic), reading one row group', async () => {
    await build(['add', 'remove', 'color', 'text'], ['add']);
    const ds = await open(dir);
    const sample = ds.samples.find((s) => s.id === 'validation/3')!;
    const stacked = await ds.pipeline().stacked(sample);
    assert.deepEqual([stacked.width, stacked.height], [16, 24]);
    const expectedTop = await sharp(pattern(24, 18, 3), { raw: { width: 24, height: 18, channels: 3 } })
      .resize(16, 12, { kernel: 'cubic', fit: 'fill' })
      .raw()
      .toBuffer();
    assert.deepEqual(Buffer.from(stacked.data.subarray(0, 16 * 12 * 3)), expectedTop);
    assert.deepEqual(Buffer.from(stacked.data.subarray(16 * 12 * 3)), Buffer.from(pattern(16, 12, 4)));
  });

  it('skips and reports a row without an instruction, or fails on it under onError: fail', async () => {
    const rows = await emuRows('test', ['add', 'remove']);
    rows[1]!.instruction = '';
    await writeParquetFile(path.join(dir, 'data', 'test-00000-of-00001.parquet'), EMU_COLUMNS, rows);
    const file = path.join(dir, 'data', 'test-00000-of-00001.parquet');
    const ds = await open(dir);
    assert.deepEqual(
      ds.samples.map((s) => s.id),
      ['test/0'],
    );
    assert.equal(ds.problems.length, 1);
    assert.equal(ds.problems[0]!.file, file);
    assert.equal(ds.problems[0]!.field, 'row 1, column instruction');
    assert.equal(ds.problems[0]!.reason, 'expected the instruction (a non-empty string), found the string ""');
    await assert.rejects(
      open(dir, { onError: 'fail' }),
      (e: unknown) =>
        e instanceof DatasetError &&
        e.message === `${file}: row 1, column instruction: expected the instruction (a non-empty string), found the string "" (at sample test/1)`,
    );
  });

  it('skips a corrupt shard with its file named and still loads the others; fails at it under onError fail', async () => {
    await build(['add', 'remove'], ['color']);
    const bad = path.join(dir, 'data', 'test-00000-of-00001.parquet');
    fs.writeFileSync(bad, 'this is not parquet');
    const ds = await open(dir, { format: 'emu-edit' });
    assert.deepEqual(
      ds.samples.map((s) => s.id),
      ['validation/0', 'validation/1'],
    );
    assert.equal(ds.problems.length, 1);
    assert.equal(ds.problems[0]!.file, bad);
    assert.match(ds.problems[0]!.reason, /^expected a parquet file, found something else \(.*\); the rows of this shard are skipped$/);
    await assert.rejects(open(dir, { format: 'emu-edit', onError: 'fail' }), (e: Error) =>
      e.message.startsWith(`${bad}: expected a parquet file, found something else (`),
    );
  });

  it('names the file of a shard that is not parquet, and the columns a shard lacks', async () => {
    fs.mkdirSync(path.join(dir, 'data'));
    const file = path.join(dir, 'data', 'test-00000-of-00001.parquet');
    fs.writeFileSync(file, 'this is not parquet');
    await assert.rejects(open(dir, { format: 'emu-edit' }), (e: Error) => e.message.startsWith(`${file}: expected a parquet file, found something else (`));
    await writeParquetFile(
      file,
      EMU_COLUMNS.filter((c) => c.name !== 'task'),
      [],
    );
    await assert.rejects(open(dir, { format: 'emu-edit' }), (e: Error) =>
      e.message.startsWith(`${file}: task: expected the column task; the file has instruction, image, split, idx,`),
    );
  });

  it("reads the dataset viewer's converted layout, <config>/<split>/0000.parquet, from the dataset folder or the config folder", async () => {
    const config = path.join(dir, 'default');
    await writeParquetFile(path.join(config, 'validation', '0000.parquet'), EMU_COLUMNS, await emuRows('validation', ['add', 'remove']));
    await writeParquetFile(path.join(config, 'test', '0000.parquet'), EMU_COLUMNS, await emuRows('test', ['global']));
    writeJson(path.join(dir, 'splits.json'), { train: [0], validation: [1] });
    const ds = await open(dir);
    assert.equal(ds.format, 'emu-edit');
    assert.equal(ds.detectedFrom, 'parquet shards default/test/0000.parquet, default/validation/0000.parquet with instruction, task and edited_image columns');
    assert.deepEqual(
      ds.samples.map((s) => [s.id, s.split, s.category, s.references]),
      [
        ['validation/0', 'train', 'add', ['add something 0']],
        ['validation/1', 'validation', 'remove', ['remove something 1']],
        ['test/0', 'test', 'global', ['global something 0']],
      ],
    );
    assert.deepEqual(ds.samples[2]?.after, { kind: 'parquet', file: path.join(config, 'test', '0000.parquet'), row: 0, column: 'edited_image' });
    const fromConfig = await open(config);
    assert.equal(fromConfig.detectedFrom, 'parquet shards test/0000.parquet, validation/0000.parquet with instruction, task and edited_image columns');
    assert.deepEqual(
      fromConfig.samples.map((s) => s.id),
      ['validation/0', 'validation/1', 'test/0'],
    );
  });
});
