// The e2e's dead man's switch: started detached by processes.mjs with the runner's pid and
// the file that lists the runner's process groups. When the runner is gone (killed with
// SIGKILL, say, so that it could not clean up), it kills those groups, removes the folders
// their owners would have removed and the run folder, and exits; when the runner cleans up
// itself, it kills this process.
import fs from 'node:fs';
import path from 'node:path';

const [parentArg, registryFile] = process.argv.slice(2);
const parent = Number(parentArg);

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const registry = () => {
  try {
    return JSON.parse(fs.readFileSync(registryFile, 'utf8'));
  } catch {
    return [];
  }
};
const groups = () => registry().map((g) => g.pgid);

const signalAll = (signal) => {
  for (const pgid of groups()) {
    try {
      process.kill(-pgid, signal);
    } catch {
      // gone
    }
  }
};

const timer = setInterval(() => {
  if (alive(parent)) return;
  clearInterval(timer);
  const paths = registry().flatMap((g) => g.paths ?? []);
  signalAll('SIGTERM');
  setTimeout(() => {
    signalAll('SIGKILL');
    // what the killed processes' owners would have removed (Chromium's temporary profile)
    setTimeout(() => {
      for (const p of paths) fs.rmSync(p, { recursive: true, force: true });
      // and the run folder, which holds the registry (kept with IDC_E2E_KEEP=1)
      if (process.env.IDC_E2E_KEEP !== '1') fs.rmSync(path.dirname(registryFile), { recursive: true, force: true });
      process.exit(0);
    }, 500);
  }, 3000);
}, 500);

for (const signal of ['SIGINT', 'SIGHUP']) process.on(signal, () => undefined); // a Ctrl-C in the terminal is for the runner
