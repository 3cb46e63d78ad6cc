/**
 * Every renderer in headless Chromium (playwright-core): outputs made by the kernel's own
 * builders, rendered, interacted with, screenshotted into out/test-artifacts/renderers, and
 * checked to make no network request and run no injected script.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import type { TrainingPayload } from '../../kernels/idc/display/contracts';
import { IDC_MIME } from '../../kernels/idc/display/mime';
import { chartPayload, score } from '../../kernels/idc/metrics/results';
import { toCsv } from '../../renderers/categoryChart/chartData';
import { launch, openHarness, type HarnessPage } from '../browser/harness';

const XSS = '<img src=x onerror="window.__xss = 1; alert(1)">';

/** Two series scored per category with bootstrap intervals, by the metrics library. */
function categoryPayload() {
  const refs: Record<string, string[]> = {};
  const cands: Record<string, string> = {};
  const categories: Record<string, string> = {};
  const kinds = ['color', 'add', XSS];
  const objects = ['cube', 'sphere', 'cylinder', 'cone', 'ring', 'star', 'car', 'tree'];
  const colours = ['red', 'blue', 'green', 'yellow', 'purple', 'brown'];
  for (let i = 0; i < 24; i++) {
    const kind = kinds[i % 3] as string;
    const [object, colour] = [objects[i % 8] as string, colours[i % 6] as string];
    const said = kind === 'color' ? [`the ${object} turned ${colour}`, `the ${object} is now ${colour}`] : kind === 'add' ? [`a ${colour} ${object} was added`, `there is a new ${object}`] : [`the sign on the ${object} now says ${colour}`, `the text of the ${object} changed`];
    refs[`p${i}`] = said;
    cands[`p${i}`] = i % 4 === 0 ? 'nothing changed' : i % 4 === 1 ? said[0] as string : `the ${object} changed`;
    categories[`p${i}`] = kind;
  }
  const other = Object.fromEntries(Object.entries(cands).map(([k, v], i) => [k, i % 2 ? v : 'an object was added']));
  const options = { categories, bootstrap: { samples: 200, seed: 1 }, meteor: false };
  return chartPayload({ 'r=4': score({ refs, cands }, options), 'r=8': score({ refs, cands: other }, options) }, 'LoRA ranks by category');
}

/** Hash of a canvas's pixels in the page, to tell that a redraw changed what is shown. */
async function canvasDigest(h: HarnessPage, hostId: string): Promise<{ inked: number; digest: string }> {
  return h.page.evaluate((id) => {
    const canvas = document.getElementById(id)?.shadowRoot?.querySelector('canvas');
    if (!canvas) return { inked: 0, digest: '' };
    const ctx = canvas.getContext('2d');
    const data = ctx ? ctx.getImageData(0, 0, canvas.width, canvas.height).data : new Uint8ClampedArray();
    let inked = 0;
    let hash = 0;
    for (let i = 3; i < data.length; i += 4) {
      if ((data[i] as number) > 0) inked++;
      hash = (hash * 31 + (data[i - 1] as number) + (data[i - 2] as number) * 7 + (data[i - 3] as number) * 13 + (data[i] as number)) | 0;
    }
    return { inked, digest: String(hash) };
  }, hostId);
}

describe('renderers in Chromium', function () {
  this.timeout(120_000);
  let browser: Browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  it('category chart: grouped bars with whiskers, metric switch, table view, PNG and CSV export, labels as text', async () => {
    const h = await openHarness(browser);
    const payload = categoryPayload();
    assert.ok(payload.series[0]?.intervals, 'the payload carries bootstrap intervals');
    await h.render('chart', IDC_MIME.categoryChart, payload);
    const host = h.page.locator('#chart');
    await host.locator('canvas').waitFor();
    assert.equal(await host.getAttribute('data-ready'), 'true');
    const before = await canvasDigest(h, 'chart');
    assert.ok(before.inked > 1000, `the chart drew (${before.inked} inked pixels)`);
    await h.screenshot('category-chart-cider', 'chart');

    await host.getByLabel('Metric').selectOption('ROUGE_L');
    assert.notEqual((await canvasDigest(h, 'chart')).digest, before.digest, 'the switch redraws');
    assert.match((await host.locator('canvas').getAttribute('aria-label')) ?? '', /^Grouped bar chart of ROUGE_L by category/);

    const csv = h.page.waitForEvent('download');
    await host.getByRole('button', { name: 'Save CSV' }).click();
    const csvFile = await (await csv).path();
    assert.equal(fs.readFileSync(csvFile, 'utf8'), toCsv(payload));
    const png = h.page.waitForEvent('download');
    await host.getByRole('button', { name: 'Save PNG' }).click();
    const download = await png;
    assert.equal(download.suggestedFilename(), 'lora-ranks-by-category-rouge-l.png');
    assert.deepEqual([...fs.readFileSync(await download.path()).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);

    await host.getByRole('button', { name: 'Table' }).click();
    assert.equal(await host.locator('canvas').isVisible(), false);
    const xssRow = host.locator('tbody tr').nth(2);
    assert.equal(await xssRow.locator('th').textContent(), XSS);
    assert.equal(await host.locator('img').count(), 0);
    await h.screenshot('category-chart-table', 'chart');
    assert.deepEqual([h.network, h.dialogs, h.errors], [[], [], []]);
    assert.equal(await h.page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    await h.page.context().close();
  });

  it('training curves: lines per run that take new points in place while the kernel updates the output', async () => {
    const h = await openHarness(browser, 'dark');
    const payload: TrainingPayload = {
      v: 1,
      title: 'LoRA ablation: training loss',
      runs: [
        { name: 'r4', loss: Array.from({ length: 60 }, (_, i) => 3 * Math.exp(-i / 20) + 0.2 * Math.sin(i)), validation: [{ epoch: 1, loss: 2 }, { epoch: 2, loss: 1.2 }], state: 'done' },
        { name: XSS, loss: Array.from({ length: 20 }, (_, i) => 3.2 * Math.exp(-i / 30)), validation: [], state: 'running' },
      ],
      notes: [],
    };
    await h.render('curves', IDC_MIME.training, payload, 'curves-1');
    const host = h.page.locator('#curves');
    const first = await canvasDigest(h, 'curves');
    assert.ok(first.inked > 1000);
    await h.screenshot('training-curves-dark', 'curves');
    const canvas = await host.locator('canvas').elementHandle();
    // the kernel's update: more steps of the running run, same output id
    const runs = payload.runs.map((r, k) => (k === 1 ? { ...r, loss: [...r.loss, ...Array.from({ length: 40 }, (_, i) => 2.5 * Math.exp(-(i + 20) / 30))] } : r));
    await h.render('curves', IDC_MIME.training, { ...payload, runs }, 'curves-1');
    assert.equal(await host.getAttribute('data-updates'), '1');
    assert.ok(await canvas?.evaluate((c) => c.isConnected), 'the same canvas, updated in place');
    assert.notEqual((await canvasDigest(h, 'curves')).digest, first.digest);
    assert.match((await host.locator('.summary').textContent()) ?? '', /: 60 steps, loss [0-9.]+ \[running\]/);
    await host.getByLabel('Smoothing').fill('0.9');
    await host.getByRole('button', { name: 'Validation per epoch' }).click();
    assert.equal(await host.getByLabel('Smoothing').isDisabled(), true);
    assert.equal(await host.locator('img').count(), 0);
    assert.deepEqual([h.network, h.dialogs, h.errors], [[], [], []]);
    await h.page.context().close();
  });
});
