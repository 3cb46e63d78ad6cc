import assert from 'node:assert/strict';
import { clevrDcReader } from '../../../../kernels/idc/data/formats/clevrDc';
import { DatasetError } from '../../../../kernels/idc/data/problems';
import { TreeBuilder } from '../treeBuilder';

/**
 * Keys in file order "10", "2", "7", "3": JSON.parse would list them 2, 3, 7, 10, so the text
 * is written by hand and split_dc.json's positions must follow the file.
 */
const CAPTIONS = '{\n "10": ["ten a", "ten b"],\n "2": ["two"],\n "7": ["seven"],\n "3": ["three"]\n}';
const IDS = ['10', '2', '7', '3'];

async function dcTree(tree: TreeBuilder): Promise<void> {
  await tree.png(IDS.flatMap((id) => [`bef/${id}.png`, `aft/${id}.png`]));
  tree.text('captions_dc.json', CAPTIONS);
  tree.json('split_dc.json', { train: [0, 2], test: [1] });
}

describe('CLEVR-DC format', () => {
  let tree: TreeBuilder;
  beforeEach(() => (tree = TreeBuilder.create('clevr-dc')));
  afterEach(() => tree.remove());

  it('reads bef/aft pairs, with split positions in the key order of the file', async () => {
    assert.equal(await clevrDcReader.detect(tree.root), undefined);
    await dcTree(tree);
    assert.equal(await clevrDcReader.detect(tree.root), 'captions_dc.json and split_dc.json');
    const ctx = tree.context();
    const { samples, notes } = await clevrDcReader.load(ctx);
    assert.deepEqual(
      samples.map((s) => [s.id, s.split, s.category, s.resize, s.references]),
      [
        ['10', 'train', 'unknown', 'stack', ['ten a', 'ten b']],
        ['7', 'train', 'unknown', 'stack', ['seven']],
        ['2', 'test', 'unknown', 'stack', ['two']],
      ],
    );
    assert.deepEqual(samples[0]?.before, { kind: 'file', path: tree.path('bef', '10.png') });
    assert.deepEqual(samples[0]?.after, { kind: 'file', path: tree.path('aft', '10.png') });
    assert.deepEqual(ctx.problems.all, []);
    assert.deepEqual(notes, [
      'CLEVR-DC has no change categories (category "unknown"); "val" is the validation split',
      `${tree.path('split_dc.json')} has no "val" list: no validation split`,
      '1 of the 4 keys of captions_dc.json are in no split of split_dc.json; they are left out',
    ]);
  });

  it('keeps the order of keys that are not integers', async () => {
    await tree.png(['bef/b.png', 'aft/b.png', 'bef/a.png', 'aft/a.png']);
    tree.text('captions_dc.json', '{"b": ["bee"], "a": ["ay"]}');
    tree.json('split_dc.json', { train: [0], test: [1], val: [], dev: [] });
    const { samples, notes } = await clevrDcReader.load(tree.context());
    assert.deepEqual(
      samples.map((s) => [s.id, s.split]),
      [
        ['b', 'train'],
        ['a', 'test'],
      ],
    );
    assert.equal(notes[1], `${tree.path('split_dc.json')}: key(s) "dev" ignored; expected "train", "val" and "test"`);
  });

  it('skips and reports an empty reference list, a bad position and a pair in two splits', async () => {
    await dcTree(tree);
    tree.text('captions_dc.json', CAPTIONS.replace('["seven"]', '[]'));
    tree.json('split_dc.json', { train: [0, 2, 4], test: [1, 0, -1] });
    const ctx = tree.context();
    const { samples } = await clevrDcReader.load(ctx);
    assert.deepEqual(
      samples.map((s) => s.id),
      ['10', '2'],
    );
    const splits = tree.path('split_dc.json');
    assert.deepEqual(ctx.problems.all, [
      { file: tree.path('captions_dc.json'), field: '["7"]', reason: 'expected at least one reference caption, found an empty list', sample: '7' },
      { file: splits, field: 'train[2]', reason: 'expected a position in the 4 keys of captions_dc.json (0 to 3), found number 4' },
      { file: splits, field: 'test[1]', reason: 'position 0 (10) is already in train; kept there' },
      { file: splits, field: 'test[2]', reason: 'expected a position in the 4 keys of captions_dc.json (0 to 3), found number -1' },
    ]);
  });

  it('stops at the first problem under the fail policy', async () => {
    await dcTree(tree);
    tree.json('split_dc.json', { train: [9], test: [] });
    await assert.rejects(
      clevrDcReader.load(tree.context('fail')),
      (e: unknown) =>
        e instanceof DatasetError &&
        e.message === `${tree.path('split_dc.json')}: train[0]: expected a position in the 4 keys of captions_dc.json (0 to 3), found number 9`,
    );
  });

  it('fails on a malformed or missing index file, naming it', async () => {
    await dcTree(tree);
    tree.text('captions_dc.json', '{"10": ["a"]\n "2": ["b"]}');
    await assert.rejects(clevrDcReader.load(tree.context()), {
      name: 'DatasetError',
      message: `${tree.path('captions_dc.json')}: expected JSON, found a syntax error at line 2, column 2 (comma expected)`,
    });
    tree.text('captions_dc.json', CAPTIONS);
    tree.text('split_dc.json', '[]');
    await assert.rejects(clevrDcReader.load(tree.context()), {
      name: 'DatasetError',
      message: `${tree.path('split_dc.json')}: expected an object, found a list`,
    });
  });

  it('fails when split_dc.json is missing', async () => {
    await tree.png(['bef/1.png', 'aft/1.png']);
    tree.json('captions_dc.json', { '1': ['one'] });
    assert.equal(await clevrDcReader.detect(tree.root), 'captions_dc.json');
    await assert.rejects(clevrDcReader.load(tree.context()), { name: 'DatasetError', message: `${tree.path('split_dc.json')}: cannot read the file (ENOENT)` });
  });

  it('reads the released names, captions.json and split.json, with val as the validation split', async () => {
    await tree.png(IDS.flatMap((id) => [`bef/${id}.png`, `aft/${id}.png`]));
    tree.text('captions.json', CAPTIONS);
    tree.json('split.json', { train: [0], val: [3, 2], test: [1] });
    assert.equal(await clevrDcReader.detect(tree.root), 'captions.json and split.json');
    const ctx = tree.context('fail');
    const { samples, notes } = await clevrDcReader.load(ctx);
    assert.deepEqual(
      samples.map((s) => [s.id, s.split, s.references]),
      [
        ['10', 'train', ['ten a', 'ten b']],
        ['3', 'validation', ['three']],
        ['7', 'validation', ['seven']],
        ['2', 'test', ['two']],
      ],
    );
    assert.deepEqual(notes, ['CLEVR-DC has no change categories (category "unknown"); "val" is the validation split']);
    // BLIP2IDC's copies beside them are not read twice
    tree.text('captions_dc.json', CAPTIONS);
    tree.json('split_dc.json', { train: [0, 1, 2, 3], val: [], test: [] });
    const both = await clevrDcReader.load(tree.context());
    assert.deepEqual(
      both.samples.map((s) => s.split),
      ['train', 'validation', 'validation', 'test'],
    );
    assert.equal(both.notes[1], 'read captions.json and split.json; captions_dc.json is not read');
  });

  it('needs split.json or bef/ beside captions.json to detect the released names, and names both namings when forced on neither', async () => {
    await assert.rejects(clevrDcReader.load(tree.context()), {
      name: 'DatasetError',
      message: `${tree.root}: expected CLEVR-DC captions.json and split.json (as released) or captions_dc.json and split_dc.json (as BLIP2IDC names them), found neither`,
    });
    tree.json('captions.json', { '0': ['zero'] });
    assert.equal(await clevrDcReader.detect(tree.root), undefined);
    await assert.rejects(clevrDcReader.load(tree.context()), { name: 'DatasetError', message: `${tree.path('split.json')}: cannot read the file (ENOENT)` });
    await tree.png(['bef/0.png', 'aft/0.png']);
    assert.equal(await clevrDcReader.detect(tree.root), 'captions.json and bef/');
  });

  it('says when split values do not join the caption keys: a split file of the whole release beside trimmed captions', async () => {
    await tree.png(['0', '6800'].flatMap((id) => [`bef/${id}.png`, `aft/${id}.png`]));
    tree.json('captions.json', { '0': ['zero'], '6800': ['six thousand eight hundred'] });
    tree.json('split.json', { train: [0], val: [6800], test: [] });
    const ctx = tree.context();
    const { samples } = await clevrDcReader.load(ctx);
    assert.deepEqual(
      samples.map((s) => s.id),
      ['0'],
    );
    assert.deepEqual(ctx.problems.all, [
      {
        file: tree.path('split.json'),
        field: 'val[0]',
        reason:
          'expected a position in the 2 keys of captions.json (0 to 1), found number 6800; captions.json has a key "6800", but split values are positions in its key order, not ids: were the two files trimmed apart?',
      },
    ]);
  });
});
