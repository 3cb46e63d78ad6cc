import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { open } from '../../../kernels/idc/data/open';
import { DatasetError } from '../../../kernels/idc/data/problems';
import { tempFolder, writeJson, writePng } from './pngFixtures';

/** A Syned training folder of three pairs: the smallest layout that names image files. */
async function tinyTree(dir: string): Promise<void> {
  for (const name of ['o.png', 'e1.png', 'e2.png', 'e3.png']) await writePng(path.join(dir, name), 6, 6, name.length);
  writeJson(
    path.join(dir, 'augmented_dataset.json'),
    ['e1', 'e2', 'e3'].map((e, i) => ({ idx: i, image: 'o.png', edited_image: `${e}.png`, instruction: `edit ${i}`, task: 'add' })),
  );
  writeJson(path.join(dir, 'splits.json'), { train: [0, 1, 2], validation: [] });
}

describe('idc.data.open', () => {
  let dir: string;
  beforeEach(() => (dir = tempFolder('open')));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('says which format it detected and from which files', async () => {
    await tinyTree(dir);
    const ds = await open(dir);
    assert.equal(ds.format, 'syned');
    assert.equal(ds.notes[0], 'detected Syned from augmented_dataset.json');
    assert.deepEqual(
      ds.samples.map((s) => s.id),
      ['e1', 'e2', 'e3'],
    );
  });

  it('reports missing image files and links that lead out of the folder, skipping their pairs', async () => {
    await tinyTree(dir);
    fs.rmSync(path.join(dir, 'e2.png'));
    const outside = tempFolder('outside');
    await writePng(path.join(outside, 'secret.png'), 6, 6, 9);
    fs.rmSync(path.join(dir, 'e3.png'));
    fs.symlinkSync(path.join(outside, 'secret.png'), path.join(dir, 'e3.png'));
    try {
      const ds = await open(dir);
      assert.deepEqual(
        ds.samples.map((s) => s.id),
        ['e1'],
      );
      assert.deepEqual(
        ds.problems.map((p) => [p.file, p.reason, p.sample]),
        [
          [path.resolve(dir, 'e2.png'), 'the image file is missing', 'e2'],
          [path.resolve(dir, 'e3.png'), `the image is a link to a file outside the dataset folder ${dir}; refused`, 'e3'],
        ],
      );
      await assert.rejects(
        open(dir, { onError: 'fail' }),
        (e: unknown) => e instanceof DatasetError && e.message === `${path.resolve(dir, 'e2.png')}: the image file is missing (at sample e2)`,
      );
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('refuses a link out of the folder when the images are read, also when opening skipped the file checks', async () => {
    await tinyTree(dir);
    const outside = tempFolder('outside');
    await writePng(path.join(outside, 'secret.png'), 6, 6, 9);
    try {
      const ds = await open(dir, { checkFiles: false });
      fs.rmSync(path.join(dir, 'e3.png'));
      fs.symlinkSync(path.join(outside, 'secret.png'), path.join(dir, 'e3.png'));
      const batch = await ds.pipeline({ width: 8, height: 16 }).prepare(ds.samples);
      assert.deepEqual(
        batch.samples.map((s) => s.id),
        ['e1', 'e2'],
      );
      assert.deepEqual(
        batch.skipped.map((p) => [p.file, p.reason]),
        [[path.resolve(dir, 'e3.png'), `the image is a link to a file outside the dataset folder ${dir}; refused`]],
      );
      await assert.rejects(ds.pipeline().stacked(ds.samples[2]!), (e: Error) => e.message.includes('the image is a link to a file outside the dataset folder'));
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('explains a folder it cannot read as any dataset, a missing folder, and bad options', async () => {
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'hello');
    await assert.rejects(
      open(dir),
      (e: Error) =>
        e.message.startsWith(`${dir}: expected the layout of a known dataset (`) &&
        e.message.endsWith('; see datasets.md), found none; pass {format} to force one and see what is missing'),
    );
    await assert.rejects(open(path.join(dir, 'absent')), { message: `${path.join(dir, 'absent')}: expected a dataset folder, found nothing (ENOENT)` });
    await assert.rejects(open(dir, { format: 'coco' as never }), /^TypeError: idc\.data\.open: format: expected one of .*syned.*, found "coco"$/);
    await assert.rejects(open(dir, { onErorr: 'fail' } as never), {
      message: 'idc.data.open: unknown option "onErorr"; did you mean "onError"? expected one of format, onError, seed, emuEdit, cleanReferences, checkFiles',
    });
  });

  it('names the index file and the position of a JSON syntax error', async () => {
    fs.writeFileSync(path.join(dir, 'augmented_dataset.json'), '[{"idx": 0,\n "image": "o.png" "edited_image": "e1.png"}]');
    await assert.rejects(open(dir), {
      message: `${path.join(dir, 'augmented_dataset.json')}: expected JSON, found a syntax error at line 2, column 19 (comma expected)`,
    });
  });
});
