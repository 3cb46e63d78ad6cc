import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { synthetic } from '../../../kernels/idc/data/synthetic/syntheticDataset';
import { evaluatePredictions, joinPredictions, parsePredictions } from '../../../kernels/idc/interop/predictions';
import { IDC_MIME, type CategoryChartPayload, type ImagePairPayload } from '../../../kernels/outputs/contracts';
import { MIME_BUNDLE } from '../../../kernels/outputs/richOutput';
import { score } from '../../../kernels/idc/metrics/results';

describe('predictions from other tools', () => {
  const dataset = synthetic({ pairs: 80, size: 32, seed: 3 });
  const test = dataset.samples.filter((s) => s.split === 'test');
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idc-preds-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the three forms of datasets.md: a COCO results list, an id map and CSV', () => {
    const expected = new Map([
      ['a', 'the cube is gone'],
      ['7', 'a sign, "open", was added'],
    ]);
    assert.deepEqual(
      parsePredictions(
        JSON.stringify([
          { image_id: 'a', caption: 'the cube is gone' },
          { image_id: 7, caption: 'a sign, "open", was added' },
        ]),
        'r.json',
      ),
      expected,
    );
    assert.deepEqual(
      parsePredictions(JSON.stringify({ a: 'the cube is gone', 7: 'a sign, "open", was added' }), 'm.json'),
      new Map([
        ['7', 'a sign, "open", was added'],
        ['a', 'the cube is gone'],
      ]),
    );
    assert.deepEqual(parsePredictions('id,caption\na,the cube is gone\n7,"a sign, ""open"", was added"\n', 'p.csv'), expected);
    assert.throws(() => parsePredictions('{"a": 3}', 'bad.json'), { message: 'bad.json: "a": expected a caption (string), found 3' });
    assert.throws(() => parsePredictions('[{"image_id": "a"}]', 'list.json'), /^CaptionInputError: list\.json: \[0\]\.caption: /);
    assert.throws(
      () => parsePredictions('{"a": ', 'cut.json'),
      /^CaptionInputError: cut\.json: expected JSON \(a list of \{"image_id", "caption"\} or an object \{"<id>": "caption"\}\) or a \.csv file, found a syntax error/,
    );
  });

  it('joins by the exact id or by file name, and keeps what does not join', () => {
    const samples = [{ ...test[0]!, id: 'images/CLEVR_default_000042.png' }, { ...test[1]!, id: 'CLEVR_default_000043' }, test[2]!];
    const joined = joinPredictions(
      samples,
      new Map([
        ['CLEVR_default_000042', 'x'],
        ['CLEVR_default_000043.png', 'y'],
        ['nowhere', 'z'],
      ]),
    );
    assert.deepEqual(
      [...joined.captions],
      [
        ['images/CLEVR_default_000042.png', 'x'],
        ['CLEVR_default_000043', 'y'],
      ],
    );
    assert.deepEqual([joined.unmatched, joined.missing, joined.byFileName], [['nowhere'], [test[2]!.id], 2]);
  });

  it('scores a results file per category with intervals, equal to scoring the same captions directly, and names what it left out', async () => {
    // a "run" that copies one reference for most pairs and says something wrong for a few
    const predictions = test.slice(0, -2).map((s, i) => ({ image_id: s.id, caption: i % 4 === 0 ? 'nothing has changed' : (s.references[1] as string) }));
    predictions.push({ image_id: 'test/not-a-pair', caption: 'a red circle was added' });
    const file = path.join(dir, 'results.json');
    fs.writeFileSync(file, JSON.stringify(predictions));
    const evaluation = await evaluatePredictions(file, dataset, { bootstrap: 200, meteor: false });
    assert.equal(evaluation.split, 'test');
    const scored = test.slice(0, -2);
    const direct = score(
      { ids: scored.map((s) => s.id), refs: scored.map((s) => s.references), cands: predictions.slice(0, -1).map((p) => p.caption) },
      { categories: Object.fromEntries(scored.map((s) => [s.id, s.category])), meteor: false },
    );
    assert.equal(evaluation.result.corpus.CIDEr, direct.corpus.CIDEr);
    assert.deepEqual([...(evaluation.result.perCategory ?? new Map()).keys()].sort(), [...new Set(scored.map((s) => s.category))].sort());
    const interval = evaluation.result.evaluation.intervals?.overall.CIDEr;
    assert.ok(interval && interval.low <= direct.corpus.CIDEr && direct.corpus.CIDEr <= interval.high);
    assert.deepEqual(evaluation.notes.slice(0, 2), [
      `${file}: 1 prediction id(s) match no sample of ${dataset.label} (test), left out: "test/not-a-pair"`,
      `2 sample(s) of the test split have no prediction, left out: ${test
        .slice(-2)
        .map((s) => JSON.stringify(s.id))
        .join(', ')}`,
    ]);
    const bundle = evaluation[MIME_BUNDLE]();
    assert.ok((bundle['text/plain'] as string).includes('left out: "test/not-a-pair"'));
    const chart = bundle[IDC_MIME.categoryChart] as unknown as CategoryChartPayload;
    assert.equal(chart.notes[0], evaluation.notes[0]);
    assert.ok(
      chart.series[0]?.intervals?.CIDEr?.some((i) => i !== null),
      'the chart carries the intervals',
    );

    // worst first: the wrong captions ("nothing has changed") lead, each with its CIDEr-D
    const page = await evaluation.worst({ take: 3 });
    const payload = page[MIME_BUNDLE]()[IDC_MIME.imagePair] as unknown as ImagePairPayload;
    assert.equal(payload.total, scored.length);
    assert.deepEqual(
      payload.pairs.map((p) => p.id),
      evaluation.ranked.slice(0, 3).map((r) => r.id),
    );
    assert.equal(payload.pairs[0]?.prediction, 'nothing has changed');
    const cider = payload.pairs.map((p) => p.scores?.CIDEr as number);
    assert.deepEqual(
      cider,
      [...cider].sort((a, b) => a - b),
    );
    assert.equal(cider[0], evaluation.result.evaluation.perImage.get(payload.pairs[0]!.id)?.CIDEr);
  });

  it('says which ids it expected when none match', async () => {
    const file = path.join(dir, 'other.csv');
    fs.writeFileSync(file, 'id,caption\nx1,a\nx2,b\n');
    await assert.rejects(evaluatePredictions(file, dataset, { split: 'test' }), (e: Error) =>
      e.message.startsWith(
        `${file}: expected predictions for samples of ${dataset.label} (test), found none whose id matches (ids such as "x1", "x2"; samples such as "test/`,
      ),
    );
  });
});
