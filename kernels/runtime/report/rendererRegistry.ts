/**
 * The renderer bundles an HTML report can use: read from the extension's package.json
 * (`contributes.notebookRenderer`), so a renderer added there reaches reports unchanged.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface RendererBundle {
  id: string;
  mimeTypes: string[];
  /** The ES module's source text. */
  source: string;
}

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
