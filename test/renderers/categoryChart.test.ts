/** The category chart renderer: its data for the chart, table and CSV, and its DOM (JSDOM: no canvas). */
import assert from 'node:assert/strict';
import type { CategoryChartPayload } from '../../kernels/outputs/contracts';
import { IDC_MIME } from '../../kernels/outputs/mime';
import { fileStem, hasIntervals, seriesBars, tableRows, toCsv } from '../../renderers/categoryChart/chartData';
import { validateCategoryChart } from '../../renderers/categoryChart/validate';
import { activate } from '../../renderers/categoryChart/index';
import { activated, fakeDom, outputItem, type FakeDom } from './fakeContext';

const XSS = '<img src=x onerror=alert(1)>';
const payload: CategoryChartPayload = {
  v: 1,
  title: 'LoRA ranks',
  categories: ['Color', XSS, 'overall'],
  metrics: ['CIDEr', 'METEOR'],
  series: [
    {
      name: 'r=4',
      values: { CIDEr: [1.5, 0.25, 1], METEOR: [0.3, null, 0.2] },
      intervals: { CIDEr: [[1.25, 1.75], null, [0.9, 1.1]], METEOR: [null, null, null] },
    },
    { name: 'r=8, "more"', values: { CIDEr: [2, 0.5, 1.5], METEOR: [0.35, 0.1, 0.25] } },
  ],
  notes: ['METEOR without a paraphrase table'],
};

describe('category chart renderer: data', () => {
  it('gives bars with intervals where known and nothing where a series has no score', () => {
    assert.deepEqual(seriesBars(payload, 'CIDEr'), [
      { name: 'r=4', points: [{ y: 1.5, yMin: 1.25, yMax: 1.75 }, { y: 0.25 }, { y: 1, yMin: 0.9, yMax: 1.1 }] },
      { name: 'r=8, "more"', points: [{ y: 2 }, { y: 0.5 }, { y: 1.5 }] },
    ]);
    assert.equal(seriesBars(payload, 'METEOR')[0]?.points[1], null);
    assert.equal(hasIntervals(payload, 'CIDEr'), true);
    assert.equal(hasIntervals(payload, 'METEOR'), false);
  });

  it('tabulates a metric per category and series, and writes every metric as quoted CSV', () => {
    assert.deepEqual(tableRows(payload, 'CIDEr', 2), [
      ['category', 'r=4', 'r=8, "more"'],
      ['Color', '1.50 [1.25, 1.75]', '2.00'],
      [XSS, '0.25', '0.50'],
      ['overall', '1.00 [0.90, 1.10]', '1.50'],
    ]);
    const lines = toCsv(payload).split('\r\n');
    assert.equal(lines[0], 'series,category,metric,value,low,high');
    assert.equal(lines[1], 'r=4,Color,CIDEr,1.5,1.25,1.75');
    assert.equal(lines[4], '"r=8, ""more""",Color,CIDEr,2,,');
    assert.equal(lines[8], `r=4,${XSS},METEOR,,,`);
    assert.equal(lines.length, 1 + 2 * 2 * 3 + 1, 'header, 12 rows, the final line break');
    assert.equal(fileStem('LoRA ranks: CIDEr-D / 95%'), 'lora-ranks-cider-d-95');
  });

  it('names the field of a malformed payload', () => {
    assert.deepEqual(validateCategoryChart({ ...payload, v: 2 }), { ok: false, problem: 'unsupported payload version 2 (expected 1)' });
    assert.deepEqual(validateCategoryChart({ ...payload, metrics: [] }), { ok: false, problem: 'metrics: expected a non-empty list of strings' });
    assert.deepEqual(validateCategoryChart({ ...payload, series: [{ name: 'a', values: { CIDEr: [1, 2] } }] }), {
      ok: false,
      problem: 'series[0].values.CIDEr: expected 3 numbers or nulls (one per category)',
    });
    assert.deepEqual(validateCategoryChart({ ...payload, series: [{ name: 'a', values: {}, intervals: { CIDEr: [[1], null, null] } }] }), {
      ok: false,
      problem: 'series[0].intervals.CIDEr: expected 3 [low, high] pairs or nulls',
    });
    assert.equal(validateCategoryChart(payload).ok, true);
  });
});

describe('category chart renderer: DOM', () => {
  let dom: FakeDom;
  beforeEach(() => {
    dom = fakeDom();
  });
  afterEach(() => dom.close());

  it('shows the title, a labelled metric switch, chart and table views, and every label as text', async () => {
    const api = await activated(activate);
    const host = dom.host();
    await api.renderOutputItem(outputItem(IDC_MIME.categoryChart, payload), host, new AbortController().signal);
    const root = host.shadowRoot as ShadowRoot;
    assert.equal(root.querySelector('.title')?.textContent, 'LoRA ranks');
    const select = root.querySelector('select') as HTMLSelectElement;
    assert.equal(select.getAttribute('aria-label'), 'Metric');
    assert.deepEqual(
      [...select.options].map((o) => o.value),
      ['CIDEr', 'METEOR'],
    );
    // JSDOM has no canvas: the chart says so and the table carries the numbers
    assert.match(root.querySelector('.status')?.textContent ?? '', /no canvas/);
    const [chartButton, tableButton] = [...root.querySelectorAll('button')];
    assert.equal(chartButton?.getAttribute('aria-pressed'), 'true');
    tableButton?.click();
    assert.equal(tableButton?.getAttribute('aria-pressed'), 'true');
    assert.equal((root.querySelector('.plot') as HTMLElement).hidden, true);
    const rows = [...root.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent));
    assert.deepEqual(rows[1], [XSS, '0.2500', '0.5000']);
    assert.equal(root.querySelectorAll('img').length, 0, 'a category name never becomes an element');
    assert.equal(root.querySelector('caption')?.textContent, 'CIDEr by category (value [95% interval])');
    select.value = 'METEOR';
    select.dispatchEvent(new dom.window.Event('change'));
    assert.equal(root.querySelector('caption')?.textContent, 'METEOR by category');
    assert.equal(root.querySelector('.notes li')?.textContent, 'METEOR without a paraphrase table');
    assert.equal(host.getAttribute('data-ready'), 'true');

    // an in-place update keeps the chosen metric and view
    await api.renderOutputItem(outputItem(IDC_MIME.categoryChart, { ...payload, title: 'LoRA ranks, more runs' }), host, new AbortController().signal);
    assert.equal((root.querySelector('select') as HTMLSelectElement).value, 'METEOR');
    assert.equal(root.querySelectorAll('button')[1]?.getAttribute('aria-pressed'), 'true');
    assert.equal(root.querySelector('.title')?.textContent, 'LoRA ranks, more runs');
  });

  it('explains a payload it cannot show', async () => {
    const api = await activated(activate);
    const host = dom.host();
    await api.renderOutputItem(outputItem(IDC_MIME.categoryChart, { ...payload, categories: 'Color' }), host, new AbortController().signal);
    assert.equal(host.shadowRoot?.querySelector('.error')?.textContent, 'Cannot show this category chart: categories: expected a list of strings');
  });
});
