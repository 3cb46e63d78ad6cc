import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ImageDecoder } from '../../../../kernels/idc/data/images/decode';
import { open } from '../../../../kernels/idc/data/open';
import { synthetic } from '../../../../kernels/idc/data/synthetic/syntheticDataset';
import { tempFolder } from '../pngFixtures';

describe('idc.data.synthetic', () => {
  let dir: string;
  beforeEach(() => (dir = tempFolder('synthetic')));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is a Dataset of format synthetic with its scenes, notes and summary', async () => {
    const data = synthetic({ pairs: 80, size: 32, seed: 4 });
    assert.equal(data.format, 'synthetic');
    assert.equal(data.size, 80);
    assert.deepEqual(data.categories, ['add', 'background', 'color', 'global', 'local', 'remove', 'style', 'text']);
    assert.deepEqual(data.notes, [
      'generated 80 pairs from 10 scenes, 32x32 pixels, seed 4',
      'each scene is edited once per category (add, remove, color, text, background, style, global, local); 5 references per pair',
      'scenes split 80/10/10 (train/validation/test): all edits of a scene share its split',
    ]);
    assert.equal(data.scenes().length, 10);
    assert.deepEqual(
      data.scenes('test').map((s) => s.id),
      data
        .scenes()
        .filter((s) => s.split === 'test')
        .map((s) => s.id),
    );
    const summary = (await data.summary()).summary;
    assert.equal(summary.samples, 80);
    assert.equal(summary.skipped, 0);
    assert.deepEqual(summary.counts.test, { add: 1, background: 1, color: 1, global: 1, local: 1, remove: 1, style: 1, text: 1 });
    assert.deepEqual(summary.references, { min: 5, mean: 5, max: 5, histogram: { 5: 80 } });
    assert.deepEqual(
      summary.sizes.map((s) => [s.width, s.height]),
      [[32, 32]],
    );
  });

  it('writes the Syned layout, which the Syned reader reads back identically', async () => {
    const data = synthetic({ pairs: 40, size: 32, seed: 7, fractions: { train: 0.6, validation: 0.2, test: 0.2 } });
    const folder = path.join(dir, 'syned');
    await data.writeSyned(folder);
    assert.deepEqual(fs.readdirSync(folder).sort(), [
      'augmented_dataset.json',
      'emu_edit',
      'gt_augmented_test_clean.json',
      'instructions_with_idx_test_split.txt',
      'originals',
      'splits.json',
      'train',
      'validation',
    ]);

    const read = await open(folder);
    assert.equal(read.format, 'syned');
    assert.deepEqual(read.problems, []);
    const brief = (s: { id: string; split: string; category: string; references: string[]; resize: string }) => [
      s.id,
      s.split,
      s.category,
      s.resize,
      s.references,
    ];
    const byId = <T extends { id: string }>(list: readonly T[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
    assert.deepEqual(byId(read.samples).map(brief), byId(data.samples).map(brief));
    assert.deepEqual(new Set(read.samples.map((s) => s.split)), new Set(['train', 'validation', 'test']));

    const decoder = new ImageDecoder();
    const written = new Map(read.samples.map((s) => [s.id, s]));
    for (const s of data.samples) {
      const r = written.get(s.id);
      assert.ok(r);
      for (const side of ['before', 'after'] as const) {
        const a = await decoder.decode(s[side]);
        const b = await decoder.decode(r[side]);
        assert.deepEqual([b.width, b.height], [a.width, a.height]);
        assert.ok(Buffer.from(a.data).equals(Buffer.from(b.data)), `${s.id} ${side}: pixels differ after the round trip`);
      }
    }
  });

  it('refuses to write into a folder that holds files, and leaves it as it was', async () => {
    const folder = path.join(dir, 'taken');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'mine');
    await assert.rejects(synthetic({ pairs: 8, size: 32 }).writeSyned(folder), {
      message: `${folder}: expected a new or empty folder to write the Syned layout into, found files`,
    });
    assert.deepEqual(fs.readdirSync(folder), ['notes.txt']);
  });
});
