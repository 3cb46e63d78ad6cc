/**
 * One self-contained HTML page of an executed notebook: markdown rendered, code and text
 * escaped, images inline, and outputs of our own MIME types drawn by the same renderer
 * bundles VS Code uses (inlined, loaded from blob: URLs). No network: a strict CSP allows
 * only inline code and data/blob images. Every text from the notebook is escaped or placed
 * in a sandboxed frame: output is data, never markup.
 */
import MarkdownIt from 'markdown-it';
import { isJsonMime, type MimeBundle, type MimeData } from '../../idc/display/mime';
import type { CellOutput, Notebook, NotebookCell } from '../notebook/nbformat';
import type { RendererBundle } from './rendererRegistry';

export interface ReportOptions {
  title: string;
  renderers: RendererBundle[];
  includeCode?: boolean;
}

const markdown = new MarkdownIt({ html: false, linkify: false });
const STATIC_ORDER = ['image/png', 'image/jpeg', 'image/gif', 'image/svg+xml', 'text/html', 'text/markdown', 'application/json', 'text/plain'];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** JSON safe inside <script>: no "</script>", no "<!--". */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
}

function base64(data: MimeData): string {
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
  return Buffer.from(typeof data === 'string' ? data : JSON.stringify(data), 'utf8').toString('base64');
}

function asText(data: MimeData): string {
  if (typeof data === 'string') return data;
  if (data instanceof Uint8Array) return Buffer.from(data).toString('utf8');
  return JSON.stringify(data, null, 2);
}

class ReportBuilder {
  private readonly used = new Set<string>();
  private outputCount = 0;

  constructor(private readonly options: ReportOptions) {}

  cell(cell: NotebookCell): string {
    if (cell.cell_type === 'markdown') return `<section class="cell markdown">${markdown.render(cell.source)}</section>`;
    if (cell.cell_type === 'raw') return `<section class="cell raw"><pre>${escapeHtml(cell.source)}</pre></section>`;
    const count = cell.execution_count === null ? ' ' : String(cell.execution_count);
    const code =
      this.options.includeCode === false
        ? ''
        : `<div class="input"><span class="prompt">[${escapeHtml(count)}]</span><pre><code>${escapeHtml(cell.source)}</code></pre></div>`;
    const outputs = cell.outputs.map((o) => this.output(o)).join('');
    return `<section class="cell code">${code}${outputs ? `<div class="outputs">${outputs}</div>` : ''}</section>`;
  }

  private output(output: CellOutput): string {
    switch (output.output_type) {
      case 'stream':
        return `<pre class="output stream ${output.name}">${escapeHtml(stripAnsi(output.text))}</pre>`;
      case 'error': {
        const trace = output.traceback.length > 0 ? output.traceback.join('\n') : `${output.ename}: ${output.evalue}`;
        return `<pre class="output error">${escapeHtml(stripAnsi(trace))}</pre>`;
      }
      case 'display_data':
      case 'execute_result':
        return this.bundle(output.data);
    }
  }

  private bundle(bundle: MimeBundle): string {
    const renderer = this.options.renderers.find((r) => r.mimeTypes.some((m) => m in bundle));
    const fallback = this.staticBundle(bundle);
    if (!renderer) return fallback;
    const mime = renderer.mimeTypes.find((m) => m in bundle) as string;
    this.used.add(renderer.id);
    const id = `out-${++this.outputCount}`;
    const data = bundle[mime] as MimeData;
    const payload = { id, mime, renderer: renderer.id, json: isJsonMime(mime) ? data : null, base64: isJsonMime(mime) ? null : base64(data) };
    return (
      `<div class="output rich" id="${id}">${fallback}</div>` +
      `<script type="application/json" class="idc-output" data-for="${id}">${scriptJson(payload)}</script>`
    );
  }

  private staticBundle(bundle: MimeBundle): string {
    const mime = STATIC_ORDER.find((m) => m in bundle);
    if (!mime) return `<pre class="output">${escapeHtml(`[output of type ${Object.keys(bundle).join(', ')}]`)}</pre>`;
    const data = bundle[mime] as MimeData;
    if (mime.startsWith('image/')) {
      return `<div class="output"><img alt="output image" src="data:${mime};base64,${base64(data)}"></div>`;
    }
    if (mime === 'text/html') {
      return `<iframe class="output html" sandbox="" title="HTML output" srcdoc="${escapeHtml(asText(data))}"></iframe>`;
    }
    if (mime === 'text/markdown') return `<div class="output markdown">${markdown.render(asText(data))}</div>`;
    if (mime === 'application/json') return `<pre class="output json">${escapeHtml(JSON.stringify(data, null, 2))}</pre>`;
    return `<pre class="output">${escapeHtml(stripAnsi(asText(data)))}</pre>`;
  }

