/**
 * The HTML report's renderer host against VS Code's renderer API (@types/vscode-notebook-renderer).
 * The declarations at the top are the type test: `tsc` (`npm run typecheck`, part of `npm test`)
 * fails when the report's context, output item or render loop drifts from the package's types,
 * and when the package gains a member the host has not decided on. The tests below check that
 * the members do what the API documents, and that the loop draws a page the report builder
 * wrote, in JSDOM.
 */
import assert from 'node:assert/strict';
import type { ActivationFunction, OutputItem, RendererApi, RendererContext } from 'vscode-notebook-renderer';
import { IDC_MIME, type JsonValue } from '../../kernels/outputs/mime';
import type { ReportOutput } from '../../kernels/outputs/reportPage';
import { newNotebook } from '../../kernels/runtime/notebook/nbformat';
import { renderHtmlReport } from '../../kernels/runtime/report/htmlReport';
import type { RendererBundle } from '../../kernels/runtime/report/rendererRegistry';
import { activate as attention } from '../../renderers/attention/index';
import { activate as categoryChart } from '../../renderers/categoryChart/index';
import { activate as imagePair } from '../../renderers/imagePair/index';
import { activate as progress } from '../../renderers/progress/index';
import { activate as training } from '../../renderers/training/index';
import { type RendererLookup, reportContext, reportOutputItem } from '../../renderers/reportHost/host';
import { type ModuleLoader, renderReport } from '../../renderers/reportHost/page';
import { fakeDom, type FakeDom } from './fakeContext';

// --- The type test: each line fails to compile if the host drifts from the API ---

/** The report's context is the API's context (the renderers keep no state: TState undefined). */
const makeContext: (getRenderer: RendererLookup) => RendererContext<undefined> = reportContext;
/** The report's output item is the API's output item. */
const makeItem: (output: ReportOutput) => OutputItem = reportOutputItem;
/** What getRenderer resolves to is what the API says another renderer's activate returns. */
const lookup: RendererLookup = async (): Promise<Awaited<ReturnType<ActivationFunction<undefined>>>> => undefined;
/** Every renderer we ship activates with the report's context. */
const SHIPPED: Record<string, ActivationFunction<undefined>> = { attention, categoryChart, imagePair, progress, training };

/**
 * Every member of the API's context, and whether the report provides it: a member the package
 * adds, even an optional one, fails to compile here until someone decides what a report does.
 */
const CONTEXT_MEMBERS = {
  workspace: true,
  getState: true,
  setState: true,
  getRenderer: true,
  // a report has no extension to talk to; VS Code leaves these out too when messaging is unavailable
  postMessage: false,
  onDidReceiveMessage: false,
} satisfies Record<keyof RendererContext<undefined>, boolean>;

/** Every member of the API's output item (all required). */
const ITEM_MEMBERS = { id: true, mime: true, metadata: true, text: true, json: true, data: true, blob: true } satisfies Record<keyof OutputItem, true>;

// --- Behaviour ---

const utf8 = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const blobText = async (blob: Blob): Promise<string> => utf8(new Uint8Array(await blob.arrayBuffer()));

