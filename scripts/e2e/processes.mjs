// Every process the e2e starts, and the guarantee that none outlives it. Each long-lived
// process is spawned detached, so it leads a process group of its own; its children
// (code-server's server and extension host, the notebook kernel, Chromium's helpers) stay in
// that group, and cleanup signals the whole group: SIGTERM, then SIGKILL after a grace period.
// Cleanup runs on success, on failure, on a phase timeout and on SIGINT/SIGTERM/SIGHUP; a
// small reaper process (reaper.mjs) does the same if this process dies without cleaning up
// (SIGKILL), by watching this process and reading the groups from a file.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const GRACE_MS = 4000;

/** @type {Map<number, {name: string, child?: import('node:child_process').ChildProcess, exited: boolean}>} */
const groups = new Map();
/** @type {Array<() => unknown>} */
const cleanupHooks = [];
let registryFile;
let reaper;
let cleaning;

function writeRegistry() {
  if (!registryFile) return;
  // a group outlives its leader while any member is left (a command's lingering children)
  const live = [...groups.entries()].filter(([pgid, g]) => !g.exited || groupAlive(pgid)).map(([pgid, g]) => ({ pgid, name: g.name, paths: g.paths ?? [] }));
  fs.writeFileSync(`${registryFile}.tmp`, JSON.stringify(live));
  fs.renameSync(`${registryFile}.tmp`, registryFile);
}

/** Starts the reaper that kills the registered groups if this process dies before cleanup. */
export function startReaper(runDir) {
  registryFile = path.join(runDir, 'process-groups.json');
  writeRegistry();
  reaper = spawn(process.execPath, [path.join(HERE, 'reaper.mjs'), String(process.pid), registryFile], { detached: true, stdio: 'ignore' });
  reaper.unref();
}

/**
 * Adds a process group (pgid) started by someone else (Chromium by playwright) to the cleanup;
 * `paths` are folders its owner removes when it closes it, which the reaper removes instead.
 */
export function adoptGroup(pgid, name, paths = []) {
  if (!groups.has(pgid)) groups.set(pgid, { name, exited: false, paths });
  writeRegistry();
}

/** Runs `hook` during cleanup, before the process groups are killed (closing the browser). */
export function onCleanup(hook) {
  cleanupHooks.push(hook);
}

/**
 * A long-lived process in its own process group; output goes to `logFile` (appended).
 * Returns the child; `exited` resolves with {code, signal} when it ends.
 */
export function startGroup(name, command, args, { cwd, env, logFile }) {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
  const entry = { name, child, exited: false };
  groups.set(child.pid, entry);
  writeRegistry();
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      entry.exited = true;
      resolve({ code, signal });
    }),
  );
  child.once('error', () => undefined); // reported through `exited` and the log
  return { child, pid: child.pid, exited };
}

/**
 * A command that runs to completion, in its own process group (killed with the rest on a
 * timeout or Ctrl-C). Output goes to `logFile` when given, else to this terminal. Rejects
 * with the exit status and the output's tail when it fails.
 */
export function runCommand(name, command, args, { cwd, env, logFile, timeoutMs = 10 * 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const log = logFile ? fs.openSync(logFile, 'a') : undefined;
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', log ?? 'inherit', log ?? 'inherit'] });
    if (log !== undefined) fs.closeSync(log);
    const entry = { name, child, exited: false };
    if (child.pid !== undefined) groups.set(child.pid, entry);
    writeRegistry();
    const timer = setTimeout(() => {
      killGroup(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      entry.exited = true;
      reject(new Error(`${name}: could not run ${command}: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      entry.exited = true;
      writeRegistry();
      if (code === 0) return resolve();
      const tail = logFile ? `\n--- last lines of ${logFile} ---\n${tailOf(logFile, 40)}` : '';
      const why = signal
        ? `was killed by ${signal}${signal === 'SIGKILL' ? ` (timeout ${Math.round(timeoutMs / 1000)} s?)` : ''}`
        : `exited with status ${code}`;
      reject(new Error(`${name}: \`${[command, ...args].join(' ')}\` ${why}${tail}`));
    });
  });
}

