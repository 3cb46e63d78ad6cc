/**
 * The renderers in a real browser: Debian's Chromium driven by playwright-core (headless,
 * no sandbox: tests run as root in a container), a blank page themed with `--vscode-*`
 * variables, the built renderer bundles imported from blob: URLs and activated with a
 * renderer context, and outputs rendered into hosts by id. Any request other than data: or
 * blob: is refused and recorded: renderers make none.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadRenderers } from '../../kernels/runtime/report/rendererRegistry';

export const REPO = path.resolve(__dirname, '..', '..');
/** Screenshots of the browser tests, kept as artifacts. */
export const ARTIFACTS = path.join(REPO, 'out', 'test-artifacts', 'renderers');

export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((c): c is string => !!c);
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found)
    throw new Error(`no Chromium at ${candidates.join(', ')}: \`npm test\` installs Debian's chromium (scripts/systemPackages.mjs); or set CHROMIUM_PATH`);
  return found;
}

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

const THEMES = {
  light:
    '--vscode-foreground: #1f2328; --vscode-editor-background: #ffffff; --vscode-editorWidget-background: #eaeef2; --vscode-panel-border: #d0d7de; --vscode-focusBorder: #0969da; --vscode-button-background: #0969da; --vscode-button-foreground: #ffffff; --vscode-descriptionForeground: #59636e; --vscode-charts-foreground: #1f2328; --vscode-charts-lines: rgba(31, 35, 40, 0.15); --vscode-charts-blue: #1a85ff; --vscode-charts-orange: #d18616; --vscode-charts-green: #388a34; --vscode-charts-red: #e51400; --vscode-charts-purple: #652d90; --vscode-charts-yellow: #bf8803;',
  dark: '--vscode-foreground: #cccccc; --vscode-editor-background: #1f1f1f; --vscode-editorWidget-background: #252526; --vscode-panel-border: #3c3c3c; --vscode-focusBorder: #0078d4; --vscode-button-background: #0078d4; --vscode-button-foreground: #ffffff; --vscode-descriptionForeground: #9d9d9d; --vscode-charts-foreground: #cccccc; --vscode-charts-lines: rgba(204, 204, 204, 0.2); --vscode-charts-blue: #3794ff; --vscode-charts-orange: #d18616; --vscode-charts-green: #89d185; --vscode-charts-red: #f14c4c; --vscode-charts-purple: #b180d7; --vscode-charts-yellow: #cca700;',
} as const;

export type Theme = keyof typeof THEMES;

export interface HarnessPage {
  page: Page;
  /** Requests the page tried other than data: and blob: (refused). */
  network: string[];
  /** Dialogs (alert, confirm) the page opened: an injected script would. */
  dialogs: string[];
  errors: string[];
  /** Renders `payload` as output `itemId` into host `hostId` (created on first use); resolves when renderOutputItem returns. */
  render(hostId: string, mime: string, payload: unknown, itemId?: string): Promise<number>;
  screenshot(name: string, hostId?: string): Promise<string>;
}

/** A page with every renderer of package.json loaded and activated. */
export async function openHarness(browser: Browser, theme: Theme = 'light'): Promise<HarnessPage> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const network: string[] = [];
  const dialogs: string[] = [];
  const errors: string[] = [];
  await page.route('**/*', (route) => {
    network.push(route.request().url());
    return route.abort();
  });
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setContent(
    `<!doctype html><html><head><meta charset="utf-8"><style>body { ${THEMES[theme]} background: var(--vscode-editor-background); color: var(--vscode-foreground); font-family: sans-serif; margin: 12px; } .host { margin: 8px 0 24px; }</style></head><body></body></html>`,
  );
  // tsx compiles the functions passed to page.evaluate with esbuild's keepNames, which wraps
  // them in __name(): the page needs that helper too
  await page.evaluate('window.__name = (f) => f');
  const sources = loadRenderers(REPO).map((r) => ({ id: r.id, mimeTypes: r.mimeTypes, source: r.source }));
  await page.evaluate(async (bundles) => {
    const w = window as unknown as { renderers: Map<string, { renderOutputItem(item: unknown, el: HTMLElement): unknown }>; states: Map<string, unknown> };
    w.renderers = new Map();
    w.states = new Map();
    for (const b of bundles) {
      const url = URL.createObjectURL(new Blob([b.source], { type: 'text/javascript' }));
      const mod = (await import(url)) as { activate(ctx: unknown): unknown };
      const context = { workspace: { isTrusted: true }, getState: () => w.states.get(b.id), setState: (s: unknown) => w.states.set(b.id, s) };
      const api = (await mod.activate(context)) as { renderOutputItem(item: unknown, el: HTMLElement): unknown };
      for (const mime of b.mimeTypes) w.renderers.set(mime, api);
    }
  }, sources);
  return {
    page,
    network,
    dialogs,
    errors,
    render: (hostId, mime, payload, itemId) =>
      page.evaluate(
        async ({ hostId, mime, text, itemId }) => {
          const w = window as unknown as { renderers: Map<string, { renderOutputItem(item: unknown, el: HTMLElement): unknown }> };
          let host = document.getElementById(hostId);
          if (!host) {
            host = document.createElement('div');
            host.id = hostId;
            host.className = 'host';
            document.body.append(host);
          }
          const api = w.renderers.get(mime);
          if (!api) throw new Error(`no renderer for ${mime}`);
          const bytes = new TextEncoder().encode(text);
          const item = {
            id: itemId,
            mime,
            metadata: {},
            text: () => text,
            json: () => JSON.parse(text),
            data: () => bytes,
            blob: () => new Blob([bytes], { type: mime }),
          };
          const start = performance.now();
          await api.renderOutputItem(item, host);
          return performance.now() - start;
        },
        { hostId, mime, text: JSON.stringify(payload), itemId: itemId ?? hostId },
      ),
    async screenshot(name, hostId) {
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      const file = path.join(ARTIFACTS, `${name}.png`);
      if (hostId) await page.locator(`#${hostId}`).screenshot({ path: file });
      else await page.screenshot({ path: file, fullPage: true });
      return file;
    },
  };
}
