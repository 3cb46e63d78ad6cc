// What IDC Lab's renderers drew inside the notebook's output webview, read from the open
// shadow roots of the output hosts, and the assertions on it. Canvases are checked for ink:
// pixels that are not transparent and not the background, so an empty chart fails.
import assert from 'node:assert/strict';
import { XSS_CAPTION } from './expectations.mjs';

/** Every IDC Lab output host in the webview document, classified, with what it shows. */
export function inspectOutputs(frame) {
  return frame.evaluate(() => {
    const ink = (canvas) => {
      const width = canvas.width;
      const height = canvas.height;
      const box = canvas.getBoundingClientRect();
      let painted = 0;
      let colours = 0;
      if (width > 0 && height > 0) {
        const data = canvas.getContext('2d')?.getImageData(0, 0, width, height).data;
        const seen = new Set();
        if (data) {
          for (let i = 0; i < data.length; i += 4) {
            if (data[i + 3] === 0) continue;
            painted++;
            if (seen.size < 64) seen.add(`${data[i] >> 4},${data[i + 1] >> 4},${data[i + 2] >> 4}`);
          }
        }
        colours = seen.size;
      }
      return { width, height, cssWidth: Math.round(box.width), cssHeight: Math.round(box.height), painted, colours };
    };
    const text = (root, selector) => root.querySelector(selector)?.textContent?.trim() ?? '';
    const hosts = [];
    for (const element of document.querySelectorAll('*')) {
      const root = element.shadowRoot;
      if (!root) continue;
      const base = {
        ready: element.getAttribute('data-ready'),
        buttons: [...root.querySelectorAll('button')].map((b) => b.textContent?.trim() ?? ''),
        injectedImages: root.querySelectorAll('img[src="x"]').length,
        scripts: root.querySelectorAll('script').length,
      };
      if (root.querySelector('.viewer')) {
        hosts.push({
          kind: 'imagePair',
          ...base,
          title: text(root, '.viewer .title'),
          pairs: root.querySelectorAll('article.pair').length,
          ids: [...root.querySelectorAll('article.pair')].map((a) => a.getAttribute('data-id')),
          modes: [...root.querySelectorAll('button[data-mode]')].map((b) => ({ mode: b.getAttribute('data-mode'), pressed: b.getAttribute('aria-pressed') })),
          cardClasses: [...root.querySelectorAll('article.pair')].map((a) => a.className),
          predictions: [...root.querySelectorAll('.prediction-text')].map((p) => p.textContent),
          predictionChildren: [...root.querySelectorAll('.prediction-text')].map((p) => p.children.length),
          images: [...root.querySelectorAll('article.pair img, article.pair canvas')].map((i) => ({
            tag: i.tagName.toLowerCase(),
            width: Math.round(i.getBoundingClientRect().width),
            complete: i.tagName === 'IMG' ? i.complete && i.naturalWidth > 0 : true,
          })),
        });
      } else if (root.querySelector('[aria-label="Chart controls"]')) {
        const canvas = root.querySelector('canvas');
        const table = root.querySelector('.table-view');
        hosts.push({
          kind: 'categoryChart',
          ...base,
          title: text(root, '.title'),
          canvas: canvas ? ink(canvas) : null,
          plotHidden: root.querySelector('.plot')?.hidden ?? null,
          tableHidden: table?.hidden ?? null,
          tableRows: table ? table.querySelectorAll('tbody tr').length : 0,
          notes: [...root.querySelectorAll('ul.notes li')].map((li) => li.textContent),
        });
      } else if (root.querySelector('[aria-label="Training curve controls"]')) {
        const canvas = root.querySelector('canvas');
        hosts.push({ kind: 'training', ...base, title: text(root, '.title'), canvas: canvas ? ink(canvas) : null, summary: text(root, '.summary') });
      } else if (root.querySelector('[role="progressbar"]')) {
        const bar = root.querySelector('[role="progressbar"]');
        hosts.push({
          kind: 'progress',
          ...base,
          label: bar.getAttribute('aria-label'),
          now: bar.getAttribute('aria-valuenow'),
          max: bar.getAttribute('aria-valuemax'),
          text: text(root, '.text'),
        });
      }
    }
    return hosts;
  });
}

function one(hosts, kind) {
  const found = hosts.filter((h) => h.kind === kind);
  assert.equal(
    found.length,
    1,
    `expected one ${kind} output drawn by IDC Lab's renderer, found ${found.length} (outputs: ${hosts.map((h) => h.kind).join(', ') || 'none'})`,
  );
  return found[0];
}

function assertInk(canvas, what) {
  assert.ok(canvas, `${what}: no canvas`);
  assert.ok(
    canvas.width > 0 && canvas.height > 0 && canvas.cssWidth > 0 && canvas.cssHeight > 0,
    `${what}: the canvas has no size (${JSON.stringify(canvas)})`,
  );
  // bars, axes, labels: well beyond a few stray pixels, and more than one colour
  assert.ok(canvas.painted > 500, `${what}: the canvas is (nearly) blank: ${canvas.painted} painted pixels`);
  assert.ok(canvas.colours >= 2, `${what}: the canvas has a single colour`);
}

