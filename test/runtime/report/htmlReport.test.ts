/** The HTML report: self-contained, every notebook text escaped, renderers inlined once. */
import assert from 'node:assert/strict';
import { escapeHtml, renderHtmlReport, scriptJson, stripAnsi } from '../../../kernels/runtime/report/htmlReport';
import type { RendererBundle } from '../../../kernels/runtime/report/rendererRegistry';
import { IDC_MIME } from '../../../kernels/outputs/mime';
import { newNotebook, type Notebook } from '../../../kernels/runtime/notebook/nbformat';

const XSS = '<img src=x onerror=alert(1)>';
const XSS_ESCAPED = '&lt;img src=x onerror=alert(1)&gt;';
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00]);
const progress = (done: number) => ({ v: 1, label: `steps ${XSS}`, done, total: 10, ratePerSecond: 2, etaSeconds: 3, elapsedSeconds: 1, state: 'running' });
const RENDERER_SOURCE = 'export const activate = () => ({ renderOutputItem() {} }); // </script><script>alert(1)</script> <!-- x';
const RENDERER: RendererBundle = { id: 'idc-lab.progress', mimeTypes: [IDC_MIME.progress], source: RENDERER_SOURCE };
const OTHER: RendererBundle = { id: 'other', mimeTypes: ['application/x-unused'], source: 'export const activate = () => ({});' };
const HOST_SOURCE = 'const close = "</script><script>alert(5)</script>"; // <!-- the host';

function reportNotebook(): Notebook {
  const nb = newNotebook();
  nb.cells = [
    {
      cell_type: 'markdown',
      id: 'm',
      source: `# Results\n\n${XSS} and <script>alert(2)</script>\n\n![pic](attachment:a%20b.png)`,
      metadata: {},
      attachments: { 'a b.png': { 'image/png': 'iVBORw0K\nGgo=' } },
    },
    { cell_type: 'raw', id: 'r', source: `raw ${XSS}`, metadata: {} },
    {
      cell_type: 'code',
      id: 'c',
      source: `const caption = "${XSS}";`,
      metadata: {},
      execution_count: 3,
      outputs: [
        { output_type: 'stream', name: 'stdout', text: `caption: ${XSS}\n` },
        { output_type: 'stream', name: 'stderr', text: '\u001b[31mred warning\u001b[0m \u001b]8;;http://x\u0007link\u001b]8;;\u0007\n' },
        {
          output_type: 'display_data',
          data: { 'text/html': `<p onclick="x()">hi</p>${XSS}<script>alert(4)</script>`, 'text/plain': '<text/html>' },
          metadata: {},
        },
        { output_type: 'display_data', data: { 'image/png': PNG, 'text/plain': 'img' }, metadata: {} },
        { output_type: 'display_data', data: { 'image/svg+xml': `<svg xmlns="http://www.w3.org/2000/svg"><text>${XSS}</text></svg>` }, metadata: {} },
        { output_type: 'display_data', data: { [IDC_MIME.progress]: progress(4), 'text/plain': 'steps 4/10' }, metadata: { note: 'meta' } },
        {
          output_type: 'display_data',
          data: { [IDC_MIME.progress]: { ...progress(9), label: '</script><script>alert(3)</script>' }, 'image/png': PNG, 'text/plain': 'steps 9/10' },
          metadata: {},
        },
        { output_type: 'display_data', data: { 'text/markdown': `**md** ${XSS}` }, metadata: {} },
        { output_type: 'display_data', data: { 'application/json': { caption: XSS } }, metadata: {} },
        { output_type: 'execute_result', data: { 'text/plain': XSS }, metadata: {}, execution_count: 3 },
        { output_type: 'error', ename: 'Error', evalue: XSS, traceback: [`Error: ${XSS}`, '    at cell 2:1:1'] },
        { output_type: 'error', ename: 'ValueError', evalue: 'bad', traceback: ['\u001b[0;31mTraceback\u001b[0m', '  line 1'] },
      ],
    },
  ];
  return nb;
}

