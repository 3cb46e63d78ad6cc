/**
 * The progress renderer: its pure parts (payload validation, the text it shows) everywhere,
 * and its DOM in a real browser (Chromium), alone and inside an HTML
 * report.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import type { ProgressPayload } from '../../kernels/outputs/contracts';
import { IDC_MIME } from '../../kernels/outputs/mime';
import { newNotebook } from '../../kernels/runtime/notebook/nbformat';
import { renderHtmlReport } from '../../kernels/runtime/report/htmlReport';
import { validateProgressPayload } from '../../kernels/outputs/payloadChecks';
import { formatDuration, formatProgressText, progressPercent } from '../../renderers/progress/render';
import { chromiumPath } from '../browser/harness';

const REPO = path.join(__dirname, '..', '..');
const XSS = '<img src=x onerror=alert(1)>';
const base: ProgressPayload = { v: 1, label: 'epochs', done: 45, total: 100, ratePerSecond: 12.34, etaSeconds: 4.4, elapsedSeconds: 8, state: 'running' };

describe('progress renderer', () => {
  it('formats count, percentage, rate, ETA and elapsed time', () => {
    assert.equal(formatProgressText(base), 'epochs 45/100 (45%) · 12 it/s · ETA 0:04 · elapsed 0:08');
    assert.equal(formatProgressText({ ...base, ratePerSecond: 2.5, total: null, etaSeconds: null }), 'epochs 45 · 2.50 it/s · elapsed 0:08');
    assert.equal(formatProgressText({ ...base, state: 'done', done: 100 }), 'epochs 100/100 (100%) · 12 it/s · elapsed 0:08');
    assert.equal(formatProgressText({ ...base, state: 'failed' }), 'epochs 45/100 (45%) · 12 it/s · elapsed 0:08 · stopped');
    assert.equal(formatProgressText({ ...base, label: XSS }), `${XSS} 45/100 (45%) · 12 it/s · ETA 0:04 · elapsed 0:08`, 'text stays text');
  });

  it('formats durations as m:ss and h:mm:ss', () => {
    assert.deepEqual([formatDuration(0), formatDuration(59.6), formatDuration(61), formatDuration(3725)], ['0:00', '1:00', '1:01', '1:02:05']);
  });

  it('gives the bar width, clamped, and none while the total is unknown', () => {
    assert.equal(progressPercent(base), 45);
    assert.equal(progressPercent({ ...base, done: 150 }), 100);
    assert.equal(progressPercent({ ...base, done: -3 }), 0);
    assert.equal(progressPercent({ ...base, total: 0 }), 100);
    assert.equal(progressPercent({ ...base, total: null }), null);
    assert.equal(progressPercent({ ...base, total: null, state: 'done' }), 100);
  });

  it('accepts a valid payload and explains an invalid one', () => {
    assert.deepEqual(validateProgressPayload(base), { ok: true, payload: base });
    assert.deepEqual(validateProgressPayload({ ...base, total: null, ratePerSecond: null, etaSeconds: null }).ok, true);
    assert.deepEqual(validateProgressPayload({ ...base, v: 2 }), { ok: false, problem: 'unsupported payload version 2 (expected 1)' });
    assert.deepEqual(validateProgressPayload({ ...base, v: undefined }), { ok: false, problem: 'unsupported payload version undefined (expected 1)' });
    assert.deepEqual(validateProgressPayload({ ...base, label: 3 }), { ok: false, problem: 'label: expected a string' });
    assert.deepEqual(validateProgressPayload({ ...base, done: '3' }), { ok: false, problem: 'done: expected a number' });
    assert.deepEqual(validateProgressPayload({ ...base, elapsedSeconds: Number.NaN }), { ok: false, problem: 'elapsedSeconds: expected a number' });
    assert.deepEqual(validateProgressPayload({ ...base, total: 'x' }), { ok: false, problem: 'total: expected a number or null' });
    assert.deepEqual(validateProgressPayload({ ...base, state: 'paused' }), { ok: false, problem: 'state: expected running, done or failed' });
    assert.deepEqual(validateProgressPayload(null), { ok: false, problem: 'the payload is not an object' });
    assert.deepEqual(validateProgressPayload([base]), { ok: false, problem: 'the payload is not an object' });
  });
});

// ---- in a browser ----------------------------------------------------------------------

/** The DOM of a local page after its scripts ran (and timers, up to a virtual 5 s). */
function dumpDom(chromium: string, file: string): string {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'idc-chromium-'));
  try {
    const run = spawnSync(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        `--user-data-dir=${profile}`,
        '--virtual-time-budget=5000',
        '--dump-dom',
        `file://${file}`,
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    // A page that calls alert() (an injected onerror=alert(1), say) never finishes loading.
    assert.equal(run.signal, null, 'chromium did not finish within 30 s: did the page open a dialog such as alert()?');
    assert.equal(run.status, 0, `chromium failed: ${run.stderr}`);
    return run.stdout;
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

/** The JSON a page left base64-encoded in `data-result` on its body. */
function pageResult<T>(dom: string): T {
  const b64 = /data-result="([A-Za-z0-9+/=]+)"/.exec(dom)?.[1];
  assert.ok(b64, 'the page wrote its result');
  return JSON.parse(Buffer.from(b64, 'base64').toString('utf8')) as T;
}

async function bundle(stdin: string): Promise<string> {
  const result = await build({
    stdin: { contents: stdin, resolveDir: REPO, sourcefile: 'browser-test.ts', loader: 'ts' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

// Runs in the page: collects what the shadow DOM of a rendered output shows.
const INSPECT = `
const inspect = (host) => {
  const root = host.shadowRoot ?? host;
  const bar = root.querySelector('[role=progressbar]');
  const fill = root.querySelector('.fill');
  return {
    shadow: host.shadowRoot !== null,
    rows: root.querySelectorAll('.row').length,
    styles: root.querySelectorAll('style').length,
    imgs: root.querySelectorAll('img').length,
    row: root.querySelector('.row')?.className ?? null,
    text: root.querySelector('.text')?.textContent ?? null,
    error: root.querySelector('.error')?.textContent ?? null,
    aria: bar && { label: bar.getAttribute('aria-label'), now: bar.getAttribute('aria-valuenow'), max: bar.getAttribute('aria-valuemax'), text: bar.getAttribute('aria-valuetext') },
    width: fill ? fill.style.width : null,
    fill: fill ? getComputedStyle(fill).backgroundColor : null,
  };
};
const finish = (result) => { document.body.dataset.result = btoa(unescape(encodeURIComponent(JSON.stringify(result)))); };
`;

interface Inspected {
  shadow: boolean;
  rows: number;
  styles: number;
  imgs: number;
  row: string | null;
  text: string | null;
  error: string | null;
  aria: { label: string; now: string; max: string | null; text: string } | null;
  width: string | null;
  fill: string | null;
}

// Debian's Chromium, which `npm test` installs when it is missing (scripts/systemPackages.mjs)
describe('progress renderer in a browser', function (this: Mocha.Suite) {
  this.timeout(90_000);
  const chromium = chromiumPath();
  let dir = '';
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idc-progress-'));
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('draws an accessible, themed bar; updates in place; shows labels as text and bad payloads as errors', async () => {
    const payload = (o: Partial<ProgressPayload>) => JSON.stringify({ ...base, ...o });
    const script = await bundle(`
      import { activate } from './renderers/progress/index';
      import { renderProgress } from './renderers/progress/render';
      ${INSPECT}
      const item = (json) => ({ id: 'x', mime: '${IDC_MIME.progress}', metadata: {}, json, text: () => '', data: () => new Uint8Array(), blob: () => new Blob() });
      const host = () => document.body.appendChild(document.createElement('div'));
      const api = await activate({ workspace: { isTrusted: true }, getState() {}, setState() {} });
      const r = {};
      const a = host();
      api.renderOutputItem(item(() => (${payload({})})), a);
      r.first = inspect(a);
      const shadow = a.shadowRoot;
      api.renderOutputItem(item(() => (${payload({ done: 90, etaSeconds: 1 })})), a);
      r.updated = inspect(a);
      r.sameShadow = a.shadowRoot === shadow;
      const themed = host();
      themed.style.setProperty('--vscode-progressBar-background', 'rgb(1, 2, 3)');
      api.renderOutputItem(item(() => (${payload({})})), themed);
      r.themed = inspect(themed);
      const xss = host();
      api.renderOutputItem(item(() => (${payload({ label: XSS })})), xss);
      r.xss = inspect(xss);
      const unknownTotal = host();
      api.renderOutputItem(item(() => (${payload({ total: null, etaSeconds: null })})), unknownTotal);
      r.unknownTotal = inspect(unknownTotal);
      const failed = host();
      api.renderOutputItem(item(() => (${payload({ state: 'failed', done: 30 })})), failed);
      r.failed = inspect(failed);
      const bad = host();
      api.renderOutputItem(item(() => ({ v: 2, label: ${JSON.stringify(XSS)} })), bad);
      r.bad = inspect(bad);
      const notJson = host();
      api.renderOutputItem(item(() => JSON.parse('{oops')), notJson);
      r.notJson = inspect(notJson);
      const plain = host();
      renderProgress(${payload({})}, plain);
      r.plain = inspect(plain);
      finish(r);
    `);
    const file = path.join(dir, 'progress.html');
    fs.writeFileSync(file, `<!DOCTYPE html><html><body><script type="module">${script.replace(/<\/script/gi, '<\\/script')}</script></body></html>`);
    const r = pageResult<Record<string, Inspected> & { sameShadow: boolean }>(dumpDom(chromium as string, file));

    assert.deepEqual(r.first, {
      shadow: true,
      rows: 1,
      styles: 1,
      imgs: 0,
      row: 'row running',
      text: 'epochs 45/100 (45%) · 12 it/s · ETA 0:04 · elapsed 0:08',
      error: null,
      aria: { label: 'epochs', now: '45', max: '100', text: 'epochs 45/100 (45%) · 12 it/s · ETA 0:04 · elapsed 0:08' },
      width: '45%',
      fill: 'rgb(14, 112, 192)',
    });
    assert.equal(r.sameShadow, true, 'the shadow root is reused');
    assert.deepEqual(
      [r.updated?.rows, r.updated?.styles, r.updated?.width, r.updated?.text],
      [1, 1, '90%', 'epochs 90/100 (90%) · 12 it/s · ETA 0:01 · elapsed 0:08'],
    );
    assert.equal(r.themed?.fill, 'rgb(1, 2, 3)', 'the colour comes from --vscode-progressBar-background');
    assert.deepEqual([r.xss?.imgs, r.xss?.aria?.label, r.xss?.text?.startsWith(XSS)], [0, XSS, true], 'the label is literal text');
    assert.deepEqual([r.unknownTotal?.row, r.unknownTotal?.aria?.max, r.unknownTotal?.width], ['row running indeterminate', null, '']);
    assert.deepEqual([r.failed?.row, r.failed?.fill], ['row failed', 'rgb(161, 38, 13)']);
    assert.deepEqual([r.bad?.rows, r.bad?.error], [0, 'Cannot show this progress output: unsupported payload version 2 (expected 1)']);
    assert.match(r.notJson?.error ?? '', /^Cannot show this progress output: the payload is not valid JSON \(/);
    assert.deepEqual([r.plain?.shadow, r.plain?.rows, r.plain?.width], [false, 1, '45%'], 'renders into a plain element too');
  });

  it('is drawn from the inlined bundle in an HTML report, replacing the static fallback', async () => {
    const source = await bundle(`export * from './renderers/progress/index';`);
    const host = await bundle(`import './renderers/reportHost/index';`);
    const nb = newNotebook();
    const output = (p: ProgressPayload) => ({
      output_type: 'display_data' as const,
      data: { [IDC_MIME.progress]: { ...p }, 'text/plain': formatProgressText(p) },
      metadata: {},
    });
    nb.cells = [
      {
        cell_type: 'code',
        id: 'c',
        source: 'progress()',
        metadata: {},
        execution_count: 1,
        outputs: [output(base), output({ ...base, label: `</script>${XSS}`, done: 100, state: 'done' })],
      },
    ];
    const report = renderHtmlReport(nb, {
      title: 'report',
      renderers: { host, bundles: [{ id: 'idc-lab.progress', mimeTypes: [IDC_MIME.progress], source }] },
    });
    // A probe waits for both outputs to be drawn, then reports what their shadow roots show.
    const probe = `<script type="module">${INSPECT}
      const poll = () => {
        const hosts = [...document.querySelectorAll('.output.rich')];
        const done = hosts.every((h) => h.querySelector('.rendered')?.shadowRoot || h.dataset.renderError);
        if (!done) return setTimeout(poll, 20);
        finish(hosts.map((h) => ({ ...inspect(h.querySelector('.rendered') ?? h), error: h.dataset.renderError ?? null, fallback: h.querySelector('pre') !== null })));
      };
      poll();</script>`;
    const file = path.join(dir, 'report.html');
    fs.writeFileSync(file, report.replace('</body>', `${probe}</body>`));
    const outputs = pageResult<(Inspected & { fallback: boolean })[]>(dumpDom(chromium as string, file));
    assert.equal(outputs.length, 2);
    assert.deepEqual(
      outputs.map((o) => [o.error, o.fallback, o.shadow, o.rows, o.width]),
      [
        [null, false, true, 1, '45%'],
        [null, false, true, 1, '100%'],
      ],
    );
    assert.equal(outputs[1]?.aria?.label, `</script>${XSS}`);
    assert.equal(outputs[1]?.fill, 'rgb(56, 138, 52)', 'the report defines the theme colours');
  });
});
