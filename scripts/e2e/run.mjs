#!/usr/bin/env node
// `npm run test:e2e`: the extension in a real VS Code (code-server from the npm registry),
// driven through its UI by playwright-core on Debian's Chromium.
//
//   1. Debian packages (Chromium; the headers code-server's native modules need)
//   2. the .vsix (`npm run package`, which builds first)
//   3. Node 24 and code-server, installed into ~/.cache/idc-lab/e2e on the first run
//   4. a workspace: the renderer fixture, and an executed copy from the headless runner
//   5. the .vsix installed into a fresh extensions dir; code-server on 127.0.0.1
//   6. the executed notebook opened: chart, curves and pairs drawn without running anything
//   7. the fixture run with Run All: every output drawn by IDC Lab's renderers
//   8. every process stopped and the port free, also on failure, timeout and Ctrl-C
//
// Screenshots and code-server's log: out/test-artifacts/e2e/. Environment: IDC_E2E_CACHE
// (cache folder), IDC_E2E_UPDATE=1 (look for a newer code-server), IDC_E2E_CODE_SERVER_VERSION,
// CHROMIUM_PATH, IDC_E2E_KEEP=1 (keep the run's temp folder), IDC_E2E_FORCE_FAIL=<phase>
// (fail after that phase: checks the cleanup).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BROWSER_PACKAGES, CODE_SERVER_BUILD_PACKAGES, ensureDebianPackages } from './apt.mjs';
import { installExtension, layout, startCodeServer } from './codeServer.mjs';
import { cacheRoot, ensureCodeServer, resolveCodeServer } from './install.mjs';
import { Phases } from './phases.mjs';
import {
  adoptGroup,
  cleanup,
  freePort,
  groupAlive,
  handleSignals,
  listProcesses,
  makeRunDir,
  onCleanup,
  portOpen,
  runCommand,
  startReaper,
  tailOf,
} from './processes.mjs';
import { prepareWorkspace } from './workspace.mjs';
import { expectationsOf } from '../../test/e2e/expectations.mjs';
import { checkExecutedAblation, checkExecutedNotebook, checkRunAll } from '../../test/e2e/scenario.mjs';
import { launchBrowser, Workbench } from '../../test/e2e/workbench.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ARTIFACTS = path.join(ROOT, 'out', 'test-artifacts', 'e2e');
const VSIX = path.join(ROOT, 'out', 'idc-lab.vsix');

const phases = new Phases();
const runDir = makeRunDir();
const state = { port: undefined, server: undefined, dirs: undefined, workbench: undefined, record: undefined };
let failure;

function forced(name) {
  const at = process.env.IDC_E2E_FORCE_FAIL;
  if (at && name.toLowerCase().startsWith(at.toLowerCase())) throw new Error(`forced failure after this phase (IDC_E2E_FORCE_FAIL=${at})`);
}

async function phase(name, fn, timeoutMs) {
  return phases.run(
    name,
    async () => {
      const value = await fn();
      forced(name);
      return value;
    },
    { timeoutMs },
  );
}

/** The extension's kernel processes now running (dist/kernel.js of the installed .vsix). */
function kernels() {
  if (!state.dirs) return [];
  return listProcesses().filter(
    (p) => p.state !== 'Z' && p.cmdline.some((a) => a.startsWith(state.dirs.extensions) && a.endsWith(path.join('dist', 'kernel.js'))),
  );
}

/** Processes left that belong to this run: code-server, kernels, anything under the run folder. */
function leftovers(pgids) {
  return listProcesses().filter((p) => p.pid !== process.pid && p.state !== 'Z' && (pgids.includes(p.pgid) || p.cmdline.some((a) => a.includes(runDir))));
}

