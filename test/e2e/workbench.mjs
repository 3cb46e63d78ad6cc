// The VS Code workbench in code-server, driven like a person would with playwright-core on
// Debian's Chromium: open files with Quick Open, run commands from the Command Palette, click
// the notebook toolbar, scroll the notebook, read the cells' state, find the notebook's
// output webview. Knows VS Code's DOM; knows nothing about IDC Lab's renderers.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** How far one wheel event scrolls the notebook list (measured: 50 px). */
const WHEEL_STEP_PX = 50;

export function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`no Chromium at ${candidates.join(', ')} (Debian's chromium package; or set CHROMIUM_PATH)`);
  return found;
}

/**
 * Headless Chromium with one page. Requests that leave 127.0.0.1 are refused and recorded;
 * dialogs (an injected alert would open one) and page errors are recorded too.
 */
export async function launchBrowser({ viewport = { width: 1500, height: 1100 }, downloadsPath } = {}) {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    ...(downloadsPath ? { downloadsPath } : {}),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking'],
    // the runner owns the signals: it closes the browser and kills its process group
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    timeout: 60_000,
  });
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const record = { dialogs: [], blocked: [], pageErrors: [] };
  await context.route(
    (url) => !['127.0.0.1', 'localhost'].includes(url.hostname),
    (route) => {
      record.blocked.push(route.request().url());
      return route.abort('blockedbyclient');
    },
  );
  const page = await context.newPage();
  page.on('dialog', (dialog) => {
    record.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss().catch(() => undefined);
  });
  page.on('pageerror', (error) => record.pageErrors.push(error.message));
  page.setDefaultTimeout(30_000);
  return { browser, context, page, record };
}

export class Workbench {
  constructor(page, artifacts) {
    this.page = page;
    this.artifacts = artifacts;
  }

