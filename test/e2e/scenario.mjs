// The two end-to-end checks, through the workbench UI:
// 1. an executed notebook (outputs saved in the file) shows its image pairs, chart and curves
//    drawn by IDC Lab's renderers without running anything: execution counts as saved, no
//    kernel process, the file unchanged and the editor not dirty;
// 2. Run All on the fixture runs every cell in the kernel, and each output is drawn by our
//    renderer (cards, canvases with ink, the markup caption as text); the chart's Table view
//    and the pairs' Difference mode respond to clicks; saving writes the outputs to the file.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { sha256 } from '../../scripts/e2e/workspace.mjs';
import { MIME } from './expectations.mjs';
import { assertCategoryChart, assertImagePairs, assertProgress, assertTrainingCurves, inspectOutputs, switchPairMode, toggleChartTable } from './renderers.mjs';

export const CONTROLLER_LABEL = 'IDC Lab (TypeScript)';
const OUTPUT_SELECTOR = '.viewer, [aria-label="Chart controls"], [aria-label="Training curve controls"], [role="progressbar"]';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Retries `check` until it stops throwing an AssertionError or `timeoutMs` passes. */
async function eventually(check, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (!(error instanceof assert.AssertionError) || Date.now() > deadline) throw error;
      await sleep(300);
    }
  }
}

/** Scrolls to the cell, finds the webview frame with its output, and asserts on it. */
async function checkOutput(wb, cell, check, screenshot) {
  await wb.reveal(cell);
  const frame = await wb.frameWith(OUTPUT_SELECTOR);
  const result = await eventually(async () => check(await inspectOutputs(frame)));
  const shot = await wb.screenshot(screenshot);
  return { frame, result, shot };
}

function executionLabels(cells, codeCells) {
  return Object.fromEntries(cells.filter((c) => codeCells.includes(c.index)).map((c) => [c.index, c.label]));
}

async function waitForStatus(wb, text, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let items = [];
  while (Date.now() < deadline) {
    items = await wb.statusBar();
    if (items.some((t) => t.includes(text))) return items;
    await sleep(250);
  }
  throw new Error(`the status bar never showed "${text}" (it shows: ${items.join(' | ')})`);
}

/**
 * Check 1. `kernels()` lists the kernel processes of our extension that are running.
 * Returns notes for the report.
 */
export async function checkExecutedNotebook({ wb, workspace, expected, kernels }) {
  const notes = [];
  await wb.openFile(path.basename(workspace.executed));
  await wb.screenshot('executed-opened');
  const status = await waitForStatus(wb, 'IDC kernel: not started');
  notes.push(status.find((t) => t.includes('IDC kernel')));

  const cells = await wb.scanCells(expected.cells);
  const labels = executionLabels(cells, expected.codeCells);
  const saved = Object.fromEntries(Object.entries(expected.executionCounts).map(([i, n]) => [i, `[${n}]`]));
  assert.deepEqual(labels, saved, 'executed notebook: the execution counts shown are not the saved ones');
  const ran = cells.filter((c) => c.state !== '');
  assert.equal(ran.length, 0, `executed notebook: cells show an execution state although none was run: ${JSON.stringify(ran)}`);

  const pairs = await checkOutput(wb, expected.imagePair.cell, (hosts) => assertImagePairs(hosts, expected.imagePair), 'executed-image-pairs');
  await checkOutput(wb, expected.chart.cell, (hosts) => assertCategoryChart(hosts, expected.chart), 'executed-category-chart');
  await checkOutput(wb, expected.training.cell, (hosts) => assertTrainingCurves(hosts, expected.training), 'executed-training-curves');
  notes.push(`${pairs.result.pairs} pairs, chart and curves drawn from saved outputs`);

  // nothing ran: no kernel, the status bar says so, the file and the editor are unchanged
  assert.deepEqual(kernels(), [], 'executed notebook: a kernel process started although no cell was run');
  await waitForStatus(wb, 'IDC kernel: not started');
  assert.equal(await wb.activeTabDirty(), false, 'executed notebook: the editor became dirty (outputs or counts changed)');
  assert.equal(sha256(workspace.executed), workspace.executedHash, 'executed notebook: the file changed on disk');
  const again = executionLabels(await wb.scanCells(expected.cells), expected.codeCells);
  assert.deepEqual(again, saved, 'executed notebook: execution counts changed while viewing');
  await wb.closeAllEditors();
  // its webview goes with it: outputs found later come from the next notebook
  await wb.waitForNoFrameWith(OUTPUT_SELECTOR);
  return notes;
}