async function main() {
  fs.rmSync(ARTIFACTS, { recursive: true, force: true });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  startReaper(runDir);
  console.log(`[e2e] run folder ${runDir}; artifacts ${path.relative(ROOT, ARTIFACTS)}`);

  await phase(
    'system packages',
    async () => {
      const installed = await ensureDebianPackages([...BROWSER_PACKAGES, ...CODE_SERVER_BUILD_PACKAGES], { logFile: path.join(runDir, 'apt.log') });
      return { note: installed.length ? `installed ${installed.join(', ')}` : 'all present' };
    },
    15 * 60_000,
  );

  await phase(
    'package .vsix (npm run package)',
    async () => {
      const before = fs.existsSync(VSIX) ? fs.statSync(VSIX).mtimeMs : 0;
      await runCommand('npm run package', 'npm', ['run', 'package'], { cwd: ROOT, logFile: path.join(runDir, 'package.log'), timeoutMs: 5 * 60_000 });
      const stat = fs.statSync(VSIX);
      if (stat.mtimeMs <= before) throw new Error(`npm run package did not write ${VSIX}`);
      return { note: `${(stat.size / 2 ** 20).toFixed(1)} MiB` };
    },
    6 * 60_000,
  );

  const cs = await phase(
    'Node 24 and code-server (cache or npm install)',
    async () => {
      const root = cacheRoot(ROOT);
      const resolved = await resolveCodeServer(root);
      const logFile = path.join(root, 'install.log');
      const result = await ensureCodeServer(root, resolved, { logFile });
      return {
        ...result,
        note: `code-server ${result.reported} on Node ${result.node.version} (${result.installed ? 'installed now' : 'cached'} in ${result.dir}; version from ${resolved.source})`,
      };
    },
    40 * 60_000,
  );

  const workspace = await phase(
    'workspace and executed notebook (headless runner)',
    () => prepareWorkspace(ROOT, runDir, { logFile: path.join(runDir, 'runner.log') }),
    3 * 60_000,
  );
  const expected = expectationsOf(workspace.executedNotebook);

  state.dirs = layout(runDir);
  const extension = await phase('install the .vsix into code-server', () => installExtension(cs, state.dirs, VSIX), 3 * 60_000);
  console.log(`[e2e] extension installed at ${extension}`);

  state.port = await freePort();
  state.server = await phase('start code-server', () => startCodeServer(cs, state.dirs, state.port), 2 * 60_000);
  console.log(`[e2e] code-server ${state.server.url} (pid ${state.server.pid}); log ${state.dirs.log}`);

  await phase(
    'launch Chromium and open the workspace',
    async () => {
      const before = new Set(listProcesses().map((p) => p.pid));
      const tmpBefore = new Set(fs.readdirSync(os.tmpdir()));
      const launched = await launchBrowser({ downloadsPath: path.join(runDir, 'downloads') });
      state.record = launched.record;
      onCleanup(() => launched.browser.close());
      // playwright starts Chromium as a child of this process, leading its own process group
      const chromium = listProcesses().filter((p) => !before.has(p.pid) && p.ppid === process.pid && p.pgid === p.pid);
      // its temporary folders, for the reaper to remove if this process dies: the profile (on
      // Chromium's command line) and playwright's artifacts folder (the one new such folder)
      const artifacts = fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith('playwright-artifacts-') && !tmpBefore.has(d));
      for (const p of chromium) {
        const profile = p.cmdline.find((a) => a.startsWith('--user-data-dir='))?.slice('--user-data-dir='.length);
        adoptGroup(p.pid, 'chromium', [...(profile ? [profile] : []), ...(artifacts.length === 1 ? [path.join(os.tmpdir(), artifacts[0])] : [])]);
      }
      if (chromium.length === 0) console.warn("[e2e] could not find Chromium's process group; it is closed through playwright only");
      else console.log(`[e2e] Chromium pid ${chromium.map((p) => p.pid).join(', ')} (own process group)`);
      state.workbench = new Workbench(launched.page, ARTIFACTS);
      await state.workbench.open(state.server.url, workspace.folder, 'renderers.idcnb');
      await state.workbench.screenshot('workbench');
    },
    2 * 60_000,
  );

  const executedNotes = await phase(
    'executed notebook: saved outputs drawn without running',
    () => checkExecutedNotebook({ wb: state.workbench, workspace, expected, kernels }),
    3 * 60_000,
  );
  console.log(`[e2e]   ${executedNotes.join('; ')}`);

  const ablationNotes = await phase(
    'executed 02 notebook: chart and curves drawn without running',
    () => checkExecutedAblation({ wb: state.workbench, workspace, kernels }),
    3 * 60_000,
  );
  console.log(`[e2e]   ${ablationNotes.join('; ')}`);

  const runNotes = await phase(
    'Run All through the UI: outputs drawn by the renderers',
    () => checkRunAll({ wb: state.workbench, workspace, expected, kernels, codeServerPgid: state.server.pid }),
    5 * 60_000,
  );
  console.log(`[e2e]   ${runNotes.join('; ')}`);
  if (state.record.dialogs.length) throw new Error(`dialogs opened in the workbench: ${state.record.dialogs.join('; ')}`);
}