  /** The inlined renderer modules and the loader that hands each output to its renderer. */
  scripts(): string {
    const bundles = this.options.renderers.filter((r) => this.used.has(r.id));
    if (bundles.length === 0) return '';
    const sources = bundles
      .map((r) => `<script type="text/plain" class="idc-renderer" data-id="${escapeHtml(r.id)}">${escapeHtml(r.source)}</script>`)
      .join('\n');
    return `${sources}\n<script type="module">${LOADER}</script>`;
  }
}

// Runs in the page: decode each renderer's source, import it from a blob: URL, render.
const LOADER = `
const decode = (el) => { const t = document.createElement('textarea'); t.innerHTML = el.innerHTML; return t.value; };
const modules = new Map();
for (const el of document.querySelectorAll('script.idc-renderer')) {
  const url = URL.createObjectURL(new Blob([decode(el)], { type: 'text/javascript' }));
  modules.set(el.dataset.id, import(url).then((m) => m.activate({ workspace: { isTrusted: true }, getState() {}, setState() {} })));
}
for (const el of document.querySelectorAll('script.idc-output')) {
  const p = JSON.parse(el.textContent);
  const host = document.getElementById(p.id);
  const bytes = p.base64 !== null ? Uint8Array.from(atob(p.base64), (c) => c.charCodeAt(0)) : new TextEncoder().encode(JSON.stringify(p.json));
  const item = {
    id: p.id, mime: p.mime, metadata: {},
    text: () => new TextDecoder().decode(bytes), json: () => p.json ?? JSON.parse(new TextDecoder().decode(bytes)),
    data: () => bytes, blob: () => new Blob([bytes], { type: p.mime }),
  };
  modules.get(p.renderer).then((api) => { host.replaceChildren(); return api.renderOutputItem(item, host); })
    .catch((e) => { host.dataset.renderError = String(e); });
}`;

const STYLE = `
:root { color-scheme: light dark;
  --vscode-font-family: system-ui, -apple-system, "Segoe UI", sans-serif; --vscode-font-size: 14px;
  --vscode-editor-font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  --vscode-foreground: #1f2328; --vscode-editor-background: #ffffff; --vscode-editorWidget-background: #eaeef2;
  --vscode-textCodeBlock-background: #f6f8fa; --vscode-panel-border: #d0d7de; --vscode-errorForeground: #a1260d;
  --vscode-progressBar-background: #0e70c0; --vscode-testing-iconPassed: #388a34; --vscode-descriptionForeground: #59636e; }
@media (prefers-color-scheme: dark) { :root {
  --vscode-foreground: #cccccc; --vscode-editor-background: #1e1e1e; --vscode-editorWidget-background: #2d2d30;
  --vscode-textCodeBlock-background: #252526; --vscode-panel-border: #3c3c3c; --vscode-errorForeground: #f48771;
  --vscode-progressBar-background: #0e70c0; --vscode-testing-iconPassed: #73c991; --vscode-descriptionForeground: #9d9d9d; } }
body { margin: 0 auto; max-width: 1000px; padding: 24px; font-family: var(--vscode-font-family); font-size: var(--vscode-font-size);
  color: var(--vscode-foreground); background: var(--vscode-editor-background); line-height: 1.5; }
header { border-bottom: 1px solid var(--vscode-panel-border); margin-bottom: 16px; }
header p { color: var(--vscode-descriptionForeground); margin-top: 0; }
.cell { margin: 12px 0; }
.input { display: flex; gap: 8px; }
.prompt { font-family: var(--vscode-editor-font-family); color: var(--vscode-descriptionForeground); min-width: 3em; text-align: right; padding-top: 8px; }
pre { font-family: var(--vscode-editor-font-family); font-size: 13px; margin: 0; white-space: pre-wrap; word-break: break-word; }
.input pre { flex: 1; background: var(--vscode-textCodeBlock-background); border: 1px solid var(--vscode-panel-border); border-radius: 4px; padding: 8px; }
.outputs { margin-left: calc(3em + 8px); padding: 6px 0; }
.output { margin: 4px 0; }
.stderr { background: rgba(255, 180, 0, 0.08); }
.error { color: var(--vscode-errorForeground); }
iframe.html { width: 100%; border: 1px solid var(--vscode-panel-border); background: white; min-height: 80px; }
img { max-width: 100%; }
`;

export function renderHtmlReport(nb: Notebook, options: ReportOptions): string {
  const builder = new ReportBuilder(options);
  const cells = nb.cells.map((c) => builder.cell(c)).join('\n');
  const csp = "default-src 'none'; script-src 'unsafe-inline' blob:; style-src 'unsafe-inline'; img-src data: blob:; frame-src 'self' about:";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(options.title)}</h1><p>IDC Lab notebook report</p></header>
<main>
${cells}
</main>
${builder.scripts()}
</body>
</html>
`;
}