export function assertImagePairs(hosts, expected) {
  const viewer = one(hosts, 'imagePair');
  assert.equal(viewer.title, expected.title, 'image pairs: title');
  assert.equal(viewer.pairs, expected.count, `image pairs: ${viewer.pairs} cards (article.pair) drawn, the cell displayed ${expected.count}`);
  assert.deepEqual(viewer.ids, expected.ids, 'image pairs: the cards are the displayed pairs, in order');
  assert.ok(viewer.modes.length >= 2, `image pairs: mode buttons (button[data-mode]): ${JSON.stringify(viewer.modes)}`);
  assert.ok(viewer.images.length >= expected.count * 2, `image pairs: ${viewer.images.length} images in the cards, expected at least ${expected.count * 2}`);
  assert.ok(
    viewer.images.every((i) => i.width > 0 && i.complete),
    `image pairs: images without size or not decoded: ${JSON.stringify(viewer.images)}`,
  );
  // the caption that is markup is shown as text, and made no element
  assert.deepEqual(viewer.predictions, expected.predictions, 'image pairs: predictions shown as text');
  assert.ok(viewer.predictions.includes(XSS_CAPTION), `image pairs: the caption ${XSS_CAPTION} is not shown as text`);
  assert.ok(
    viewer.predictionChildren.every((n) => n === 0),
    'image pairs: a prediction has child elements (markup was parsed)',
  );
  assert.equal(viewer.injectedImages, 0, 'image pairs: the caption became an <img src="x"> element');
  assert.equal(viewer.scripts, 0, 'image pairs: a script element in the output');
  return viewer;
}

export function assertCategoryChart(hosts, expected) {
  const chart = one(hosts, 'categoryChart');
  assert.equal(chart.title, expected.title, 'category chart: title');
  for (const name of ['Chart', 'Table']) assert.ok(chart.buttons.includes(name), `category chart: no "${name}" button (buttons: ${chart.buttons.join(', ')})`);
  assert.equal(chart.ready, 'true', 'category chart: the host is not marked data-ready');
  assert.equal(chart.plotHidden, false, 'category chart: the chart view is hidden');
  assertInk(chart.canvas, 'category chart');
  return chart;
}

export function assertTrainingCurves(hosts, expected) {
  const curves = one(hosts, 'training');
  assert.equal(curves.title, expected.title, 'training curves: title');
  assert.equal(curves.ready, 'true', 'training curves: the host is not marked data-ready');
  for (const run of expected.runs)
    assert.ok(curves.summary.includes(run), `training curves: the summary does not name run "${run}": ${JSON.stringify(curves.summary)}`);
  assertInk(curves.canvas, 'training curves');
  return curves;
}

export function assertProgress(hosts, expected) {
  const bar = one(hosts, 'progress');
  assert.equal(bar.label, expected.label, 'progress: label');
  assert.ok(bar.max !== null && bar.now === bar.max, `progress: the bar is not full (${bar.now} of ${bar.max})`);
  return bar;
}

/** The chart's Table and Chart buttons, clicked in the webview, switch its view. */
export async function toggleChartTable(frame, expected) {
  await frame.getByRole('button', { name: 'Table', exact: true }).click();
  let chart = one(await inspectOutputs(frame), 'categoryChart');
  assert.equal(chart.tableHidden, false, 'category chart: Table did not show the table');
  assert.equal(chart.plotHidden, true, 'category chart: Table did not hide the chart');
  assert.equal(
    chart.tableRows,
    expected.categories.length,
    `category chart: the table has ${chart.tableRows} rows, the payload ${expected.categories.length} categories`,
  );
  await frame.getByRole('button', { name: 'Chart', exact: true }).click();
  chart = one(await inspectOutputs(frame), 'categoryChart');
  assert.equal(chart.plotHidden, false, 'category chart: Chart did not bring the chart back');
  assertInk(chart.canvas, 'category chart after Table and back');
}

/** The Difference mode button switches every card; `whileDifferent` runs in that mode (a screenshot). */
export async function switchPairMode(frame, expected, whileDifferent) {
  await frame.locator('button[data-mode="difference"]').click();
  const viewer = one(await inspectOutputs(frame), 'imagePair');
  assert.ok(
    viewer.modes.some((m) => m.mode === 'difference' && m.pressed === 'true'),
    `image pairs: Difference is not pressed: ${JSON.stringify(viewer.modes)}`,
  );
  assert.equal(
    viewer.cardClasses.filter((c) => c.includes('mode-difference')).length,
    expected.count,
    `image pairs: cards not in difference mode: ${JSON.stringify(viewer.cardClasses)}`,
  );
  await whileDifferent?.();
  await frame.locator('button[data-mode="two-up"]').click();
}