/** code-server's log and VS Code's logs (extension host, renderers) into the artifacts. */
function saveLogs() {
  if (!state.dirs) return;
  try {
    if (fs.existsSync(state.dirs.log)) fs.copyFileSync(state.dirs.log, path.join(ARTIFACTS, 'code-server.log'));
    const logs = path.join(state.dirs.userData, 'logs');
    if (fs.existsSync(logs)) fs.cpSync(logs, path.join(ARTIFACTS, 'vscode-logs'), { recursive: true });
  } catch (error) {
    console.error(`[e2e] could not copy the logs: ${error.message}`);
  }
}

async function finish() {
  if (failure && state.workbench) {
    try {
      await Promise.race([state.workbench.screenshot('failure'), new Promise((r) => setTimeout(r, 5000))]);
    } catch {
      // the page may be gone
    }
  }
  const t0 = Date.now();
  const pgids = state.server ? [state.server.pid] : [];
  let cleanupError;
  let forcedKill = [];
  try {
    forcedKill = await cleanup();
  } catch (error) {
    cleanupError = error;
  }
  const left = leftovers(pgids);
  const portLeft = state.port !== undefined && (await portOpen(state.port));
  phases.record(
    'stop every process',
    (Date.now() - t0) / 1000,
    cleanupError || left.length || portLeft ? 'failed' : 'ok',
    forcedKill.length ? `SIGKILL needed for ${forcedKill.join(', ')}` : undefined,
  );
  saveLogs();
  if (cleanupError) console.error(`[e2e] cleanup: ${cleanupError.message}`);
  if (left.length) console.error(`[e2e] processes left behind: ${left.map((p) => `${p.pid} ${p.cmdline.join(' ').slice(0, 160)}`).join('\n  ')}`);
  if (portLeft) console.error(`[e2e] port ${state.port} still accepts connections`);
  if (state.server && groupAlive(state.server.pid)) console.error(`[e2e] code-server's process group ${state.server.pid} is still there`);
  return !(cleanupError || left.length || portLeft);
}

handleSignals(
  (signal) => {
    failure ??= new Error(`interrupted by ${signal}`);
  },
  async ({ seconds, forced, error }) => {
    const left = leftovers(state.server ? [state.server.pid] : []);
    const portLeft = state.port !== undefined && (await portOpen(state.port));
    phases.record(
      'stop every process',
      seconds,
      error || left.length || portLeft ? 'failed' : 'ok',
      forced?.length ? `SIGKILL needed for ${forced.join(', ')}` : undefined,
    );
    if (left.length) console.error(`[e2e] processes left behind: ${left.map((p) => `${p.pid} ${p.cmdline.join(' ').slice(0, 160)}`).join('\n  ')}`);
    if (portLeft) console.error(`[e2e] port ${state.port} still accepts connections`);
    saveLogs();
    console.log(`\n[e2e] timing (interrupted)\n${phases.summary()}`);
    console.error(`[e2e] the run folder is kept for inspection: ${runDir}`);
  },
);
process.on('unhandledRejection', (error) => {
  // a step abandoned by a phase timeout failing later, after cleanup closed its browser
  if (!failure) console.error(`[e2e] unhandled rejection: ${error?.stack ?? error}`);
});

try {
  await main();
} catch (error) {
  failure = error;
}
const clean = await finish();

if (failure) {
  console.error(`\n[e2e] FAILED: ${failure.message}`);
  const cause = failure.cause;
  const frames = (cause?.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
  if (frames.length) console.error(frames.slice(0, 4).join('\n'));
  if (state.dirs && fs.existsSync(state.dirs.log))
    console.error(`\n--- last lines of code-server's log (${path.relative(ROOT, path.join(ARTIFACTS, 'code-server.log'))}) ---\n${tailOf(state.dirs.log, 30)}`);
  if (state.record?.pageErrors.length) console.error(`\n--- errors in the workbench page ---\n${state.record.pageErrors.slice(-10).join('\n')}`);
}
if (state.record?.blocked.length)
  console.log(`[e2e] requests off 127.0.0.1 refused in the browser: ${[...new Set(state.record.blocked.map((u) => new URL(u).host))].join(', ')}`);
console.log(`\n[e2e] timing\n${phases.summary()}`);
const ok = !failure && clean;
if (ok || process.env.IDC_E2E_KEEP === '1') {
  if (process.env.IDC_E2E_KEEP !== '1') fs.rmSync(runDir, { recursive: true, force: true });
} else {
  console.error(`[e2e] the run folder is kept for inspection: ${runDir}`);
}
console.log(ok ? '\n[e2e] 1 passed, 0 failed' : '\n[e2e] 0 passed, 1 failed');
process.exit(ok ? 0 : 1);
