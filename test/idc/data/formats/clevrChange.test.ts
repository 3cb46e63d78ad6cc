import assert from 'node:assert/strict';
import fs from 'node:fs';
import { clevrChangeReader } from '../../../../kernels/idc/data/formats/clevrChange';
import { DatasetError } from '../../../../kernels/idc/data/problems';
import type { IdcSample } from '../../../../kernels/idc/data/types';
import { TreeBuilder } from '../treeBuilder';

/** Four reference numbers, not contiguous: splits.json names them by number, not by place in the folder. */
const NUMBERS = ['000020', '000005', '000031', '000010'];
const key = (n: string) => `CLEVR_default_${n}.png`;

async function clevrTree(tree: TreeBuilder, prefix = ''): Promise<void> {
  await tree.png(
    NUMBERS.flatMap((n) => [`${prefix}images/${key(n)}`, `${prefix}sc_images/CLEVR_semantic_${n}.png`, `${prefix}nsc_images/CLEVR_nonsemantic_${n}.png`]),
    12,
    8,
  );
  tree.json(`${prefix}change_captions.json`, Object.fromEntries(NUMBERS.map((n) => [key(n), [`change ${n} a`, `change ${n} b`]])));
  tree.json(`${prefix}no_change_captions.json`, Object.fromEntries(NUMBERS.map((n) => [key(n), [`same ${n}`]])));
  tree.json(`${prefix}splits.json`, { train: [20, 5], val: [10], test: [31] });
  tree.json(`${prefix}type_mapping.json`, { color: ['000005.png'], material: ['000010.png'], move: ['000020.png'], add: [], drop: ['000031.png'] });
}

const brief = (s: IdcSample) => [s.id, s.split, s.category, s.references];

