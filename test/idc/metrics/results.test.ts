/** idc.metrics.score and chart: what a notebook cell gets back and how it displays. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { CategoryChartPayload } from '../../../kernels/outputs/contracts';
import { IDC_MIME } from '../../../kernels/outputs/mime';
import { MIME_BUNDLE } from '../../../kernels/outputs/richOutput';
import { chart, compare, score } from '../../../kernels/idc/metrics/results';

const FIXTURES = path.join(__dirname, 'fixtures');
const corpus = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'public_corpus.json'), 'utf8')) as {
  refs: Record<string, string[]>;
  cands: Record<string, string>;
};
const categories = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'public_categories.json'), 'utf8')) as Record<string, string>;
const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'public_expected.json'), 'utf8')) as { corpus: Record<string, number | null> };
const perCategory = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'public_per_category_expected.json'), 'utf8')) as Record<
  string,
  Record<string, number | null>
>;

describe('idc.metrics.score', () => {
  it("gives the toolkit's numbers per category and overall, and displays as a category chart", () => {
    const result = score(corpus, { categories, bootstrap: 100, name: 'public' });
    assert.ok(Math.abs(result.corpus.CIDEr - (expected.corpus.CIDEr as number)) < 1e-9);
    assert.ok(Math.abs((result.perCategory?.get('Move')?.CIDEr as number) - (perCategory.Move?.CIDEr as number)) < 1e-9);
    assert.equal(typeof result.corpus.METEOR, 'number');
    const bundle = result[MIME_BUNDLE]();
    const payload = bundle[IDC_MIME.categoryChart] as unknown as CategoryChartPayload;
    assert.deepEqual(payload.categories, [...Object.keys(perCategory), 'overall']);
    assert.deepEqual(payload.metrics, ['CIDEr', 'METEOR', 'Bleu_4', 'ROUGE_L', 'Bleu_1', 'Bleu_2', 'Bleu_3']);
    assert.equal(payload.series[0]?.name, 'public');
    assert.equal(payload.series[0]?.values.CIDEr?.at(-1), result.corpus.CIDEr);
    const [low, high] = payload.series[0]?.intervals?.CIDEr?.at(-1) ?? [NaN, NaN];
    assert.ok(low < result.corpus.CIDEr && result.corpus.CIDEr < high, 'the interval holds the score');
    assert.deepEqual(payload.notes, ['METEOR without a paraphrase table (exact, stem and synonym modules only)']);
    assert.match(bundle['text/plain'] as string, /^Caption metrics by category\ncategory/);
    assert.deepEqual(Object.keys(result.toJSON()), ['corpus', 'per_image', 'per_category']);
  });

  it('puts several results side by side, one series each', () => {
    const other = { refs: corpus.refs, cands: Object.fromEntries(Object.keys(corpus.cands).map((id) => [id, corpus.refs[id]?.[0] ?? ''])) };
    const a = score(corpus, { categories, meteor: false });
    const b = score(other, { categories, meteor: false });
    const payload = chart({ 'r=4': a, 'r=8': b }, 'ranks')[MIME_BUNDLE]()[IDC_MIME.categoryChart] as unknown as CategoryChartPayload;
    assert.deepEqual(
      payload.series.map((s) => s.name),
      ['r=4', 'r=8'],
    );
    assert.equal(payload.title, 'ranks');
    assert.ok(!payload.metrics.includes('METEOR'), 'no METEOR column when it was not computed');
    assert.ok((payload.series[1]?.values.CIDEr?.at(-1) as number) > (payload.series[0]?.values.CIDEr?.at(-1) as number));
  });

  it('compares two results with a paired bootstrap, METEOR included', () => {
    const copies = { refs: corpus.refs, cands: Object.fromEntries(Object.keys(corpus.cands).map((id) => [id, corpus.refs[id]?.[0] ?? ''])) };
    const a = score(copies, { name: 'copies' });
    const b = score(corpus, { name: 'perturbed' });
    const result = compare(a, b, { samples: 200, seed: 1 });
    assert.deepEqual(result.names, ['copies', 'perturbed']);
    assert.equal(result.metrics.CIDEr.probabilityABetter, 1, 'reference copies beat perturbed captions in every resample');
    assert.equal(result.metrics.METEOR?.a, a.corpus.METEOR);
    const text = result[MIME_BUNDLE]()['text/plain'] as string;
    assert.match(text, /^copies vs perturbed: paired bootstrap over 1200 images\n/);
    assert.match(text, /\nCIDEr +\d\.\d{4} vs \d\.\d{4} {2}difference \+\d\.\d{4} \[\d\.\d{4}, \d\.\d{4}\] {2}P\(copies better\) = 1\.000/);
    const fewer = score({ refs: { a: ['x y'] }, cands: { a: 'x' } }, { meteor: false });
    assert.throws(() => compare(a, fewer), {
      message: 'compare: "copies" and "predictions" were scored on different images or references; a paired test needs the same ones',
    });
  });

  it('explains a bad argument the way it explains a bad file', () => {
    assert.throws(() => score({ refs: { a: ['x'] }, cands: { a: 7 } } as never), {
      message: 'score() argument: cands."a": expected a caption string, found number 7',
    });
    assert.throws(() => score({ refs: { a: [] }, cands: { a: 'x' } }), {
      message: 'score() argument: refs."a": expected at least one reference caption, found an empty list',
    });
  });
});
