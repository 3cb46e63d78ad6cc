/**
 * Every renderer in headless Chromium (playwright-core): outputs made by the kernel's own
 * builders, rendered, interacted with, screenshotted into out/test-artifacts/renderers, and
 * checked to make no network request and run no injected script.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import type { TrainingPayload } from '../../kernels/outputs/contracts';
import { IDC_MIME, type JsonValue } from '../../kernels/outputs/mime';
import { categoryChartText } from '../../kernels/idc/display/categoryChart';
import { imagePairText } from '../../kernels/idc/display/imagePair';
import { attentionText } from '../../kernels/idc/display/attention';
import { trainingText } from '../../kernels/idc/display/training';
import { chartPayload, score } from '../../kernels/idc/metrics/results';
import { newNotebook } from '../../kernels/runtime/notebook/nbformat';
import { renderHtmlReport } from '../../kernels/runtime/report/htmlReport';
import { loadReportRenderers } from '../../kernels/runtime/report/rendererRegistry';
import { toCsv } from '../../renderers/categoryChart/chartData';
import { ARTIFACTS, launch, openHarness, REPO, type HarnessPage } from '../browser/harness';
import { attention, imagePairs, XSS } from '../browser/payloads';

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
    const said =
      kind === 'color'
        ? [`the ${object} turned ${colour}`, `the ${object} is now ${colour}`]
        : kind === 'add'
          ? [`a ${colour} ${object} was added`, `there is a new ${object}`]
          : [`the sign on the ${object} now says ${colour}`, `the text of the ${object} changed`];
    refs[`p${i}`] = said;
    cands[`p${i}`] = i % 4 === 0 ? 'nothing changed' : i % 4 === 1 ? (said[0] as string) : `the ${object} changed`;
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
        {
          name: 'r4',
          loss: Array.from({ length: 60 }, (_, i) => 3 * Math.exp(-i / 20) + 0.2 * Math.sin(i)),
          validation: [
            { epoch: 1, loss: 2 },
            { epoch: 2, loss: 1.2 },
          ],
          state: 'done',
        },
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
    const runs = payload.runs.map((r, k) =>
      k === 1 ? { ...r, loss: [...r.loss, ...Array.from({ length: 40 }, (_, i) => 2.5 * Math.exp(-(i + 20) / 30))] } : r,
    );
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

  it('image pairs: 2-up, swipe by drag and keys, onion skin, difference heatmap with threshold, synced zoom, paging, save', async () => {
    const h = await openHarness(browser);
    const payload = await imagePairs(64);
    await h.render('pairs', IDC_MIME.imagePair, payload);
    const host = h.page.locator('#pairs');
    const cards = host.locator('article.pair');
    assert.equal(await cards.count(), 12);
    assert.equal(await host.locator('.page-label').textContent(), '1-12 of 64');
    const first = cards.first();
    assert.equal(await first.locator('.prediction-text').textContent(), XSS);
    assert.equal(await first.locator('.score').first().textContent(), 'CIDEr 0');
    await h.page.waitForFunction(() =>
      [...(document.getElementById('pairs')?.shadowRoot?.querySelectorAll('img') ?? [])].every((i) => i.complete && i.naturalWidth > 0),
    );
    await h.screenshot('image-pairs-two-up', 'pairs');

    // swipe: drag the divider of the first pair to a quarter, then a key step
    await host.getByRole('button', { name: 'Swipe' }).click();
    const divider = first.locator('[role=slider].divider');
    const box = await first.locator('.viewport').boundingBox();
    assert.ok(box);
    const handle = await divider.boundingBox();
    assert.ok(handle);
    await h.page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await h.page.mouse.down();
    await h.page.mouse.move(box.x + box.width / 4, handle.y + handle.height / 2, { steps: 5 });
    await h.page.mouse.up();
    const dragged = Number(await divider.getAttribute('aria-valuenow'));
    assert.ok(Math.abs(dragged - 25) <= 3, `divider at ${dragged}%`);
    await divider.press('ArrowRight');
    assert.equal(Number(await divider.getAttribute('aria-valuenow')), dragged + 1);
    await h.screenshot('image-pairs-swipe', 'pairs');

    await host.getByRole('button', { name: 'Onion skin' }).click();
    await host.getByLabel('After opacity').fill('30');
    assert.equal(await first.locator('img.top').evaluate((i) => (i as HTMLElement).style.opacity), '0.3');

    // difference: a heatmap per pair; a higher threshold hides more pixels
    await host.getByRole('button', { name: 'Difference' }).click();
    await host.locator('.pairs[data-difference="ready"]').waitFor();
    // a pair whose edit (falling snow) changes many pixels by middling amounts
    const snowy = cards.filter({ hasText: 'category: global' }).first();
    const shownPixels = () =>
      snowy.locator('canvas.heat').evaluate((c) => {
        const canvas = c as HTMLCanvasElement;
        const d = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if ((d[i] as number) > 0) n++;
        return n;
      });
    const low = await shownPixels();
    await host.getByLabel('Difference threshold').fill('120');
    await host.locator('.pairs[data-difference="ready"]').waitFor();
    const high = await shownPixels();
    assert.ok(low > 0 && high < low, `pixels shown at threshold 8: ${low}, at 120: ${high}`);
    await h.screenshot('image-pairs-difference', 'pairs');

    // zoom: one transform for both images of a pair
    await host.getByRole('button', { name: 'Two-up' }).or(host.locator('button[data-mode="two-up"]')).first().click();
    await first.locator('[data-action="zoom-in"]').click();
    const transforms = await first.locator('.layer').evaluateAll((layers) => layers.map((l) => (l as HTMLElement).style.transform));
    assert.equal(transforms.length, 2);
    assert.equal(transforms[0], transforms[1]);
    assert.match(transforms[0] ?? '', /scale\(1\.41/);

    // paging, and every pair on one page
    await host.locator('button[data-action="next-page"]').click();
    assert.equal(await host.locator('.page-label').textContent(), '13-24 of 64');
    await host.getByLabel('Pairs per page').selectOption('64');
    assert.equal(await cards.count(), 64);

    const save = h.page.waitForEvent('download');
    await cards.first().locator('[data-action="save"]').click();
    const file = await (await save).path();
    assert.deepEqual([...fs.readFileSync(file).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    assert.equal(await host.locator('img[src="x"]').count(), 0);
    assert.deepEqual([h.network, h.dialogs, h.errors], [[], [], []]);
    assert.equal(await h.page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    await h.page.context().close();
  });

  it('attention explorer: the heads of a layer as small multiples, head and layer changes, rollout, where a hovered patch looks', async () => {
    const h = await openHarness(browser, 'dark');
    const payload = await attention(12, 12);
    await h.render('maps', IDC_MIME.attention, payload);
    const host = h.page.locator('#maps');
    const view = host.locator('.attention');
    assert.equal(await view.getAttribute('data-ready'), 'true');
    assert.equal(await host.locator('button.multiple').count(), 12);
    await host.locator('.attention[data-image="loaded"]').waitFor();
    // the boundary sits where the bottom image starts: row 4 of 8, 64 px of 128
    assert.equal(await host.locator('.stage .boundary').getAttribute('data-boundary-y'), '64');
    await h.screenshot('attention-layer0', 'maps');

    await host.locator('button.multiple[data-head="5"]').click();
    assert.equal(await view.getAttribute('data-head'), '5');
    assert.equal(await host.getByLabel('Head', { exact: true }).inputValue(), '5');
    await host.getByLabel('Layer', { exact: true }).fill('7');
    assert.equal(await view.getAttribute('data-layer'), '7');
    assert.equal(await host.locator('.heads').getAttribute('aria-label'), 'Heads of ViT layer 7');

    // hover the patch at row 6, column 1 (bottom image): the readout names it and its share across
    const stage = await host.locator('.stage').boundingBox();
    assert.ok(stage);
    await h.page.mouse.move(stage.x + (1.5 / 4) * stage.width, stage.y + (6.5 / 8) * stage.height);
    assert.equal(await view.getAttribute('data-patch'), '6,1');
    assert.match(
      (await host.locator('.readout').textContent()) ?? '',
      /^Patch \(row 6, column 1\) in the bottom image: [0-9.]+% of its attention goes to the other image/,
    );
    await h.screenshot('attention-hover', 'maps');

    await host.locator('button.rollout').click();
    assert.equal(await view.getAttribute('data-rollout'), 'true');
    assert.equal(await host.locator('.caption .text').textContent(), XSS);
    assert.equal(await host.locator('img[src="x"]').count(), 0);
    assert.deepEqual([h.network, h.dialogs, h.errors], [[], [], []]);
    assert.equal(await h.page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    await h.page.context().close();
  });

  it('HTML report: every output contract drawn by the same bundles, no fallback left, nothing fetched, no script injected', async () => {
    const training: TrainingPayload = {
      v: 1,
      title: 'loss',
      runs: [{ name: 'r8', loss: [3, 2.5, 2.2, 1.9, 1.7], validation: [{ epoch: 1, loss: 2 }], state: 'done' }],
      notes: [],
    };
    const progress = { v: 1, label: XSS, done: 3, total: 10, ratePerSecond: 1, etaSeconds: 7, elapsedSeconds: 3, state: 'running' };
    const pairs = await imagePairs(8);
    const maps = await attention(4, 4);
    const chart = categoryPayload();
    const outputs: Array<[string, unknown, string]> = [
      [IDC_MIME.progress, progress, 'progress'],
      [IDC_MIME.imagePair, pairs, imagePairText(pairs)],
      [IDC_MIME.attention, maps, attentionText(maps)],
      [IDC_MIME.categoryChart, chart, categoryChartText(chart)],
      [IDC_MIME.training, training, trainingText(training)],
    ];
    const nb = newNotebook();
    nb.cells = outputs.map(([mime, payload, text], i) => ({
      cell_type: 'code' as const,
      id: `c${i}`,
      source: `show(${i})`,
      metadata: {},
      execution_count: i + 1,
      outputs: [{ output_type: 'display_data' as const, data: { [mime]: payload as JsonValue, 'text/plain': text }, metadata: {} }],
    }));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idc-report-'));
    const file = path.join(dir, 'report.html');
    fs.writeFileSync(file, renderHtmlReport(nb, { title: `report ${XSS}`, renderers: loadReportRenderers(REPO) }));
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const requests: string[] = [];
    const dialogs: string[] = [];
    const errors: string[] = [];
    await page.route('**/*', (route) => {
      if (route.request().url() === `file://${file}`) return route.continue();
      requests.push(route.request().url());
      return route.abort();
    });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${file}`);
    await page.waitForFunction(
      () => [...document.querySelectorAll('.output.rich')].every((h) => h.querySelector('.rendered')?.shadowRoot || (h as HTMLElement).dataset.renderError),
      undefined,
      { timeout: 30_000 },
    );
    const shown = await page.evaluate(() =>
      [...document.querySelectorAll('.output.rich')].map((h) => ({
        error: (h as HTMLElement).dataset.renderError ?? null,
        fallbackLeft: h.querySelector(':scope > pre') !== null,
        problem: h.querySelector('.rendered')?.shadowRoot?.querySelector('.error:not([hidden])')?.textContent ?? null,
        visible: (h.querySelector('.rendered') as HTMLElement | null)?.getBoundingClientRect().height ?? 0,
      })),
    );
    assert.equal(shown.length, 5);
    for (const [k, o] of shown.entries()) {
      assert.deepEqual([o.error, o.fallbackLeft, o.problem], [null, false, null], `output ${k} (${outputs[k]?.[0]})`);
      assert.ok(o.visible > 10, `output ${k} has height ${o.visible}`);
    }
    // interactive in the report too: a control of each interactive renderer responds
    const hosts = page.locator('.output.rich .rendered');
    await hosts.nth(2).locator('button.multiple').nth(1).click();
    assert.equal(await hosts.nth(2).locator('.attention').getAttribute('data-head'), '1');
    await hosts.nth(3).getByRole('button', { name: 'Table' }).click();
    assert.equal(await hosts.nth(3).locator('tbody tr').count(), chart.categories.length);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'html-report.png'), fullPage: true });
    assert.deepEqual([requests, dialogs, errors], [[], [], []]);
    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    await page.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the example notebooks run headless with --html: every rich output of every notebook drawn in Chromium', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idc-notebooks-'));
    const notebooks = fs.readdirSync(path.join(REPO, 'notebooks')).filter((f) => f.endsWith('.idcnb'));
    assert.ok(notebooks.length >= 6, `the example notebooks: ${notebooks.join(', ')}`);
    let richOutputs = 0; // 05-memory shows text tables only
    for (const name of notebooks) {
      const html = path.join(dir, `${name}.html`);
      execFileSync(
        process.execPath,
        [
          path.join(REPO, 'bin', 'idc-lab.js'),
          'run',
          path.join(REPO, 'notebooks', name),
          '--out',
          path.join(dir, name),
          '--html',
          html,
          '--param',
          'quick=true',
        ],
        { stdio: 'pipe' },
      );
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`file://${html}`);
      await page.waitForFunction(
        () => [...document.querySelectorAll('.output.rich')].every((h) => h.querySelector('.rendered')?.shadowRoot || (h as HTMLElement).dataset.renderError),
        undefined,
        { timeout: 30_000 },
      );
      const shown = await page.evaluate(() =>
        [...document.querySelectorAll('.output.rich')].map((h) => [
          (h as HTMLElement).dataset.renderError ?? null,
          h.querySelector('.rendered')?.shadowRoot?.querySelector('.error:not([hidden])')?.textContent ?? null,
          ((h.querySelector('.rendered') as HTMLElement | null)?.getBoundingClientRect().height ?? 0) > 10,
        ]),
      );
      richOutputs += shown.length;
      for (const [k, o] of shown.entries()) assert.deepEqual(o, [null, null, true], `${name}, rich output ${k}`);
      await page.screenshot({ path: path.join(ARTIFACTS, `notebook-${name}.png`), fullPage: true });
      assert.deepEqual(errors, []);
      await page.close();
    }
    assert.ok(richOutputs >= 12, `${richOutputs} rich outputs in all`);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