describe('CLEVR-Change format', () => {
  let tree: TreeBuilder;
  beforeEach(() => (tree = TreeBuilder.create('clevr-change')));
  afterEach(() => tree.remove());

  it('reads semantic pairs and their distractors by the image numbers of splits.json', async () => {
    await clevrTree(tree);
    assert.equal(await clevrChangeReader.detect(tree.root), 'change_captions.json and images/');
    const ctx = tree.context();
    const { samples, notes } = await clevrChangeReader.load(ctx);
    assert.deepEqual(samples.map(brief), [
      ['CLEVR_semantic_000020', 'train', 'move', ['change 000020 a', 'change 000020 b']],
      ['CLEVR_nonsemantic_000020', 'train', 'distractor', ['same 000020']],
      ['CLEVR_semantic_000005', 'train', 'color', ['change 000005 a', 'change 000005 b']],
      ['CLEVR_nonsemantic_000005', 'train', 'distractor', ['same 000005']],
      ['CLEVR_semantic_000010', 'validation', 'material', ['change 000010 a', 'change 000010 b']],
      ['CLEVR_nonsemantic_000010', 'validation', 'distractor', ['same 000010']],
      ['CLEVR_semantic_000031', 'test', 'drop', ['change 000031 a', 'change 000031 b']],
      ['CLEVR_nonsemantic_000031', 'test', 'distractor', ['same 000031']],
    ]);
    assert.deepEqual(samples[0]?.before, { kind: 'file', path: tree.path('images', 'CLEVR_default_000020.png') });
    assert.deepEqual(samples[0]?.after, { kind: 'file', path: tree.path('sc_images', 'CLEVR_semantic_000020.png') });
    assert.deepEqual(samples[1]?.before, { kind: 'file', path: tree.path('images', 'CLEVR_default_000020.png') });
    assert.deepEqual(samples[1]?.after, { kind: 'file', path: tree.path('nsc_images', 'CLEVR_nonsemantic_000020.png') });
    assert.ok(samples.every((s) => s.resize === 'stack'));
    assert.deepEqual(ctx.problems.all, []);
    assert.deepEqual(notes, [
      'categories: color, material (the paper\'s "Texture"), move, add, drop for the semantic pairs, "distractor" for the viewpoint/lighting-only pairs',
    ]);
  });

  it('also reads the folder that holds data/, and is not detected elsewhere', async () => {
    assert.equal(await clevrChangeReader.detect(tree.root), undefined);
    await clevrTree(tree, 'data/');
    assert.equal(await clevrChangeReader.detect(tree.root), 'data/change_captions.json and data/images/');
    const { samples } = await clevrChangeReader.load(tree.context());
    assert.equal(samples.length, 8);
    assert.deepEqual(samples[6]?.after, { kind: 'file', path: tree.path('data', 'sc_images', 'CLEVR_semantic_000031.png') });
  });

  it('leaves out images in no split (with a note), and without type_mapping.json has category "unknown"', async () => {
    await clevrTree(tree);
    tree.json('splits.json', { train: [5], val: [], test: [] });
    fs.rmSync(tree.path('type_mapping.json'));
    const { samples, notes } = await clevrChangeReader.load(tree.context());
    assert.deepEqual(samples.map(brief), [
      ['CLEVR_semantic_000005', 'train', 'unknown', ['change 000005 a', 'change 000005 b']],
      ['CLEVR_nonsemantic_000005', 'train', 'distractor', ['same 000005']],
    ]);
    assert.deepEqual(notes.slice(0, 2), [
      `no ${tree.path('type_mapping.json')}: the semantic pairs have category "unknown"`,
      '3 of the 4 reference images are in no split of splits.json; they and their partners are left out',
    ]);
  });

  it('skips and reports what is wrong with one sample', async () => {
    await clevrTree(tree);
    const captions = Object.fromEntries(NUMBERS.map((n) => [key(n), [`change ${n}`]]));
    // a caption key of an image in no split is not read, so it is not a problem
    tree.json('change_captions.json', { ...captions, [key('000005')]: [], [key('000099')]: ['no image'] });
    tree.json('splits.json', { train: [5, 7], val: [10, 5], test: [31, 'x', -1] });
    tree.json('type_mapping.json', {
      color: ['000005.png', 'junk'],
      material: ['000010.png'],
      move: [],
      add: [],
      drop: ['000031.png'],
      shape: ['000020.png'],
    });
    const ctx = tree.context();
    const { samples, notes } = await clevrChangeReader.load(ctx);
    assert.deepEqual(
      samples.map((s) => s.id),
      ['CLEVR_nonsemantic_000005', 'CLEVR_semantic_000010', 'CLEVR_nonsemantic_000010', 'CLEVR_semantic_000031', 'CLEVR_nonsemantic_000031'],
    );
    const changes = tree.path('change_captions.json');
    const splits = tree.path('splits.json');
    const types = tree.path('type_mapping.json');
    const expectedNumber = 'expected an image number (an integer >= 0, the XXXXXX of CLEVR_default_XXXXXX.png), found';
    const missing = 'expected the reference image images/CLEVR_default_000007.png of image number 7, found none in the folder';
    assert.deepEqual(ctx.problems.all, [
      { file: types, field: 'color[1]', reason: 'expected an image id ("XXXXXX.png"), found the string "junk"; ignored' },
      { file: types, field: 'shape', reason: 'unknown change type; expected one of color, material, move, add, drop; its ids are ignored' },
      { file: splits, field: 'val[1]', reason: 'image number 5 is already in train; kept there' },
      { file: splits, field: 'test[1]', reason: `${expectedNumber} the string "x"` },
      { file: splits, field: 'test[2]', reason: `${expectedNumber} number -1` },
      {
        file: changes,
        field: '["CLEVR_default_000005.png"]',
        reason: 'expected at least one reference caption, found an empty list',
        sample: 'CLEVR_semantic_000005',
      },
      { file: splits, field: 'train[1]', reason: missing, sample: 'CLEVR_semantic_000007' },
      { file: splits, field: 'train[1]', reason: missing, sample: 'CLEVR_nonsemantic_000007' },
    ]);
    assert.deepEqual([...ctx.problems.skippedSamples], ['CLEVR_semantic_000005', 'CLEVR_semantic_000007', 'CLEVR_nonsemantic_000007']);
    assert.equal(notes[0], '1 of the 4 reference images are in no split of splits.json; they and their partners are left out');
  });

  it('reads the right images from a partial images/ folder, and reports the missing ones by name', async () => {
    // values the release lists (val 19 and 24036), with only four images in the folder
    const numbers = ['000000', '000001', '000019', '024036'];
    await tree.png(numbers.flatMap((n) => [`images/${key(n)}`, `sc_images/CLEVR_semantic_${n}.png`, `nsc_images/CLEVR_nonsemantic_${n}.png`]));
    tree.json('change_captions.json', Object.fromEntries([...numbers, '000002'].map((n) => [key(n), [`change ${n}`]])));
    tree.json('no_change_captions.json', Object.fromEntries([...numbers, '000002'].map((n) => [key(n), [`same ${n}`]])));
    tree.json('splits.json', { train: [1, 0], val: [19, 24036], test: [2] });
    const ctx = tree.context();
    const { samples } = await clevrChangeReader.load(ctx);
    const image = (n: string) => ({ kind: 'file', path: tree.path('images', key(n)) });
    // as positions in this sorted folder of four, 19 and 24036 would both be out of range
    assert.deepEqual(
      samples.filter((s) => s.category !== 'distractor').map((s) => [s.id, s.split, s.before, s.references]),
      [
        ['CLEVR_semantic_000001', 'train', image('000001'), ['change 000001']],
        ['CLEVR_semantic_000000', 'train', image('000000'), ['change 000000']],
        ['CLEVR_semantic_000019', 'validation', image('000019'), ['change 000019']],
        ['CLEVR_semantic_024036', 'validation', image('024036'), ['change 024036']],
      ],
    );
    const reason = 'expected the reference image images/CLEVR_default_000002.png of image number 2, found none in the folder';
    assert.deepEqual(ctx.problems.all, [
      { file: tree.path('splits.json'), field: 'test[0]', reason, sample: 'CLEVR_semantic_000002' },
      { file: tree.path('splits.json'), field: 'test[0]', reason, sample: 'CLEVR_nonsemantic_000002' },
    ]);
  });

  it('gives a full folder the pairs its sorted positions gave: there, number and position agree', async () => {
    const numbers = ['000000', '000001', '000002', '000003'];
    await tree.png(numbers.flatMap((n) => [`images/${key(n)}`, `sc_images/CLEVR_semantic_${n}.png`, `nsc_images/CLEVR_nonsemantic_${n}.png`]));
    tree.json('change_captions.json', Object.fromEntries(numbers.map((n) => [key(n), [`change ${n}`]])));
    tree.json('no_change_captions.json', Object.fromEntries(numbers.map((n) => [key(n), [`same ${n}`]])));
    tree.json('splits.json', { train: [2, 0], val: [1], test: [3] });
    const sorted = fs.readdirSync(tree.path('images')).sort();
    const { samples } = await clevrChangeReader.load(tree.context());
    const semantic = samples.filter((s) => s.category !== 'distractor');
    // what the original loader reads: sorted(os.listdir(images))[value]
    assert.deepEqual(
      semantic.map((s) => s.before),
      [2, 0, 1, 3].map((position) => ({ kind: 'file', path: tree.path('images', sorted[position] as string) })),
    );
    assert.deepEqual(
      semantic.map((s) => s.split),
      ['train', 'train', 'validation', 'test'],
    );
  });

  it('reports a split image without captions', async () => {
    await clevrTree(tree);
    tree.json('no_change_captions.json', { [key('000005')]: ['same'] });
    const ctx = tree.context();
    const { samples } = await clevrChangeReader.load(ctx);
    assert.deepEqual(
      samples.filter((s) => s.category === 'distractor').map((s) => s.id),
      ['CLEVR_nonsemantic_000005'],
    );
    assert.deepEqual(ctx.problems.all[0], {
      file: tree.path('no_change_captions.json'),
      field: '["CLEVR_default_000020.png"]',
      reason: 'expected the captions of CLEVR_default_000020.png (it is in splits.json), found none',
      sample: 'CLEVR_nonsemantic_000020',
    });
  });

  it('stops at the first problem under the fail policy', async () => {
    await clevrTree(tree);
    tree.json('splits.json', { train: [20, 7], val: [], test: [] });
    await assert.rejects(
      clevrChangeReader.load(tree.context('fail')),
      (e: unknown) =>
        e instanceof DatasetError &&
        e.message ===
          `${tree.path('splits.json')}: train[1]: expected the reference image images/CLEVR_default_000007.png of image number 7, found none in the folder (at sample CLEVR_semantic_000007)`,
    );
  });

  it('fails on a malformed or missing index file, naming it', async () => {
    await clevrTree(tree);
    tree.text('change_captions.json', '{\n  "CLEVR_default_000005.png": ["a",]\n}');
    await assert.rejects(clevrChangeReader.load(tree.context()), {
      name: 'DatasetError',
      message: `${tree.path('change_captions.json')}: expected JSON, found a syntax error at line 2, column 36 (value expected)`,
    });
    await clevrTree(tree);
    fs.rmSync(tree.path('no_change_captions.json'));
    await assert.rejects(clevrChangeReader.load(tree.context()), {
      name: 'DatasetError',
      message: `${tree.path('no_change_captions.json')}: cannot read the file (ENOENT)`,
    });
    tree.json('no_change_captions.json', {});
    tree.json('splits.json', { train: [], test: [] });
    await assert.rejects(clevrChangeReader.load(tree.context()), {
      name: 'DatasetError',
      message: `${tree.path('splits.json')}: val: expected a list of image numbers, found nothing (the field is missing)`,
    });
  });
});