/** The cell holding an output of `mime` whose payload has `title` (the first when no title is given). */
function cellOf(notebook, mime, title) {
  const index = notebook.cells.findIndex((c) =>
    (c.outputs ?? []).some((o) => {
      const data = o.data?.[mime];
      if (data === undefined) return false;
      const payload = typeof data === 'string' ? JSON.parse(data) : data;
      return title === undefined || payload.title === title;
    }),
  );
  if (index < 0) throw new Error(`the executed 02 notebook has no ${mime} output${title ? ` titled "${title}"` : ''}`);
  return index;
}

/**
 * Check 1b. The executed LoRA-ablation notebook (02) opened: its per-category chart and its
 * loss curves are drawn from the saved outputs, with no cell run and the file unchanged.
 */
export async function checkExecutedAblation({ wb, workspace, kernels }) {
  const { notebook, file, hash, source } = workspace.ablation;
  await wb.openFile(path.basename(file));
  await waitForStatus(wb, 'IDC kernel: not started');
  const chartCell = cellOf(notebook, MIME.categoryChart);
  const curvesCell = notebook.cells.findLastIndex((c) => (c.outputs ?? []).some((o) => o.data?.[MIME.training] !== undefined));
  const chartTitle = (() => {
    const data = notebook.cells[chartCell].outputs.find((o) => o.data?.[MIME.categoryChart]).data[MIME.categoryChart];
    return (typeof data === 'string' ? JSON.parse(data) : data).title;
  })();
  const chart = await checkOutput(
    wb,
    chartCell,
    (hosts) => {
      const drawn = hosts.filter((h) => h.kind === 'categoryChart' && h.title === chartTitle);
      assert.equal(drawn.length, 1, `02: the chart "${chartTitle}" is not drawn (outputs: ${hosts.map((h) => `${h.kind} ${h.title ?? ''}`).join(', ')})`);
      return assertCategoryChart(drawn, { title: chartTitle });
    },
    'ablation-chart',
  );
  const curves = await checkOutput(
    wb,
    curvesCell,
    (hosts) => {
      const drawn = hosts.filter((h) => h.kind === 'training' && h.canvas && h.canvas.painted > 500);
      assert.ok(drawn.length >= 1, `02: no loss curves drawn (outputs: ${hosts.map((h) => h.kind).join(', ')})`);
      return assertTrainingCurves([drawn[drawn.length - 1]], { title: drawn[drawn.length - 1].title, runs: [] });
    },
    'ablation-curves',
  );
  assert.deepEqual(kernels(), [], '02: a kernel process started although no cell was run');
  assert.equal(await wb.activeTabDirty(), false, '02: the editor became dirty');
  assert.equal(sha256(file), hash, '02: the file changed on disk');
  await wb.closeAllEditors();
  await wb.waitForNoFrameWith(OUTPUT_SELECTOR);
  return [
    `02 from ${source}: chart "${chart.result.title}" (${chart.result.canvas.painted} painted pixels) and curves "${curves.result.title}" drawn, no kernel`,
  ];
}

