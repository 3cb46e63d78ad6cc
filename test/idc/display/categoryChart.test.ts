/** The category chart output: its text table, and an SVG fallback that keeps labels as text. */
import assert from 'node:assert/strict';
import { categoryChartBundle, categoryChartSvg, categoryChartText } from '../../../kernels/idc/display/categoryChart';
import type { CategoryChartPayload } from '../../../kernels/outputs/contracts';
import { IDC_MIME } from '../../../kernels/outputs/mime';

const payload: CategoryChartPayload = {
  v: 1,
  title: 'LoRA ranks',
  categories: ['Color', '<img src=x onerror=alert(1)>', 'overall'],
  metrics: ['CIDEr', 'METEOR'],
  series: [
    {
      name: 'r=4',
      values: { CIDEr: [1.5, 0.25, 1], METEOR: [0.3, null, 0.2] },
      intervals: { CIDEr: [[1.25, 1.75], null, [0.9, 1.1]], METEOR: [null, null, null] },
    },
    { name: 'r=8 & "more"', values: { CIDEr: [2, 0.5, 1.5], METEOR: [0.35, 0.1, 0.25] } },
  ],
  notes: ['METEOR without a paraphrase table (exact, stem and synonym modules only)'],
};

describe('category chart output', () => {
  it('tabulates every series, metric and interval, with the notes', () => {
    const lines = categoryChartText(payload).split('\n');
    assert.equal(lines[0], 'LoRA ranks');
    assert.deepEqual(lines[1]?.trim().split(/\s{2,}/), ['category', 'r=4 CIDEr', 'r=4 METEOR', 'r=8 & "more" CIDEr', 'r=8 & "more" METEOR']);
    assert.deepEqual(lines[2]?.trim().split(/\s{2,}/), ['Color', '1.5000 [1.2500, 1.7500]', '0.3000', '2.0000', '0.3500']);
    assert.deepEqual(lines[3]?.trim().split(/\s{2,}/), ['<img src=x onerror=alert(1)>', '0.2500', '-', '0.5000', '0.1000']);
    assert.equal(lines.at(-1), 'note: METEOR without a paraphrase table (exact, stem and synonym modules only)');
  });

  it('draws bars and whiskers of the first metric, every label escaped', () => {
    const svg = categoryChartSvg(payload);
    assert.ok(!svg.includes('<img'), 'a category name never becomes markup');
    assert.ok(svg.includes('&#60;img src=x onerror=alert(1)&#62;'));
    assert.ok(svg.includes('r=8 &#38; &#34;more&#34;'));
    assert.equal(svg.match(/<rect x=/g)?.length, 6 + 2, 'six bars and two legend swatches');
    assert.equal(svg.match(/<path /g)?.length, 2, 'whiskers where intervals exist');
    assert.ok(svg.includes('LoRA ranks: CIDEr'));
    assert.ok(svg.includes('note: METEOR without a paraphrase table'));
  });

  it('bundles the payload with SVG and text fallbacks', () => {
    const bundle = categoryChartBundle(payload);
    assert.deepEqual(Object.keys(bundle), [IDC_MIME.categoryChart, 'image/svg+xml', 'text/plain']);
    assert.deepEqual(bundle[IDC_MIME.categoryChart], payload);
  });
});
