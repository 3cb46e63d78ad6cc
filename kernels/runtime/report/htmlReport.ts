/**
 * One self-contained HTML page of an executed notebook: markdown rendered, code and text
 * escaped, images inline, and outputs of our own MIME types drawn by the same renderer
 * bundles VS Code uses (inlined, loaded from blob: URLs by the report's renderer host,
 * renderers/reportHost), over a static fallback that shows without JavaScript. No network: a strict CSP allows only inline code and data/blob images.
 * Every text from the notebook is escaped or placed in a sandboxed frame: output is data,
 * never markup.
 */
import MarkdownIt from 'markdown-it';
import { isJsonMime, type JsonObject, type JsonValue, type MimeBundle, type MimeData } from '../../outputs/mime';
import { REPORT_CLASS, type ReportOutput } from '../../outputs/reportPage';
import type { CellOutput, Notebook, NotebookCell } from '../notebook/nbformat';
import type { ReportRenderers } from './rendererRegistry';

export interface ReportOptions {
  title: string;
  /** The renderer bundles and their host; without them every output shows its static representation. */
  renderers?: ReportRenderers;
  /** Show code cells' sources (default true); outputs are shown either way. */
  includeCode?: boolean;
}

/** Static representations, richest first: the first one a bundle has is shown. */
export const STATIC_MIME_ORDER: readonly string[] = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/svg+xml',
  'text/html',
  'text/markdown',
  'application/json',
  'text/plain',
];

/** The page's Content-Security-Policy: inline code, blob: modules, data:/blob: images, nothing else. */
export const REPORT_CSP =
  "default-src 'none'; script-src 'unsafe-inline' blob:; style-src 'unsafe-inline'; img-src data: blob:; base-uri 'none'; form-action 'none'";

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML text or as a (quoted) attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

/** JSON that is safe as the content of a <script> element: no "</script>", no "<!--". */
export function scriptJson(value: unknown): string {
  return (JSON.stringify(value) ?? 'null')
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Removes terminal escape sequences (colours, cursor moves, OSC hyperlinks and titles). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g, '');
}

function base64(data: MimeData): string {
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
  return Buffer.from(typeof data === 'string' ? data : JSON.stringify(data), 'utf8').toString('base64');
}

function asText(data: MimeData): string {
  if (typeof data === 'string') return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  return JSON.stringify(data, null, 2);
}

