/** The HTML report: self-contained, every notebook text escaped, renderers inlined once. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderHtmlReport } from '../../../kernels/runtime/report/htmlReport';
import { loadRenderers, type RendererBundle } from '../../../kernels/runtime/report/rendererRegistry';
import { IDC_MIME } from '../../../kernels/idc/display/mime';
import { newNotebook, type Notebook } from '../../../kernels/runtime/notebook/nbformat';

const XSS = '<img src=x onerror=alert(1)>';
const progress = (done: number) => ({ v: 1, label: `steps ${XSS}`, done, total: 10, ratePerSecond: 2, etaSeconds: 3, elapsedSeconds: 1, state: 'running' });
const RENDERER: RendererBundle = { id: 'idc-lab.progress', mimeTypes: [IDC_MIME.progress], source: 'export const activate = () => ({ renderOutputItem() {} }); // </script><script>alert(1)</script>' };

function reportNotebook(): Notebook {
  const nb = newNotebook();
  nb.cells = [
    { cell_type: 'markdown', id: 'm', source: `# Results\n\n${XSS} and <script>alert(2)</script>`, metadata: {} },
    {
      cell_type: 'code',
      id: 'c',
      source: `const caption = "${XSS}";`,
      metadata: {},
      execution_count: 3,
      outputs: [
        { output_type: 'stream', name: 'stdout', text: `caption: ${XSS}\n` },
        { output_type: 'stream', name: 'stderr', text: '\u001b[31mred warning\u001b[0m\n' },
        { output_type: 'display_data', data: { 'text/html': `<p onclick="x()">hi</p>${XSS}`, 'text/plain': '<text/html>' }, metadata: {} },
        { output_type: 'display_data', data: { 'image/png': new Uint8Array([0x89, 0x50, 0x4e, 0x47]), 'text/plain': 'img' }, metadata: {} },
        { output_type: 'display_data', data: { [IDC_MIME.progress]: progress(4), 'text/plain': 'steps 4/10' }, metadata: {} },
        { output_type: 'display_data', data: { [IDC_MIME.progress]: { ...progress(9), label: '</script><script>alert(3)</script>' }, 'text/plain': 'steps 9/10' }, metadata: {} },
        { output_type: 'execute_result', data: { 'text/plain': XSS }, metadata: {}, execution_count: 3 },
        { output_type: 'error', ename: 'Error', evalue: XSS, traceback: [`Error: ${XSS}`, '    at cell 2:1:1'] },
      ],
    },
  ];
  return nb;
}

describe('HTML report', () => {
  const html = renderHtmlReport(reportNotebook(), { title: `report ${XSS}`, renderers: [RENDERER] });

  it('never lets notebook text become markup', () => {
    assert.ok(!html.includes(XSS), 'the raw payload must not appear anywhere');
    assert.ok(!html.includes('<script>alert'), 'no script from the notebook');
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'), 'it appears escaped');
    assert.ok(html.includes('<title>report &lt;img'), 'the title is escaped');
  });

  it('renders markdown without its raw HTML', () => {
    assert.match(html, /<h1>Results<\/h1>/);
    assert.ok(html.includes('&lt;script&gt;alert(2)&lt;/script&gt;'));
  });

  it('shows code with its execution count, streams without ANSI codes, and errors', () => {
    assert.ok(html.includes('[3]'));
    assert.ok(html.includes('<pre class="output stream stderr">red warning\n</pre>'));
    assert.match(html, /<pre class="output error">Error: &lt;img/);
  });

  it('puts HTML output in a sandboxed frame with no script permission', () => {
    assert.match(html, /<iframe class="output html" sandbox="" title="HTML output" srcdoc="&lt;p onclick=&quot;x\(\)&quot;&gt;hi&lt;\/p&gt;/);
  });

  it('inlines images as data URIs', () => {
    assert.ok(html.includes(`src="data:image/png;base64,${Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64')}"`));
  });

  it('hands our MIME types to the renderer bundle, inlined once, with the static fallback in place', () => {
    assert.equal(html.split('class="idc-renderer"').length - 1, 1);
    assert.equal(html.split('class="idc-output"').length - 1, 2);
    assert.match(html, /<div class="output rich" id="out-1"><pre class="output">steps 4\/10<\/pre><\/div>/);
    const payloads = [...html.matchAll(/<script type="application\/json" class="idc-output" data-for="out-\d">(.*?)<\/script>/g)].map((m) => JSON.parse(m[1] as string) as { json: { label: string } });
    assert.equal(payloads[1]?.json.label, '</script><script>alert(3)</script>', 'the payload survives intact as data');
    assert.ok(!html.includes('// </script>'), 'the renderer source cannot close its container');
  });

  it('allows no network: a CSP with inline code and data/blob sources only', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /https?:/);
  });

  it('loads the renderer bundles named in package.json, and says which one is missing', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'idc-renderers-'));
    try {
      const manifest = { contributes: { notebookRenderer: [{ id: 'r', entrypoint: './dist/renderers/r.js', mimeTypes: ['application/x-r'] }] } };
      fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify(manifest));
      assert.throws(() => loadRenderers(root), (e: Error) => e.message.includes(path.join(root, 'dist/renderers/r.js')) && /npm run build/.test(e.message));
      fs.mkdirSync(path.join(root, 'dist', 'renderers'), { recursive: true });
      fs.writeFileSync(path.join(root, 'dist', 'renderers', 'r.js'), 'export const activate = 1;');
      assert.deepEqual(loadRenderers(root), [{ id: 'r', mimeTypes: ['application/x-r'], source: 'export const activate = 1;' }]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('omits code cells sources when asked', () => {
    const plain = renderHtmlReport(reportNotebook(), { title: 't', renderers: [], includeCode: false });
    assert.ok(!plain.includes('const caption'));
    assert.ok(plain.includes('caption: &lt;img'));
  });
});
