/**
 * The renderer bundles an HTML report can use: read from the extension's package.json
 * (`contributes.notebookRenderer`), so a renderer added there reaches reports unchanged; and
 * the report's renderer host, the page's stand-in for VS Code, which activates them. Both are
 * read as text, never imported: they are browser code.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface RendererBundle {
  id: string;
  mimeTypes: string[];
  /** The ES module's source text. */
  source: string;
}

/** What a report needs to draw its rich outputs in the page. */
export interface ReportRenderers {
  /** The ES module source of the report's renderer host (renderers/reportHost). */
  host: string;
  bundles: RendererBundle[];
}

/** The host's bundle, relative to the extension root: scripts/build.mjs writes it. */
export const REPORT_HOST_BUNDLE = 'dist/reportHost.js';

interface RendererContribution {
  id?: unknown;
  entrypoint?: unknown;
  mimeTypes?: unknown;
}

export function loadRenderers(extensionRoot: string): RendererBundle[] {
  const manifestPath = path.join(extensionRoot, 'package.json');
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { contributes?: { notebookRenderer?: RendererContribution[] } };
  return (manifest.contributes?.notebookRenderer ?? []).map((r, i) => {
    const field = `${manifestPath}: contributes.notebookRenderer[${i}]`;
    if (typeof r.id !== 'string' || typeof r.entrypoint !== 'string' || !Array.isArray(r.mimeTypes)) {
      throw new Error(`${field}: expected id, entrypoint (strings) and mimeTypes (a list)`);
    }
    const file = path.join(extensionRoot, r.entrypoint);
    if (!fs.existsSync(file)) throw new Error(`${field}: the renderer bundle ${file} does not exist; run \`npm run build\``);
    return { id: r.id, mimeTypes: r.mimeTypes.map(String), source: fs.readFileSync(file, 'utf8') };
  });
}

/** The report's renderer host bundle; the error names the file when it is not built. */
export function loadReportHost(extensionRoot: string): string {
  const file = path.join(extensionRoot, REPORT_HOST_BUNDLE);
  if (!fs.existsSync(file)) throw new Error(`the HTML report's renderer host ${file} does not exist; run \`npm run build\``);
  return fs.readFileSync(file, 'utf8');
}

/** The contributed renderers and the host that runs them in a report. */
export function loadReportRenderers(extensionRoot: string): ReportRenderers {
  return { host: loadReportHost(extensionRoot), bundles: loadRenderers(extensionRoot) };
}