  /** Opens `folder` in the workbench at `url` and waits for the Explorer to list `expectFile`. */
  async open(url, folder, expectFile) {
    await this.page.goto(`${url}/?folder=${encodeURIComponent(folder)}`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await this.page.locator('.explorer-folders-view .monaco-list-row', { hasText: expectFile }).first().waitFor({ timeout: 60_000 });
  }

  async screenshot(name) {
    fs.mkdirSync(this.artifacts, { recursive: true });
    const file = path.join(this.artifacts, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  quickInput() {
    return this.page.locator('.quick-input-widget');
  }

  /** Picks the row of the open quick input whose label is `label` (waits for it). */
  async pickQuickInput(label, { exact = true } = {}) {
    const rows = this.quickInput().locator('.quick-input-list .monaco-list-row');
    const row = rows
      .filter({ has: this.page.locator('.label-name, .monaco-highlighted-label', { hasText: exact ? new RegExp(`^${escapeRegExp(label)}$`) : label }) })
      .first();
    await row.waitFor({ timeout: 15_000 });
    await row.click();
    await this.quickInput().waitFor({ state: 'hidden', timeout: 15_000 });
  }

  /** Opens `name` from the workspace with Quick Open (Ctrl+P). */
  async openFile(name) {
    await this.page.keyboard.press('Control+P');
    const input = this.quickInput().locator('input');
    await input.waitFor();
    await input.fill(name);
    await this.pickQuickInput(name);
    await this.page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
    await this.notebook().waitFor();
    // the first cells are laid out
    await this.notebook().locator('.monaco-list-row[data-index="0"]').waitFor({ state: 'attached' });
  }

  /** Runs a command by its title from the Command Palette (F1). */
  async command(title) {
    await this.page.keyboard.press('F1');
    const input = this.quickInput().locator('input');
    await input.waitFor();
    await input.fill(`>${title}`);
    await this.pickQuickInput(title);
  }

  async closeAllEditors() {
    await this.command('View: Close All Editors');
    await this.page.locator('.tabs-container .tab').first().waitFor({ state: 'detached', timeout: 15_000 });
  }

  /** The visible notebook editor. */
  notebook() {
    return this.page.locator('.notebookOverlay:visible').first();
  }

  async activeTabDirty() {
    return (await this.page.locator('.tabs-container .tab.active.dirty').count()) > 0;
  }

  /** Texts of the status bar items. */
  async statusBar() {
    return (await this.page.locator('.statusbar-item').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim()).filter(Boolean);
  }

  /** The kernel (controller) the notebook toolbar shows as selected. */
  async selectedKernel() {
    const label = this.notebook().locator('.notebook-toolbar-container .kernel-action-view-item .kernel-label').first();
    // biome-ignore lint/performance/useDomNodeTextContent: the text as the workbench shows it
    return (await label.count()) ? (await label.innerText()).trim() : '';
  }

  /** Clicks Run All in the notebook toolbar; picks `kernel` if VS Code asks for one. */
  async runAll(kernel) {
    await this.notebook().locator('.notebook-toolbar-container [aria-label="Run All"]').click();
    // with one controller for the notebook type VS Code selects it; otherwise it asks
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline) {
      if (await this.quickInput().isVisible()) {
        await this.pickQuickInput(kernel, { exact: false });
        return 'picked from the kernel picker';
      }
      if (await this.executing()) break;
      await sleep(100);
    }
    return 'selected automatically';
  }

  /** Whether the notebook toolbar shows Interrupt (a cell is queued or running). */
  async executing() {
    return (await this.notebook().locator('.notebook-toolbar-container [aria-label="Interrupt"]').count()) > 0;
  }

  /** The list rows rendered now: index, kind, execution label, state. */
  async renderedCells() {
    return this.notebook()
      .locator('.monaco-list-row[data-index]')
      .evaluateAll((rows) =>
        rows.map((row) => {
          const label = row.querySelector('.execution-count-label')?.textContent?.trim() ?? '';
          const state = row.querySelector('.codicon-notebook-state-success')
            ? 'success'
            : row.querySelector('.codicon-notebook-state-error')
              ? 'error'
              : row.querySelector('.codicon-notebook-state-executing, .codicon-sync, .codicon-loading')
                ? 'running'
                : row.querySelector('.codicon-notebook-state-pending, .codicon-clock')
                  ? 'pending'
                  : '';
          const rect = row.getBoundingClientRect();
          return {
            index: Number(row.getAttribute('data-index')),
            code: row.classList.contains('code-cell-row'),
            label,
            state,
            top: rect.top,
            bottom: rect.bottom,
            // biome-ignore lint/performance/useDomNodeTextContent: the error as the workbench shows it
            text: state === 'error' ? row.innerText.slice(0, 2000) : '',
          };
        }),
      );
  }

  async listBox() {
    const box = await this.notebook().locator('.cell-list-container, .monaco-list').first().boundingBox();
    if (!box) throw new Error('the notebook list has no layout');
    return box;
  }

  /**
   * Scrolls the notebook by about `dy` pixels with the mouse wheel over its left gutter: the
   * list itself, not the output webview laid over it (an output may take the wheel). In
   * headless Chromium one wheel event scrolls VS Code's list by a fixed step (50 px, whatever
   * the event's delta), so this sends one event per step; callers check where they landed.
   */
  async wheel(dy) {
    const box = await this.listBox();
    await this.page.mouse.move(box.x + 12, box.y + box.height * 0.5);
    const steps = Math.max(1, Math.round(Math.abs(dy) / WHEEL_STEP_PX));
    for (let i = 0; i < steps; i++) await this.page.mouse.wheel(0, Math.sign(dy) * 100);
    await sleep(200);
  }

  async scrollToTop() {
    for (let i = 0; i < 20; i++) {
      const rows = await this.renderedCells();
      const first = rows.find((r) => r.index === 0);
      const box = await this.listBox();
      if (first && first.top >= box.y - 1) return;
      await this.wheel(-3000);
    }
  }

  /**
   * Scrolls cell `index` to the top of the notebook's viewport (as far as the list allows)
   * with the mouse wheel. Returns its row.
   */
  async reveal(index) {
    let previous;
    for (let i = 0; i < 40; i++) {
      const rows = await this.renderedCells();
      const row = rows.find((r) => r.index === index);
      const box = await this.listBox();
      if (row) {
        const delta = row.top - box.y - 8;
        // near the top is enough; the wheel does not scroll by exact pixels
        if (delta > -40 && delta < 80) return row;
        if (previous !== undefined && Math.abs(row.top - previous) < 2) return row; // the list's end
        previous = row.top;
        await this.wheel(delta);
        continue;
      }
      previous = undefined;
      const max = Math.max(...rows.map((r) => r.index));
      await this.wheel(index > max ? 800 : -800);
    }
    throw new Error(`could not scroll cell ${index + 1} into view`);
  }

  /** Every cell's state, read by scrolling through the notebook from the top. */
  async scanCells(count) {
    await this.scrollToTop();
    const seen = new Map();
    for (let i = 0; i < 60 && seen.size < count; i++) {
      for (const row of await this.renderedCells()) seen.set(row.index, row);
      if (seen.size >= count) break;
      const box = await this.listBox();
      await this.wheel(box.height * 0.6);
    }
    if (seen.size < count) throw new Error(`scrolled through the notebook but saw only cells ${[...seen.keys()].join(', ')} of ${count}`);
    return [...seen.values()].sort((a, b) => a.index - b.index);
  }

  /**
   * Waits until the notebook has run: the toolbar shows Run All again (no Interrupt) and every
   * code cell shows success or an error.
   */
  async waitForRun(codeCells, { timeoutMs = 120_000 } = {}) {
    const deadline = Date.now() + timeoutMs;
    let cells = [];
    while (Date.now() < deadline) {
      if (!(await this.executing())) {
        cells = await this.scanCells(Math.max(...codeCells) + 1);
        const done = cells.filter((c) => codeCells.includes(c.index) && (c.state === 'success' || c.state === 'error'));
        if (done.length === codeCells.length || cells.some((c) => c.state === 'error')) return cells;
      }
      await sleep(500);
    }
    throw new Error(
      `the notebook did not finish running within ${timeoutMs / 1000} s; cells: ${JSON.stringify(cells.map(({ index, label, state }) => ({ index, label, state })))}`,
    );
  }

  /** Frames (of notebook webviews) whose document holds `selector` now. */
  async framesWith(selector) {
    const found = [];
    for (const frame of this.page.frames()) {
      if (frame === this.page.mainFrame() || frame.isDetached()) continue;
      try {
        if ((await frame.locator(selector).count()) > 0) found.push(frame);
      } catch {
        // navigated or detached meanwhile
      }
    }
    return found;
  }

  /** Waits until no frame holds `selector` (a closed notebook's webview is gone). */
  async waitForNoFrameWith(selector, { timeoutMs = 15_000 } = {}) {
    const deadline = Date.now() + timeoutMs;
    while ((await this.framesWith(selector)).length > 0) {
      if (Date.now() > deadline) throw new Error(`a webview still shows ${selector} ${timeoutMs / 1000} s after its editor closed`);
      await sleep(200);
    }
  }

  /** The frame (nested in the notebook's webview) whose document holds `selector`. */
  async frameWith(selector, { timeoutMs = 20_000 } = {}) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const frames = await this.framesWith(selector);
      if (frames.length > 1) throw new Error(`${frames.length} webview frames hold ${selector}; expected the one of the open notebook`);
      if (frames.length === 1) return frames[0];
      await sleep(200);
    }
    const urls = this.page.frames().map((f) => f.url().replace(/\?.*/, ''));
    throw new Error(`no frame of the page holds ${selector} after ${timeoutMs / 1000} s (frames: ${urls.join(', ')})`);
  }
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
