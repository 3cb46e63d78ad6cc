// code-server for one run: a fresh user-data dir (user settings that trust every workspace
// and keep the workbench quiet), a fresh extensions dir with only our .vsix, a config file
// and XDG folders inside the run folder (nothing is written to ~/.config), listening on
// 127.0.0.1 only, without auth, telemetry or update checks.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { cleanEnv, runCommand, startGroup, tailOf } from './processes.mjs';

export const USER_SETTINGS = {
  // the kernel runs only in a trusted workspace (capabilities.untrustedWorkspaces: limited)
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.colorTheme': 'Default Light Modern',
  'workbench.editor.enablePreview': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'files.autoSave': 'off',
  'git.enabled': false,
  'notebook.output.scrolling': false,
};

export function layout(runDir) {
  const dirs = {
    userData: path.join(runDir, 'user-data'),
    extensions: path.join(runDir, 'extensions'),
    xdg: path.join(runDir, 'xdg'),
    config: path.join(runDir, 'code-server.yaml'),
    log: path.join(runDir, 'code-server.log'),
  };
  fs.mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  fs.mkdirSync(dirs.extensions, { recursive: true });
  for (const d of ['config', 'data', 'cache', 'state']) fs.mkdirSync(path.join(dirs.xdg, d), { recursive: true });
  fs.writeFileSync(path.join(dirs.userData, 'User', 'settings.json'), `${JSON.stringify(USER_SETTINGS, null, 2)}\n`);
  fs.writeFileSync(dirs.config, 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
  return dirs;
}

function env(cs, dirs) {
  return cleanEnv({
    PATH: `${cs.node.binDir}${path.delimiter}${process.env.PATH ?? ''}`,
    XDG_CONFIG_HOME: path.join(dirs.xdg, 'config'),
    XDG_DATA_HOME: path.join(dirs.xdg, 'data'),
    XDG_CACHE_HOME: path.join(dirs.xdg, 'cache'),
    XDG_STATE_HOME: path.join(dirs.xdg, 'state'),
    // no proxy from the environment may send the loopback traffic elsewhere
    NO_PROXY: '127.0.0.1,localhost',
    // no extension gallery (code-server's default is open-vsx.org, out of reach here)
    EXTENSIONS_GALLERY: '{}',
  });
}

const common = (dirs) => ['--config', dirs.config, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];

/** Installs the .vsix with code-server's own CLI and checks where it landed. */
export async function installExtension(cs, dirs, vsix) {
  await runCommand('code-server --install-extension', cs.node.bin, [cs.entry, ...common(dirs), '--install-extension', vsix, '--force'], {
    env: env(cs, dirs),
    logFile: dirs.log,
    timeoutMs: 3 * 60_000,
  });
  const installed = fs.readdirSync(dirs.extensions).filter((d) => d.startsWith('idc-lab.idc-lab-'));
  if (installed.length !== 1)
    throw new Error(
      `after --install-extension, ${dirs.extensions} holds ${JSON.stringify(fs.readdirSync(dirs.extensions))}, expected one idc-lab.idc-lab-* folder\n${tailOf(dirs.log, 20)}`,
    );
  const folder = path.join(dirs.extensions, installed[0]);
  for (const file of ['package.json', 'dist/extension.js', 'dist/kernel.js', 'dist/renderers/imagePair.js']) {
    if (!fs.existsSync(path.join(folder, file))) throw new Error(`the installed extension lacks ${file} (${folder})`);
  }
  return folder;
}

function get(url) {
  return new Promise((resolve) => {
    const request = http.get(url, { timeout: 2000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', () => resolve(0));
    request.on('timeout', () => {
      request.destroy();
      resolve(0);
    });
  });
}

/** Starts code-server on 127.0.0.1:port and waits until /healthz answers. */
export async function startCodeServer(cs, dirs, port, { timeoutMs = 90_000 } = {}) {
  const args = [
    cs.entry,
    ...common(dirs),
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  const server = startGroup('code-server', cs.node.bin, args, { cwd: path.dirname(dirs.userData), env: env(cs, dirs), logFile: dirs.log });
  let exit;
  void server.exited.then((e) => (exit = e));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exit)
      throw new Error(
        `code-server exited during start-up (${exit.signal ?? `status ${exit.code}`})\n--- last lines of ${dirs.log} ---\n${tailOf(dirs.log, 40)}`,
      );
    if ((await get(`http://127.0.0.1:${port}/healthz`)) === 200) return { ...server, url: `http://127.0.0.1:${port}` };
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `code-server did not answer on 127.0.0.1:${port}/healthz within ${timeoutMs / 1000} s\n--- last lines of ${dirs.log} ---\n${tailOf(dirs.log, 40)}`,
  );
}