function killGroup(pgid, signal) {
  if (pgid === undefined) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // the group is gone
  }
}

export function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The last `lines` lines of a text file ('' when absent). */
export function tailOf(file, lines = 40) {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text
      .split('\n')
      .slice(-lines - 1)
      .join('\n')
      .trimEnd();
  } catch {
    return '';
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Closes what the hooks close, then SIGTERMs every registered group, SIGKILLs the ones still
 * there after the grace period, and stops the reaper. Safe to call more than once.
 * Returns the names of groups that had to be killed with SIGKILL.
 */
export function cleanup() {
  cleaning ??= (async () => {
    for (const hook of cleanupHooks.splice(0).reverse()) {
      try {
        await Promise.race([hook(), sleep(5000)]);
      } catch {
        // the processes go below anyway
      }
    }
    const pgids = [...groups.keys()];
    for (const pgid of pgids) killGroup(pgid, 'SIGTERM');
    const deadline = Date.now() + GRACE_MS;
    while (Date.now() < deadline && pgids.some(groupAlive)) await sleep(100);
    const forced = [];
    for (const pgid of pgids) {
      if (groupAlive(pgid)) {
        forced.push(groups.get(pgid)?.name ?? String(pgid));
        killGroup(pgid, 'SIGKILL');
      }
    }
    const killDeadline = Date.now() + 3000;
    while (Date.now() < killDeadline && pgids.some(groupAlive)) await sleep(50);
    const left = pgids.filter(groupAlive);
    groups.clear();
    writeRegistry();
    if (reaper?.pid !== undefined && killGroup(reaper.pid, 'SIGKILL')) {
      const reaperDeadline = Date.now() + 2000;
      while (Date.now() < reaperDeadline && groupAlive(reaper.pid)) await sleep(50);
    }
    if (left.length) throw new Error(`process groups ${left.join(', ')} are still there after SIGKILL`);
    return forced;
  })();
  return cleaning;
}

/**
 * Makes Ctrl-C, SIGTERM and SIGHUP stop every process the e2e started and exit with 128 + the
 * signal number; `report` (the timing, what was left) runs after the cleanup.
 */
export function handleSignals(onSignal, report) {
  const codes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  for (const [signal, code] of Object.entries(codes)) {
    process.on(signal, () => {
      if (cleaning) return; // a second Ctrl-C while cleaning: keep cleaning
      console.error(`\n[e2e] ${signal}: stopping every process the e2e started`);
      onSignal?.(signal);
      const t0 = Date.now();
      cleanup()
        .then(
          (forced) => report?.({ seconds: (Date.now() - t0) / 1000, forced }),
          (error) => {
            console.error(`[e2e] cleanup: ${error.message}`);
            return report?.({ seconds: (Date.now() - t0) / 1000, error });
          },
        )
        .catch((error) => console.error(`[e2e] ${error.message}`))
        .finally(() => process.exit(code));
    });
  }
}

/** A free TCP port on 127.0.0.1 (the kernel picks it; it is closed again at once). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Whether something accepts connections on 127.0.0.1:port. */
export function portOpen(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Processes (pid, ppid, pgid, command line) from /proc, for checks and for finding Chromium. */
export function listProcesses() {
  const out = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean);
      out.push({ pid: Number(name), state: fields[0], ppid: Number(fields[1]), pgid: Number(fields[2]), cmdline });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * This process's environment without what `npm run` put there (npm_config_*, npm_package_*,
 * npm_lifecycle_*, NODE, INIT_CWD): a nested npm would take the outer npm's settings from it,
 * its user agent among them, which names the outer Node (code-server's postinstall reads the
 * Node version from it).
 */
export function cleanEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) || key === 'NODE' || key === 'INIT_CWD') continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/** The run's scratch folder under the OS temp folder. */
export function makeRunDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'idc-lab-e2e-'));
}
