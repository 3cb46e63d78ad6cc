import assert from 'node:assert/strict';
import { spotTheDiffReader } from '../../../../kernels/idc/data/formats/spotTheDiff';
import { DatasetError } from '../../../../kernels/idc/data/problems';
import { TreeBuilder } from '../treeBuilder';

const brief = (s: { id: string; split: string; category: string; resize: string; references: string[] }) => [s.id, s.split, s.category, s.resize, s.references];

describe('Spot-the-Diff format', () => {
  let tree: TreeBuilder;
  beforeEach(() => (tree = TreeBuilder.create('spot-the-diff')));
  afterEach(() => tree.remove());

  it('reads annotations/{train,val,test}.json with resized_images/original and modified', async () => {
    await tree.png(['1', '22', '5', '9'].flatMap((id) => [`resized_images/original/${id}.png`, `resized_images/modified/${id}_2.png`]));
    tree.json('annotations/train.json', [
      { img_id: '1', sentences: ['the car is gone', 'a man appeared'] },
      { img_id: '22', sentences: ['the door is open'] },
    ]);
    tree.json('annotations/val.json', [{ img_id: 5, sentences: ['a bike moved'] }]);
    tree.json('annotations/test.json', [{ img_id: '9', sentences: ['nothing', 'two', 'three'] }]);
    assert.equal(await spotTheDiffReader.detect(tree.root), 'annotations/train.json, annotations/val.json, annotations/test.json and resized_images/');
    const ctx = tree.context();
    const { samples, notes } = await spotTheDiffReader.load(ctx);
    assert.deepEqual(samples.map(brief), [
      ['1', 'train', 'unknown', 'stack', ['the car is gone', 'a man appeared']],
      ['22', 'train', 'unknown', 'stack', ['the door is open']],
      ['5', 'validation', 'unknown', 'stack', ['a bike moved']],
      ['9', 'test', 'unknown', 'stack', ['nothing', 'two', 'three']],
    ]);
    assert.deepEqual(samples[0]?.before, { kind: 'file', path: tree.path('resized_images', 'original', '1.png') });
    assert.deepEqual(samples[0]?.after, { kind: 'file', path: tree.path('resized_images', 'modified', '1_2.png') });
    assert.deepEqual(ctx.problems.all, []);
    assert.deepEqual(notes, [
      'Spot-the-Diff has no change categories (category "unknown"); each sentence of a pair is one reference',
      'images read from resized_images/original/<img_id>.png and resized_images/modified/<img_id>_2.png',
    ]);
  });

  it('reads reformat_<split>.json and images side by side in resized_images/', async () => {
    await tree.png(['3', '4'].flatMap((id) => [`resized_images/${id}.png`, `resized_images/${id}_2.png`]));
    tree.json('annotations/reformat_train.json', [{ img_id: '3', sentences: ['a'] }]);
    tree.json('reformat_test.json', [{ img_id: '4', sentences: ['b'] }]);
    assert.equal(await spotTheDiffReader.detect(tree.root), 'annotations/reformat_train.json, reformat_test.json and resized_images/');
    const { samples, notes } = await spotTheDiffReader.load(tree.context());
    assert.deepEqual(
      samples.map((s) => [s.id, s.split]),
      [
        ['3', 'train'],
        ['4', 'test'],
      ],
    );
    assert.deepEqual(samples[1]?.before, { kind: 'file', path: tree.path('resized_images', '4.png') });
    assert.deepEqual(samples[1]?.after, { kind: 'file', path: tree.path('resized_images', '4_2.png') });
    assert.deepEqual(notes.slice(1), [
      'no annotations for val: that split is empty',
      'images read from resized_images/<img_id>.png and resized_images/<img_id>_2.png (no resized_images/original/ folder)',
    ]);
  });

  it('is not detected without resized_images/ or annotations', async () => {
    tree.json('annotations/train.json', []);
    assert.equal(await spotTheDiffReader.detect(tree.root), undefined);
    tree.remove();
    tree.folder('resized_images');
    assert.equal(await spotTheDiffReader.detect(tree.root), undefined);
    await assert.rejects(spotTheDiffReader.load(tree.context()), {
      name: 'DatasetError',
      message: `${tree.path('annotations')}: expected Spot-the-Diff annotations annotations/{train,val,test}.json (or reformat_{train,val,test}.json), found none`,
    });
  });

  it('skips and reports an empty sentence list, a bad entry and a pair in two splits', async () => {
    await tree.png(['1', '2'].flatMap((id) => [`resized_images/original/${id}.png`, `resized_images/modified/${id}_2.png`]));
    tree.json('annotations/train.json', [{ img_id: '1', sentences: [] }, { img_id: '2', sentences: ['ok', 7] }, 'junk', { sentences: ['x'] }]);
    tree.json('annotations/test.json', [{ img_id: '2', sentences: ['again'] }]);
    const ctx = tree.context();
    const { samples } = await spotTheDiffReader.load(ctx);
    assert.deepEqual(
      samples.map((s) => [s.id, s.split, s.references]),
      [['2', 'train', ['ok']]],
    );
    const train = tree.path('annotations', 'train.json');
    assert.deepEqual(ctx.problems.all, [
      { file: train, field: '[0].sentences', reason: 'expected at least one reference caption, found an empty list', sample: '1' },
      { file: train, field: '[1].sentences[1]', reason: 'expected a reference caption (string), found number 7; left out' },
      { file: train, field: '[2]', reason: 'expected an object {img_id, sentences}, found the string "junk"', sample: 'train[2]' },
      { file: train, field: '[3].img_id', reason: 'expected the image id (a string), found nothing (the field is missing)', sample: 'train[3]' },
      { file: tree.path('annotations', 'test.json'), field: '[0].img_id', reason: 'img_id 2 is already listed in annotations/train.json; kept there' },
    ]);
  });

  it('stops at the first problem under the fail policy, and fails on malformed JSON', async () => {
    tree.folder('resized_images');
    tree.json('annotations/train.json', [{ img_id: '1', sentences: [] }]);
    await assert.rejects(
      spotTheDiffReader.load(tree.context('fail')),
      (e: unknown) =>
        e instanceof DatasetError &&
        e.message === `${tree.path('annotations', 'train.json')}: [0].sentences: expected at least one reference caption, found an empty list (at sample 1)`,
    );
    tree.text('annotations/train.json', '[{"img_id": "1", "sentences": ["a"]}');
    await assert.rejects(spotTheDiffReader.load(tree.context()), {
      name: 'DatasetError',
      message: `${tree.path('annotations', 'train.json')}: expected JSON, found a syntax error at line 1, column 37 (close bracket expected)`,
    });
    tree.json('annotations/train.json', { img_id: '1' });
    await assert.rejects(spotTheDiffReader.load(tree.context()), {
      name: 'DatasetError',
      message: `${tree.path('annotations', 'train.json')}: expected a list of {img_id, sentences}, found an object`,
    });
  });

  it('merges the entries of one img_id (one per annotator) into one pair, sentences in file order', async () => {
    await tree.png(['7', '8'].flatMap((id) => [`resized_images/${id}.png`, `resized_images/${id}_2.png`]));
    tree.json('annotations/train.json', [
      { img_id: '7', sentences: ['a car left', 'a man came'] },
      { img_id: '8', sentences: ['nothing changed'] },
      { img_id: '7', sentences: ['the car is gone'] },
      { img_id: '7', sentences: ['the man is new', 'the car moved'] },
    ]);
    for (const policy of ['skip', 'fail'] as const) {
      const ctx = tree.context(policy);
      const { samples, notes, tallies } = await spotTheDiffReader.load(ctx);
      assert.deepEqual(samples.map(brief), [
        ['7', 'train', 'unknown', 'stack', ['a car left', 'a man came', 'the car is gone', 'the man is new', 'the car moved']],
        ['8', 'train', 'unknown', 'stack', ['nothing changed']],
      ]);
      assert.deepEqual(ctx.problems.all, []);
      assert.deepEqual(tallies, [{ what: 'repeated img_id entries merged into their pairs (one per annotator)', count: 2 }]);
      assert.equal(
        notes.at(-1),
        "2 entries repeat an img_id listed earlier in their file (one entry per annotator); merged into that pair's references, in file order",
      );
    }
  });

  it('leaves empty sentences out, reported by file and entry, and leaves out a pair with no other sentence, even under fail', async () => {
    await tree.png(['3', '4'].flatMap((id) => [`resized_images/${id}.png`, `resized_images/${id}_2.png`]));
    tree.json('annotations/train.json', [
      { img_id: '3', sentences: [''] },
      { img_id: '4', sentences: ['a bike appeared', ' '] },
      { img_id: '4', sentences: [''] },
      { img_id: '3', sentences: [''] },
    ]);
    const train = tree.path('annotations', 'train.json');
    for (const policy of ['skip', 'fail'] as const) {
      const ctx = tree.context(policy);
      const { samples } = await spotTheDiffReader.load(ctx);
      assert.deepEqual(
        samples.map((s) => [s.id, s.references]),
        [['4', ['a bike appeared']]],
      );
      assert.deepEqual(ctx.problems.all, [
        { file: train, field: '[0].sentences', reason: 'every sentence of img_id 3 is empty (""); the pair has no reference and is left out', sample: '3' },
        { file: train, field: '[1].sentences[1]', reason: 'an empty sentence (" "); left out of the references', sample: '4', kept: true },
        { file: train, field: '[2].sentences[0]', reason: 'an empty sentence (""); left out of the references', sample: '4', kept: true },
      ]);
      assert.deepEqual([...ctx.problems.skippedSamples], ['3']);
    }
  });

  it("reads CLIP4IDC's layout: reformat_<split>.json beside images/<img_id>.png and images/<img_id>_2.png", async () => {
    await tree.png(['5', '6'].flatMap((id) => [`images/${id}.png`, `images/${id}_2.png`]));
    tree.json('reformat_val.json', [{ img_id: '5', sentences: ['a', 'b'] }]);
    tree.json('reformat_test.json', [{ img_id: '6', sentences: ['c'] }]);
    assert.equal(await spotTheDiffReader.detect(tree.root), 'reformat_val.json, reformat_test.json and images/');
    const ctx = tree.context();
    const { samples, notes } = await spotTheDiffReader.load(ctx);
    assert.deepEqual(
      samples.map((s) => [s.id, s.split, s.references]),
      [
        ['5', 'validation', ['a', 'b']],
        ['6', 'test', ['c']],
      ],
    );
    assert.deepEqual(samples[0]?.before, { kind: 'file', path: tree.path('images', '5.png') });
    assert.deepEqual(samples[0]?.after, { kind: 'file', path: tree.path('images', '5_2.png') });
    assert.equal(notes.at(-1), "images read from images/<img_id>.png and images/<img_id>_2.png (CLIP4IDC's layout; no resized_images/ folder)");
    assert.deepEqual(ctx.problems.all, []);
  });

  it('keeps the sentences of a pair whose other entry has a bad list, and reports that entry', async () => {
    await tree.png(['1'].flatMap((id) => [`resized_images/${id}.png`, `resized_images/${id}_2.png`]));
    tree.json('annotations/train.json', [
      { img_id: '1', sentences: 'one sentence' },
      { img_id: '1', sentences: {} },
      { img_id: '1', sentences: [] },
    ]);
    const train = tree.path('annotations', 'train.json');
    const ctx = tree.context();
    const { samples } = await spotTheDiffReader.load(ctx);
    assert.deepEqual(
      samples.map((s) => [s.id, s.references]),
      [['1', ['one sentence']]],
    );
    assert.deepEqual(ctx.problems.all, [
      { file: train, field: '[1].sentences', reason: 'expected a list of sentences, found an object' },
      { file: train, field: '[2].sentences', reason: 'expected at least one reference caption, found an empty list' },
    ]);
    assert.deepEqual([...ctx.problems.skippedSamples], []);
  });

  it('reports a pair left without any sentence that is a string', async () => {
    await tree.png(['1'].flatMap((id) => [`resized_images/${id}.png`, `resized_images/${id}_2.png`]));
    tree.json('annotations/train.json', [{ img_id: '1', sentences: [7, null] }]);
    const train = tree.path('annotations', 'train.json');
    const ctx = tree.context();
    const { samples } = await spotTheDiffReader.load(ctx);
    assert.deepEqual(samples, []);
    assert.deepEqual(ctx.problems.all, [
      { file: train, field: '[0].sentences[0]', reason: 'expected a reference caption (string), found number 7; left out' },
      { file: train, field: '[0].sentences[1]', reason: 'expected a reference caption (string), found null; left out' },
      { file: train, field: 'img_id 1', reason: 'expected a sentence for the pair, found none that is a string', sample: '1' },
    ]);
  });
});