/** The page with the contents of <script> elements and of srcdoc attributes left out. */
function markupOnly(html: string): string {
  return html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '<script></script>').replace(/srcdoc="[^"]*"/g, 'srcdoc=""');
}

describe('HTML report', () => {
  const html = renderHtmlReport(reportNotebook(), { title: `report ${XSS}`, renderers: { host: HOST_SOURCE, bundles: [OTHER, RENDERER] } });

  it('never lets notebook text become markup', () => {
    assert.ok(!html.includes('<img src=x onerror'), 'the raw payload must not appear anywhere');
    assert.ok(!/<script>alert/.test(html), 'no script from the notebook');
    assert.ok(html.includes('<title>report &lt;img'), 'the title is escaped');
    assert.ok(html.includes(`<h1>report ${XSS_ESCAPED}</h1>`));
    for (const where of [
      `<p>${XSS_ESCAPED} and &lt;script&gt;alert(2)&lt;/script&gt;</p>`, // markdown cell
      `<section class="cell raw"><pre>raw ${XSS_ESCAPED}</pre>`, // raw cell
      `const caption = &quot;${XSS_ESCAPED}&quot;;`, // code
      `<pre class="output stream stdout">caption: ${XSS_ESCAPED}\n</pre>`, // stream
      `<pre class="output text">${XSS_ESCAPED}</pre>`, // text/plain
      `<pre class="output error">Error: ${XSS_ESCAPED}\n    at cell 2:1:1</pre>`, // error
      `<strong>md</strong> ${XSS_ESCAPED}`, // text/markdown
    ]) {
      assert.ok(html.includes(where), where);
    }
  });

  it('shows code with its execution count, streams and errors without ANSI codes', () => {
    assert.ok(html.includes('<span class="prompt">[3]</span><pre><code>'));
    assert.ok(html.includes('<pre class="output stream stderr">red warning link\n</pre>'));
    assert.ok(html.includes('<pre class="output error">ValueError: bad\nTraceback\n  line 1</pre>'), 'a traceback without the message gets it as a header');
    assert.ok(!html.includes('\u001b'));
  });

  it('puts HTML output in a sandboxed frame with no permission at all', () => {
    const frame = /<iframe class="output html" sandbox="" title="HTML output" srcdoc="([^"]*)"><\/iframe>/.exec(html);
    assert.ok(frame, 'a sandboxed iframe');
    assert.ok(frame[1]?.startsWith('&lt;p onclick=&quot;x()&quot;&gt;hi&lt;/p&gt;'));
    assert.ok(!markupOnly(html).includes('onclick'), 'the HTML is only in the srcdoc attribute');
  });

  it('inlines images as data URIs, SVG included (never as markup)', () => {
    assert.ok(html.includes(`src="data:image/png;base64,${Buffer.from(PNG).toString('base64')}"`));
    assert.ok(html.includes('src="data:image/svg+xml;base64,'));
    assert.ok(!/<svg/i.test(markupOnly(html)));
  });

  it('resolves markdown attachments to data URIs', () => {
    assert.ok(html.includes('<img src="data:image/png;base64,iVBORw0KGgo=" alt="pic">'));
  });

  it('pretty-prints application/json', () => {
    assert.ok(html.includes(`<pre class="output json">{\n  &quot;caption&quot;: &quot;${XSS_ESCAPED}&quot;\n}</pre>`));
  });

  it('hands our MIME types to the renderer bundle, inlined once, over the static fallback', () => {
    assert.equal(html.split('class="idc-renderer"').length - 1, 1, 'one renderer source for two progress outputs');
    assert.ok(!html.includes('data-id="other"'), 'an unused renderer is not inlined');
    assert.equal(html.split('class="idc-output"').length - 1, 2);
    assert.equal(html.split('<script type="module">').length - 1, 1);
    assert.ok(html.includes(`<div class="output rich" id="idc-out-1" data-mime="${IDC_MIME.progress}"><pre class="output text">steps 4/10</pre></div>`));
    assert.ok(
      html.includes(`<div class="output rich" id="idc-out-2" data-mime="${IDC_MIME.progress}"><div class="output image"><img`),
      'the richest static fallback: the PNG',
    );
  });

  it('keeps </script> in a payload or a renderer source from closing its script element', () => {
    const scripts = [...html.matchAll(/<script type="application\/json" class="(idc-output|idc-renderer)"[^>]*>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 3);
    const payloads = scripts
      .filter((m) => m[1] === 'idc-output')
      .map((m) => JSON.parse(m[2] as string) as { id: string; mime: string; metadata: unknown; json: { label: string; done: number } });
    assert.deepEqual(
      payloads.map((p) => [p.id, p.mime, p.json.done]),
      [
        ['idc-out-1', IDC_MIME.progress, 4],
        ['idc-out-2', IDC_MIME.progress, 9],
      ],
    );
    assert.deepEqual(payloads[0]?.metadata, { note: 'meta' });
    assert.equal(payloads[1]?.json.label, '</script><script>alert(3)</script>', 'the payload survives intact as data');
    const source = scripts.find((m) => m[1] === 'idc-renderer')?.[2] as string;
    assert.equal(JSON.parse(source), RENDERER_SOURCE, 'the renderer source survives intact');
    assert.ok(!source.includes('<'));
  });

  it('inlines the renderer host once, as JSON, and starts it from a blob: URL', () => {
    const hosts = [...html.matchAll(/<script type="application\/json" class="idc-report-host">([\s\S]*?)<\/script>/g)];
    assert.equal(hosts.length, 1);
    const host = hosts[0]?.[1] as string;
    assert.equal(JSON.parse(host), HOST_SOURCE, 'the host source survives intact');
    assert.ok(!host.includes('<'));
    const bootstrap = /<script type="module">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    assert.match(bootstrap, /document\.querySelector\('script\.idc-report-host'\)/);
    assert.match(bootstrap, /import\(URL\.createObjectURL\(new Blob\(/);
    assert.ok(html.indexOf('class="idc-report-host"') > html.lastIndexOf('class="idc-output"'), 'the host comes after every output it reads');
    const noRich = renderHtmlReport(newNotebook(), { title: 't', renderers: { host: HOST_SOURCE, bundles: [RENDERER] } });
    assert.ok(!noRich.includes('<script'), 'no host without a rich output');
  });

  it('allows no network: a CSP with inline code, blob: modules and data:/blob: images only', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'unsafe-inline' blob:;/);
    assert.match(csp, /img-src data: blob:;/);
    assert.doesNotMatch(csp, /https?:|\*/);
    assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<style>'), 'the CSP comes before any content');
  });

  it('defines the VS Code theme variables for light and dark', () => {
    assert.match(html, /:root \{[^}]*--vscode-progressBar-background:/);
    assert.match(html, /@media \(prefers-color-scheme: dark\) \{ :root \{[^}]*--vscode-foreground:/);
  });

  it('works without renderers, and omits code cell sources when asked', () => {
    const plain = renderHtmlReport(reportNotebook(), { title: 't', includeCode: false });
    assert.ok(!plain.includes('const caption'));
    assert.ok(!plain.includes('<script'), 'no script at all without renderers');
    assert.ok(plain.includes(`caption: ${XSS_ESCAPED}`));
    assert.ok(plain.includes('<pre class="output text">steps 4/10</pre>'));
  });

  it('has helpers that escape for HTML and script content and strip terminal codes', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    assert.equal(scriptJson({ s: '</script><!--\u2028' }), '{"s":"\\u003c/script>\\u003c!--\\u2028"}');
    assert.equal(stripAnsi('\u001b[1;31mred\u001b[0m \u001b[?25lx\u001b]0;title\u0007y'), 'red xy');
  });
});