// Markdown: raw HTML escaped (html: false); `attachment:name` images resolved to data URIs.
const markdown = new MarkdownIt({ html: false, linkify: false });
const defaultImage = markdown.renderer.rules.image;
markdown.renderer.rules.image = (tokens, idx, options, env, self) => {
  const token = tokens[idx];
  const src = token?.attrGet('src');
  if (token && typeof src === 'string' && src.startsWith('attachment:')) {
    const resolved = attachmentUri((env as { attachments?: JsonObject } | undefined)?.attachments, src.slice('attachment:'.length));
    if (resolved) token.attrSet('src', resolved);
  }
  return defaultImage ? defaultImage(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
};

function attachmentUri(attachments: JsonObject | undefined, name: string): string | undefined {
  let key = name;
  try {
    key = decodeURIComponent(name);
  } catch {
    // keep the name as written
  }
  const bundle: JsonValue | undefined = attachments?.[key] ?? attachments?.[name];
  if (typeof bundle !== 'object' || bundle === null || Array.isArray(bundle)) return undefined;
  for (const mime of ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/svg+xml']) {
    const data = bundle[mime];
    if (typeof data !== 'string') continue;
    if (mime === 'image/svg+xml' && data.trimStart().startsWith('<')) return `data:${mime};base64,${base64(data)}`;
    const b64 = data.replace(/\s+/g, '');
    if (/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) return `data:${mime};base64,${b64}`;
  }
  return undefined;
}

function renderMarkdown(source: string, attachments?: JsonObject): string {
  return markdown.render(source, { attachments });
}

class ReportBuilder {
  private readonly used = new Set<string>();
  private outputCount = 0;

  constructor(private readonly options: ReportOptions) {}

  cell(cell: NotebookCell): string {
    if (cell.cell_type === 'markdown') return `<section class="cell markdown">${renderMarkdown(cell.source, cell.attachments)}</section>`;
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
        return `<pre class="output stream ${output.name === 'stderr' ? 'stderr' : 'stdout'}">${escapeHtml(stripAnsi(output.text))}</pre>`;
      case 'error': {
        const header = `${output.ename}: ${output.evalue}`;
        const trace = stripAnsi(output.traceback.join('\n'));
        // A JavaScript stack starts with "Name: message"; other tracebacks may not name it.
        const text = trace.includes(header) ? trace : trace ? `${header}\n${trace}` : header;
        return `<pre class="output error">${escapeHtml(text)}</pre>`;
      }
      case 'display_data':
      case 'execute_result':
        return this.bundle(output.data, output.metadata);
    }
  }

  private bundle(bundle: MimeBundle, metadata: JsonObject): string {
    const fallback = this.staticBundle(bundle);
    const renderer = this.options.renderers?.bundles.find((r) => r.mimeTypes.some((m) => m in bundle));
    if (!renderer) return fallback;
    const mime = renderer.mimeTypes.find((m) => m in bundle) as string;
    this.used.add(renderer.id);
    const id = `idc-out-${++this.outputCount}`;
    const data = bundle[mime] as MimeData;
    const json = isJsonMime(mime) && !(data instanceof Uint8Array);
    const payload: ReportOutput = {
      id,
      mime,
      renderer: renderer.id,
      metadata: metadata ?? {},
      json: json ? (data as JsonValue) : null,
      base64: json ? null : base64(data),
    };
    return (
      `<div class="output rich" id="${id}" data-mime="${escapeHtml(mime)}">${fallback}</div>` +
      `<script type="application/json" class="${REPORT_CLASS.output}">${scriptJson(payload)}</script>`
    );
  }

  private staticBundle(bundle: MimeBundle): string {
    const mime = STATIC_MIME_ORDER.find((m) => m in bundle);
    if (!mime) return `<pre class="output">${escapeHtml(`[output of type ${Object.keys(bundle).join(', ')}]`)}</pre>`;
    const data = bundle[mime] as MimeData;
    if (mime.startsWith('image/')) {
      // SVG too goes in as an image (a data URI), never as markup: no scripts, no network.
      return `<div class="output image"><img alt="${escapeHtml(`output image (${mime})`)}" src="data:${mime};base64,${base64(data)}"></div>`;
    }
    if (mime === 'text/html') {
      return `<iframe class="output html" sandbox="" title="HTML output" srcdoc="${escapeHtml(asText(data))}"></iframe>`;
    }
    if (mime === 'text/markdown') return `<div class="output markdown">${renderMarkdown(asText(data))}</div>`;
    if (mime === 'application/json') {
      const json = typeof data === 'string' || data instanceof Uint8Array ? asText(data) : JSON.stringify(data, null, 2);
      return `<pre class="output json">${escapeHtml(json)}</pre>`;
    }
    return `<pre class="output text">${escapeHtml(stripAnsi(asText(data)))}</pre>`;
  }

  /** The inlined renderer modules (each once) and their host, as JSON strings, and the bootstrap that starts the host. */
  scripts(): string {
    const renderers = this.options.renderers;
    const bundles = renderers?.bundles.filter((r) => this.used.has(r.id)) ?? [];
    if (!renderers || bundles.length === 0) return '';
    const sources = bundles
      .map((r) => `<script type="application/json" class="${REPORT_CLASS.renderer}" data-id="${escapeHtml(r.id)}">${scriptJson(r.source)}</script>`)
      .join('\n');
    const host = `<script type="application/json" class="${REPORT_CLASS.host}">${scriptJson(renderers.host)}</script>`;
    return `${sources}\n${host}\n<script type="module">${BOOTSTRAP}</script>`;
  }
}

