import assert from 'node:assert/strict';
import path from 'node:path';
import { ierReader } from '../../../../kernels/idc/data/formats/ier';
import { DatasetError } from '../../../../kernels/idc/data/problems';
import { TreeBuilder } from '../treeBuilder';

const entry = (uid: string, n: number, sents: unknown = [`edit ${n}`]) => ({ img0: `pic${n}_0.jpg`, img1: `pic${n}_1.png`, sents, uid });

async function ierTree(tree: TreeBuilder): Promise<void> {
  // img0 larger than img1: the pipeline resizes it, the reader only says so
  for (const n of [1, 2, 3, 4]) {
    await tree.png([`images/pic${n}_0.jpg`], 16, 12);
    await tree.png([`images/pic${n}_1.png`], 8, 6);
  }
  tree.json('train.json', [entry('Zhopped_2', 1), entry('Zhopped_7', 2)]);
  tree.json('valid.json', [entry('Reddit_5', 3, ['a', 'b', 'c'])]);
  tree.json('test.json', [entry('Reddit_1052', 4, ['take the people out', 'remove the two people', 'remove people behind'])]);
}

describe('Image Editing Request (IER) format', () => {
  let tree: TreeBuilder;
  beforeEach(() => (tree = TreeBuilder.create('ier')));
  afterEach(() => tree.remove());

  it('reads train, valid and test with images in images/, img0 resized to img1', async () => {
    await ierTree(tree);
    assert.equal(await ierReader.detect(tree.root), 'train.json, valid.json, test.json and images/');
    const ctx = tree.context();
    const { samples, notes } = await ierReader.load(ctx);
    assert.deepEqual(
      samples.map((s) => [s.id, s.split, s.category, s.resize, s.references]),
      [
        ['Zhopped_2', 'train', 'unknown', 'resize-before', ['edit 1']],
        ['Zhopped_7', 'train', 'unknown', 'resize-before', ['edit 2']],
        ['Reddit_5', 'validation', 'unknown', 'resize-before', ['a', 'b', 'c']],
        ['Reddit_1052', 'test', 'unknown', 'resize-before', ['take the people out', 'remove the two people', 'remove people behind']],
      ],
    );
    assert.deepEqual(samples[3]?.before, { kind: 'file', path: tree.path('images', 'pic4_0.jpg') });
    assert.deepEqual(samples[3]?.after, { kind: 'file', path: tree.path('images', 'pic4_1.png') });
    assert.deepEqual(ctx.problems.all, []);
    assert.deepEqual(notes, [
      'IER: img0 is resized to img1\'s size (bicubic) before stacking; no change categories (category "unknown"); valid.json is the validation split',
    ]);
  });

  it('is not detected without images/, and notes a missing split file', async () => {
    tree.json('train.json', [entry('u1', 1)]);
    assert.equal(await ierReader.detect(tree.root), undefined);
    await tree.png(['images/pic1_0.jpg', 'images/pic1_1.png']);
    assert.equal(await ierReader.detect(tree.root), 'train.json and images/');
    const { samples, notes } = await ierReader.load(tree.context());
    assert.deepEqual(
      samples.map((s) => s.id),
      ['u1'],
    );
    assert.equal(notes[1], 'no valid.json, test.json: those splits are empty');
  });

  it('refuses an image path that leaves images/, and reports missing images, references and uids', async () => {
    await ierTree(tree);
    tree.json('train.json', [
      { img0: '../outside.png', img1: 'pic1_1.png', sents: ['x'], uid: 'a' },
      { img1: 'pic2_1.png', sents: ['x'], uid: 'b' },
      { img0: 'pic2_0.jpg', img1: 'pic2_1.png', sents: [], uid: 'c' },
      { img0: 'pic3_0.jpg', img1: 'pic3_1.png', sents: ['no uid'] },
      { img0: 'pic4_0.jpg', img1: 'pic4_1.png', sents: ['same uid'], uid: 'Reddit_5' },
      { img0: 'pic1_0.jpg', img1: 'pic1_1.png', sents: ['a uid written as a number'], uid: 17 },
    ]);
    const ctx = tree.context();
    const { samples } = await ierReader.load(ctx);
    assert.deepEqual(
      samples.map((s) => [s.id, s.split]),
      [
        ['train.json[3]', 'train'],
        ['Reddit_5', 'train'],
        ['17', 'train'],
        ['valid.json[0]', 'validation'],
        ['Reddit_1052', 'test'],
      ],
    );
    const train = tree.path('train.json');
    assert.deepEqual(ctx.problems.all, [
      {
        file: train,
        field: '[0].img0',
        reason: `the image path "../outside.png" leaves the dataset folder; expected a path inside ${path.join(tree.root, 'images')}`,
        sample: 'a',
      },
      { file: train, field: '[1].img0', reason: 'expected an image file name in images/, found nothing (the field is missing)', sample: 'b' },
      { file: train, field: '[2].sents', reason: 'expected at least one reference caption, found an empty list', sample: 'c' },
      {
        file: train,
        field: '[3].uid',
        reason: 'expected a uid (a non-empty string or an integer), found nothing (the field is missing); the sample is kept as train.json[3]',
      },
      { file: tree.path('valid.json'), field: '[0].uid', reason: 'uid "Reddit_5" is already used by train.json[4]; this sample is kept as valid.json[0]' },
    ]);
    assert.deepEqual([...ctx.problems.skippedSamples], ['a', 'b', 'c']);
  });

  it('stops at the first problem under the fail policy', async () => {
    await ierTree(tree);
    tree.json('valid.json', [{ img0: '../outside.png', img1: 'pic3_1.png', sents: ['x'], uid: 'v' }]);
    await assert.rejects(
      ierReader.load(tree.context('fail')),
      (e: unknown) =>
        e instanceof DatasetError &&
        e.message ===
          `${tree.path('valid.json')}: [0].img0: the image path "../outside.png" leaves the dataset folder; expected a path inside ${path.join(tree.root, 'images')} (at sample v)`,
    );
  });

  it('fails on malformed JSON, a file that is not a list, or no split file at all', async () => {
    await ierTree(tree);
    tree.text('test.json', '[\n  {"img0": "a.png", "img1": "b.png", "sents": ["x"], "uid": "t"},\n]');
    await assert.rejects(ierReader.load(tree.context()), {
      name: 'DatasetError',
      message: `${tree.path('test.json')}: expected JSON, found a syntax error at line 3, column 1 (value expected)`,
    });
    tree.json('test.json', { uid: 't' });
    await assert.rejects(ierReader.load(tree.context()), {
      name: 'DatasetError',
      message: `${tree.path('test.json')}: expected a list of {img0, img1, sents, uid}, found an object`,
    });
    tree.remove();
    tree.folder('images');
    await assert.rejects(ierReader.load(tree.context()), {
      name: 'DatasetError',
      message: `${tree.root}: expected the IER split files train.json, valid.json and test.json, found none`,
    });
  });
});