describe('the HTML report renderer host', () => {
  describe('its output item', () => {
    const text = 'héllo, </script> ✓';
    const base64Output: ReportOutput = {
      id: 'idc-out-1',
      mime: 'text/x-note',
      renderer: 'r',
      metadata: { note: 'meta' },
      json: null,
      base64: Buffer.from(text, 'utf8').toString('base64'),
    };
    const payload: JsonValue = { v: 1, label: 'steps', nested: [1, null, 'é'] };
    const jsonOutput: ReportOutput = { id: 'idc-out-2', mime: IDC_MIME.progress, renderer: 'r', metadata: {}, json: payload, base64: null };

    it('has every member of the API', () => {
      const item = makeItem(jsonOutput);
      for (const member of Object.keys(ITEM_MEMBERS)) assert.ok(member in item, member);
    });

    it('gives a base64 output as UTF-8 text, bytes and a typed blob; json() parses the text like VS Code', async () => {
      const item = makeItem(base64Output);
      assert.deepEqual([item.id, item.mime, item.metadata], ['idc-out-1', 'text/x-note', { note: 'meta' }]);
      assert.equal(item.text(), text);
      assert.deepEqual([...item.data()], [...Buffer.from(text, 'utf8')]);
      assert.equal(item.data(), item.data(), 'decoded once');
      const blob = item.blob();
      assert.equal(blob.type, 'text/x-note');
      assert.equal(await blobText(blob), text);
      assert.throws(() => item.json(), SyntaxError, 'not JSON: throws, as the API documents');
      const jsonBytes = makeItem({ ...base64Output, base64: Buffer.from('{"a":[1,2]}').toString('base64') });
      assert.deepEqual(jsonBytes.json(), { a: [1, 2] });
    });

    it('gives a JSON output as its value, and as the JSON text in text(), data() and blob()', async () => {
      const item = makeItem(jsonOutput);
      assert.deepEqual(item.json(), payload);
      assert.equal(item.text(), JSON.stringify(payload));
      assert.equal(utf8(item.data()), JSON.stringify(payload));
      assert.equal(item.blob().type, IDC_MIME.progress);
      assert.equal(await blobText(item.blob()), JSON.stringify(payload));
      const nothing = makeItem({ ...jsonOutput, json: null });
      assert.deepEqual([nothing.json(), nothing.text()], [null, 'null'], 'a JSON null payload');
    });
  });

  describe('its context', () => {
    it('provides the members the report decided on, and only those', () => {
      const context = makeContext(lookup);
      for (const [member, provided] of Object.entries(CONTEXT_MEMBERS)) assert.equal(member in context, provided, member);
    });

    it('is trusted, keeps no state, and finds other renderers through the page', async () => {
      const other: RendererApi = { renderOutputItem() {} };
      const asked: string[] = [];
      const context = makeContext(async (id) => {
        asked.push(id);
        return id === 'other' ? other : undefined;
      });
      assert.equal(context.workspace.isTrusted, true);
      assert.equal(context.getState(), undefined);
      context.setState(undefined);
      assert.equal(context.getState(), undefined);
      assert.equal(await context.getRenderer('other'), other);
      assert.equal(await context.getRenderer('missing'), undefined);
      assert.deepEqual(asked, ['other', 'missing']);
    });

    it('activates every renderer we ship, each with an API that renders', async () => {
      for (const [name, activate] of Object.entries(SHIPPED)) {
        const api = await activate(makeContext(lookup));
        assert.equal(typeof api?.renderOutputItem, 'function', name);
      }
    });
  });

  describe('its render loop, on a page the report builder wrote', () => {
    let dom: FakeDom;
    let logged: unknown[][];
    const consoleError = console.error;
    beforeEach(() => {
      dom = fakeDom();
      logged = [];
      console.error = (...args: unknown[]) => logged.push(args);
    });
    afterEach(() => {
      console.error = consoleError;
      dom.close();
    });

    const RICH = 'application/x-rich+json';
    /** A page of the given rich payloads (each with a text/plain fallback), drawn by renderer `r` from source `source`. */
    function page(source: string, ...payloads: JsonValue[]): void {
      const nb = newNotebook();
      nb.cells = [
        {
          cell_type: 'code',
          id: 'c',
          source: 'show()',
          metadata: {},
          execution_count: 1,
          outputs: payloads.map((p, i) => ({ output_type: 'display_data', data: { [RICH]: p, 'text/plain': `fallback ${i}` }, metadata: { i } })),
        },
      ];
      const bundles: RendererBundle[] = [{ id: 'r', mimeTypes: [RICH], source }];
      const html = renderHtmlReport(nb, { title: 't', renderers: { host: 'unused: the test runs the loop itself', bundles } });
      dom.document.body.innerHTML = /<body>([\s\S]*)<\/body>/.exec(html)?.[1] ?? '';
    }
    /** Loads "modules" by their source text, as the page would from blob: URLs. */
    const loader =
      (modules: Record<string, unknown>): ModuleLoader =>
      async (source) => {
        if (!(source in modules)) throw new Error(`no module ${source}`);
        return modules[source];
      };
    const outputs = () => [...dom.document.querySelectorAll<HTMLElement>('.output.rich')];

    it('hands each output to its renderer as the API says, keeps the fallback until it has drawn, then removes it', async () => {
      page('drawing', { n: 1 }, { n: 2 });
      const seen: { id: string; json: unknown; metadata: unknown; aborted: boolean; fallbackWhileDrawing: boolean; mounted: boolean }[] = [];
      let contextSeen: RendererContext<undefined> | undefined;
      const api: RendererApi = {
        async renderOutputItem(item, element, signal) {
          const host = element.parentElement as HTMLElement;
          seen.push({
            id: item.id,
            json: item.json(),
            metadata: item.metadata,
            aborted: signal.aborted,
            fallbackWhileDrawing: host.querySelector(':scope > pre') !== null,
            mounted: element.className === 'rendered' && host.classList.contains('rich'),
          });
          await Promise.resolve();
          element.textContent = `drawn ${item.id}`;
        },
      };
      const activate: ActivationFunction<undefined> = (context) => {
        contextSeen = context;
        return api;
      };
      await renderReport(dom.document, loader({ drawing: { activate } }));
      assert.deepEqual(seen, [
        { id: 'idc-out-1', json: { n: 1 }, metadata: { i: 0 }, aborted: false, fallbackWhileDrawing: true, mounted: true },
        { id: 'idc-out-2', json: { n: 2 }, metadata: { i: 1 }, aborted: false, fallbackWhileDrawing: true, mounted: true },
      ]);
      assert.deepEqual(
        outputs().map((o) => o.innerHTML),
        ['<div class="rendered">drawn idc-out-1</div>', '<div class="rendered">drawn idc-out-2</div>'],
      );
      assert.equal(contextSeen?.workspace.isTrusted, true);
      assert.equal(await contextSeen?.getRenderer('r'), api, "getRenderer finds the page's renderers");
      assert.equal(await contextSeen?.getRenderer('not-on-the-page'), undefined);
      assert.deepEqual(logged, []);
    });

    it('draws with the real progress renderer', async () => {
      page('progress', { v: 1, label: 'epochs', done: 3, total: 10, ratePerSecond: 1, etaSeconds: 7, elapsedSeconds: 3, state: 'running' });
      await renderReport(dom.document, loader({ progress: { activate: progress } }));
      const [output] = outputs();
      assert.equal(output?.dataset.renderError, undefined);
      assert.equal(output?.querySelector(':scope > pre'), null, 'the fallback is gone');
      assert.equal(output?.querySelector('.rendered')?.shadowRoot?.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow'), '3');
    });

    it('keeps the fallback and records the error when a renderer fails, returns no API, or is missing', async () => {
      const cases: Array<[string, unknown, RegExp]> = [
        ['throws', { activate: () => ({ renderOutputItem: () => Promise.reject(new Error('boom')) }) }, /^Error: boom$/],
        ['extends another', { activate: () => undefined }, /renderer r returned no API from activate/],
        ['exports nothing', {}, /renderer r exports no activate function/],
        ['fails to activate', { activate: () => Promise.reject(new Error('no GPU')) }, /^Error: no GPU$/],
      ];
      for (const [what, module, error] of cases) {
        page(what, { n: 1 });
        await renderReport(dom.document, loader({ [what]: module }));
        const [output] = outputs();
        assert.match(output?.dataset.renderError ?? '', error, what);
        assert.equal(output?.innerHTML, '<pre class="output text">fallback 0</pre>', `${what}: the fallback stays, the mount goes`);
      }
      page('loaded', { n: 1 });
      dom.document.querySelector('script.idc-renderer')?.setAttribute('data-id', 'renamed');
      await renderReport(dom.document, loader({ loaded: { activate: () => ({ renderOutputItem() {} }) } }));
      assert.match(outputs()[0]?.dataset.renderError ?? '', /no renderer r$/);
      assert.equal(logged.length, cases.length + 1, 'each failure is logged');
    });
  });
});