// Runs in the page: imports the renderer host (renderers/reportHost, which draws the outputs)
// from a blob: URL. The host travels as JSON like the renderers, so that no text of its
// bundle can close a script element, and a blob: module is what the CSP allows.
const BOOTSTRAP = `
const source = JSON.parse(document.querySelector('script.${REPORT_CLASS.host}').textContent);
import(URL.createObjectURL(new Blob([source], { type: 'text/javascript' }))).catch((e) => console.error('IDC Lab report: the renderer host failed to load', e));`;

const STYLE = `
:root { color-scheme: light dark;
  --vscode-font-family: system-ui, -apple-system, "Segoe UI", sans-serif; --vscode-font-size: 14px;
  --vscode-editor-font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  --vscode-foreground: #1f2328; --vscode-editor-background: #ffffff; --vscode-editorWidget-background: #eaeef2;
  --vscode-textCodeBlock-background: #f6f8fa; --vscode-panel-border: #d0d7de; --vscode-errorForeground: #a1260d;
  --vscode-progressBar-background: #0e70c0; --vscode-testing-iconPassed: #388a34; --vscode-descriptionForeground: #59636e;
  --vscode-textLink-foreground: #005fb8; --vscode-editorWarning-background: rgba(255, 180, 0, 0.10);
  --vscode-editorWarning-foreground: #8a5a00; }
@media (prefers-color-scheme: dark) { :root {
  --vscode-foreground: #cccccc; --vscode-editor-background: #1e1e1e; --vscode-editorWidget-background: #3a3d41;
  --vscode-textCodeBlock-background: #252526; --vscode-panel-border: #3c3c3c; --vscode-errorForeground: #f48771;
  --vscode-progressBar-background: #0e70c0; --vscode-testing-iconPassed: #73c991; --vscode-descriptionForeground: #9d9d9d;
  --vscode-textLink-foreground: #4daafc; --vscode-editorWarning-background: rgba(255, 200, 0, 0.08);
  --vscode-editorWarning-foreground: #cca700; } }
body { margin: 0 auto; max-width: 1000px; padding: 24px; font-family: var(--vscode-font-family); font-size: var(--vscode-font-size);
  color: var(--vscode-foreground); background: var(--vscode-editor-background); line-height: 1.5; }
a { color: var(--vscode-textLink-foreground); }
header { border-bottom: 1px solid var(--vscode-panel-border); margin-bottom: 16px; }
header h1 { overflow-wrap: anywhere; }
header p { color: var(--vscode-descriptionForeground); margin-top: 0; }
.cell { margin: 12px 0; }
.input { display: flex; gap: 8px; }
.prompt { font-family: var(--vscode-editor-font-family); color: var(--vscode-descriptionForeground); min-width: 3em; text-align: right; padding-top: 8px; }
pre { font-family: var(--vscode-editor-font-family); font-size: 13px; margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.input pre { flex: 1; min-width: 0; background: var(--vscode-textCodeBlock-background); border: 1px solid var(--vscode-panel-border); border-radius: 4px; padding: 8px; }
.markdown code, .raw pre { background: var(--vscode-textCodeBlock-background); border-radius: 3px; padding: 0 3px; }
.outputs { margin-left: calc(3em + 8px); padding: 6px 0; }
.output { margin: 4px 0; }
.stderr { background: var(--vscode-editorWarning-background); color: var(--vscode-editorWarning-foreground); border-left: 3px solid var(--vscode-editorWarning-foreground); padding-left: 6px; }
.error { color: var(--vscode-errorForeground); }
iframe.html { display: block; width: 100%; box-sizing: border-box; border: 1px solid var(--vscode-panel-border); background: white; min-height: 120px; resize: vertical; }
img { max-width: 100%; }
`;

export function renderHtmlReport(nb: Notebook, options: ReportOptions): string {
  const builder = new ReportBuilder(options);
  const cells = nb.cells.map((c) => builder.cell(c)).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="IDC Lab">
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