/** Check 2. Returns notes for the report. */
export async function checkRunAll({ wb, workspace, expected, kernels, codeServerPgid }) {
  const notes = [];
  await wb.openFile(path.basename(workspace.fresh));
  await wb.screenshot('fixture-before-run');
  const before = await wb.scanCells(expected.cells);
  assert.ok(
    before.filter((c) => c.code).every((c) => c.label === '' || c.label === '[ ]' || c.label === '[]'),
    `fixture: cells show execution counts before running: ${JSON.stringify(executionLabels(before, expected.codeCells))}`,
  );
  assert.deepEqual(kernels(), [], 'fixture: a kernel is running before Run All');
  assert.equal((await wb.framesWith(OUTPUT_SELECTOR)).length, 0, 'fixture: outputs are shown before Run All');

  const shown = await wb.selectedKernel();
  const started = Date.now();
  const kernelChoice = await wb.runAll(CONTROLLER_LABEL);
  notes.push(`kernel ${kernelChoice} (toolbar showed "${shown}")`);
  assert.equal(await wb.selectedKernel(), CONTROLLER_LABEL, 'Run All: the notebook runs on another controller');
  let cells = await wb.waitForRun(expected.codeCells);
  const failed = cells.filter((c) => c.state === 'error');
  assert.equal(failed.length, 0, `Run All: cells failed:\n${failed.map((c) => `cell ${c.index + 1}: ${c.text}`).join('\n')}`);
  notes.push(`Run All finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // the workbench can paint a cell's success mark a moment before its execution count:
  // read the counts again until they settle (10 s at most), then compare
  const wanted = expected.codeCells.map((_, k) => `[${k + 1}]`);
  const countsOf = (scanned) => {
    const labels = executionLabels(scanned, expected.codeCells);
    return expected.codeCells.map((i) => labels[i]);
  };
  const settleBy = Date.now() + 10_000;
  while (JSON.stringify(countsOf(cells)) !== JSON.stringify(wanted) && Date.now() < settleBy) {
    await sleep(250);
    cells = await wb.scanCells(Math.max(...expected.codeCells) + 1);
  }
  assert.deepEqual(countsOf(cells), wanted, `Run All: execution counts are not 1..n in order: ${JSON.stringify(countsOf(cells))}`);

  const running = kernels();
  assert.equal(running.length, 1, `Run All: expected one kernel process of the extension, found ${running.length}`);
  assert.equal(
    running[0].pgid,
    codeServerPgid,
    `the kernel (pid ${running[0].pid}) is outside code-server's process group ${codeServerPgid}: cleanup would miss it`,
  );
  notes.push(`kernel pid ${running[0].pid} in code-server's process group`);

  const pairs = await checkOutput(wb, expected.imagePair.cell, (hosts) => assertImagePairs(hosts, expected.imagePair), 'run-image-pairs');
  await switchPairMode(pairs.frame, expected.imagePair, () => wb.screenshot('run-image-pairs-difference'));
  const chart = await checkOutput(wb, expected.chart.cell, (hosts) => assertCategoryChart(hosts, expected.chart), 'run-category-chart');
  await toggleChartTable(chart.frame, expected.chart);
  await checkOutput(wb, expected.training.cell, (hosts) => assertTrainingCurves(hosts, expected.training), 'run-training-curves');
  await checkOutput(wb, expected.progress.cell, (hosts) => assertProgress(hosts, expected.progress), 'run-progress');

  // saving writes what the kernel displayed, in our MIME types
  await wb.page.keyboard.press('Control+S');
  await eventually(async () => assert.equal(await wb.activeTabDirty(), false, 'the notebook is still dirty after Ctrl+S'), 15_000);
  const saved = JSON.parse(fs.readFileSync(workspace.fresh, 'utf8'));
  const mimes = saved.cells.flatMap((c) => (c.outputs ?? []).flatMap((o) => Object.keys(o.data ?? {})));
  for (const mime of Object.values(MIME)) assert.ok(mimes.includes(mime), `the saved notebook has no ${mime} output`);
  const savedCounts = saved.cells.filter((c) => c.cell_type === 'code').map((c) => c.execution_count);
  assert.deepEqual(
    savedCounts,
    expected.codeCells.map((_, k) => k + 1),
    'the saved notebook: execution counts',
  );
  notes.push('saved notebook holds every output');
  await wb.scrollToTop();
  await wb.screenshot('run-all-done');
  return notes;
}
