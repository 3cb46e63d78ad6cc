import assert from 'node:assert/strict';
import sharp from 'sharp';
import { Dataset } from '../../../kernels/idc/data/dataset';
import { ProblemLog } from '../../../kernels/idc/data/problems';
import type { IdcSample, Split } from '../../../kernels/idc/data/types';
import { IDC_MIME, type ImagePairPayload } from '../../../kernels/outputs/contracts';
import { MIME_BUNDLE } from '../../../kernels/outputs/richOutput';
import { pattern } from './pngFixtures';

function raw(name: string, width: number, height: number, seed: number) {
  return { kind: 'raw' as const, name, width, height, data: pattern(width, height, seed) };
}

function sample(id: string, split: Split, category: string, references: string[], size = 8): IdcSample {
  return { id, before: raw(`${id}-a`, size, size, 1), after: raw(`${id}-b`, size, size, 2), references, category, split, resize: 'stack' };
}

const XSS = '<img src=x onerror=alert(1)>';

describe('Dataset views', () => {
  const problems = new ProblemLog();
  problems.report({ file: '/data/x.json', field: '[3].sentences', reason: 'expected at least one reference caption, found an empty list', sample: 'gone' });
  const ds = new Dataset({
    format: 'spot-the-diff',
    root: '/data',
    samples: [
      sample('a', 'train', 'add', ['r1', 'r2']),
      sample('b', 'train', 'remove', ['r1']),
      sample('c', 'test', 'add', [XSS, 'r2', 'r3']),
      sample('d', 'validation', 'add', ['x'], 12),
    ],
    problems,
    notes: ['no validation split in the files'],
    detectedFrom: 'annotations/',
  });

  it('summarises counts by split and category, references per pair, image sizes and what was skipped', async () => {
    const out = await ds.summary({ sizes: 'all' });
    const s = out.summary;
    assert.deepEqual(s.counts, { train: { add: 1, remove: 1 }, validation: { add: 1, remove: 0 }, test: { add: 1, remove: 0 } });
    assert.deepEqual(s.references, { min: 1, mean: 7 / 4, max: 3, histogram: { '1': 2, '2': 1, '3': 1 } });
    assert.deepEqual(s.sizes, [
      { width: 8, height: 8, count: 6 },
      { width: 12, height: 12, count: 2 },
    ]);
    assert.equal(s.skipped, 1);
    assert.equal(
      out[MIME_BUNDLE]()['text/plain'],
      [
        'Spot-the-Diff (/data): 4 pairs; 1 skipped',
        '',
        'split       add  remove  total',
        'train         1       1      2',
        'validation    1       0      1',
        'test          1       0      1',
        'total         3       1      4',
        '',
        'references per pair: 1 to 3, mean 1.75 (1: 2, 2: 1, 3: 1)',
        'image sizes: 8x8 (6), 12x12 (2)',
        '',
        'problems (1):',
        '  /data/x.json: [3].sentences: expected at least one reference caption, found an empty list (sample gone skipped)',
        'note: no validation split in the files',
      ].join('\n'),
    );
  });

  it('shows a page of pairs as an image-pair output with PNG and text fallbacks; captions stay text', async () => {
    const pairs = await ds.pairs({ category: 'add', take: 2, predictions: { c: 'a dog appeared' }, scores: { c: { CIDEr: 0.5 } } });
    const bundle = pairs[MIME_BUNDLE]();
    const payload = bundle[IDC_MIME.imagePair] as unknown as ImagePairPayload;
    assert.equal(payload.v, 1);
    assert.equal(payload.title, 'Spot-the-Diff (add)');
    assert.deepEqual([payload.offset, payload.total], [0, 3]);
    assert.deepEqual(
      payload.pairs.map((p) => [p.id, p.category, p.split, p.references, p.prediction, p.scores]),
      [
        ['a', 'add', 'train', ['r1', 'r2'], undefined, undefined],
        ['c', 'add', 'test', [XSS, 'r2', 'r3'], 'a dog appeared', { CIDEr: 0.5 }],
      ],
    );
    const before = payload.pairs[0]!.before;
    assert.deepEqual([before.mime, before.width, before.height], ['image/png', 8, 8]);
    const decoded = await sharp(Buffer.from(before.data, 'base64')).raw().toBuffer();
    assert.deepEqual(decoded, Buffer.from(pattern(8, 8, 1)));
    const maskPng = Buffer.from(payload.pairs[0]!.mask!.data, 'base64');
    assert.equal((await sharp(maskPng).metadata()).channels, 1);
    const mask = await sharp(maskPng).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    const a = pattern(8, 8, 1);
    const b = pattern(8, 8, 2);
    assert.equal(mask.data[0], Math.max(...[0, 1, 2].map((c) => Math.abs((a[c] as number) - (b[c] as number)))));
    const text = bundle['text/plain'] as string;
    assert.ok(text.startsWith('Spot-the-Diff (add): pairs 1-2 of 3\n'));
    assert.ok(text.includes(`  ref 1: ${XSS}\n`));
    assert.ok(text.includes('  prediction: a dog appeared\n  CIDEr 0.500'));
    const png = await sharp(Buffer.from(bundle['image/png'] as Uint8Array)).metadata();
    assert.deepEqual([png.width, png.height], [4 + 96 * 3 + 8 + 4, 4 + 2 * (96 + 4)]);
  });

  it('reports a pair whose sizes differ in a format that stacks without resizing, and rejects a bad page', async () => {
    const mismatched = new Dataset({
      format: 'clevr-change',
      samples: [{ ...sample('m', 'test', 'add', ['r']), after: raw('m-b', 6, 8, 2) }, sample('ok', 'test', 'add', ['r'])],
    });
    const pairs = await mismatched.pairs();
    assert.deepEqual(
      pairs.payload.pairs.map((p) => p.id),
      ['ok'],
    );
    assert.deepEqual(pairs.payload.notes, [
      'm not shown: m-b: expected the size of its reference m-a (8x8; this format stacks the images without resizing), found 6x8',
    ]);
    assert.equal(mismatched.problemLog.skippedSamples.has('m'), true);
    await assert.rejects(mismatched.pairs({ take: 0 }), { message: 'dataset.pairs: take: expected a whole number >= 1, found 0' });
    await assert.rejects(mismatched.pairs({ offset: -1 }), { message: 'dataset.pairs: offset: expected a whole number >= 0, found -1' });
  });

  it('records a problem met twice once, and a quirk without skipping its sample', () => {
    const log = new ProblemLog('fail');
    log.quirk({ file: 'f.json', field: '"1 "[0]', reason: 'wrapped in double quotes', sample: 't/1' });
    log.quirk({ file: 'f.json', field: '"1 "[0]', reason: 'wrapped in double quotes', sample: 't/1' });
    assert.equal(log.all.length, 1);
    assert.equal(log.skippedSamples.size, 0);
    const skip = new ProblemLog();
    for (let i = 0; i < 2; i++) skip.report({ file: 'a.png', reason: 'the image file is missing', sample: 'a' });
    assert.deepEqual(skip.all, [{ file: 'a.png', reason: 'the image file is missing', sample: 'a' }]);
  });

  it('shows what the loader counted of the released files, and a pair left out by a quirk, which does not stop a fail load', async () => {
    const log = new ProblemLog('fail');
    log.leftOut({ file: '/data/train.json', field: '[4].sentences', reason: 'every sentence of img_id 3 is empty (""); left out', sample: '3' });
    const counted = new Dataset({
      format: 'spot-the-diff',
      root: '/data',
      samples: [sample('a', 'train', 'unknown', ['r1', 'r2'])],
      problems: log,
      tallies: [
        { what: 'repeated img_id entries merged into their pairs', count: 1234 },
        { what: 'empty sentences left out', count: 2 },
      ],
    });
    const out = await counted.filter(() => true).summary({ sizes: 0 });
    assert.deepEqual(out.summary.tallies, [
      { what: 'repeated img_id entries merged into their pairs', count: 1234 },
      { what: 'empty sentences left out', count: 2 },
    ]);
    assert.equal(out.summary.skipped, 1);
    const text = out[MIME_BUNDLE]()['text/plain'] as string;
    assert.ok(text.startsWith('Spot-the-Diff (/data): 1 pairs; 1 skipped\n'), text);
    assert.ok(text.includes('\nas released: 1,234 repeated img_id entries merged into their pairs; 2 empty sentences left out\n'), text);
    assert.ok(text.includes('/data/train.json: [4].sentences: every sentence of img_id 3 is empty (""); left out (sample 3 skipped)'), text);
  });

  it('describes itself: format, where it was detected from, splits, categories, skipped pairs', () => {
    assert.equal(
      ds[MIME_BUNDLE]()['text/plain'],
      'Spot-the-Diff at /data (detected from annotations/): 4 pairs (train 2, validation 1, test 1)\ncategories: add, remove\nskipped: 1 pairs, 1 problems reported (dataset.problems)\nnote: no validation split in the files',
    );
  });
});
