// Debian packages the e2e needs and npm cannot provide: Chromium for playwright-core, and
// the headers code-server's native modules build against (kerberos: libkrb5-dev; the
// keytar-like secret storage: libsecret-1-dev; pkg-config to find them). Installed with
// apt-get when missing and when running as root (after `apt-get update`); otherwise the
// error says what to install.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { runCommand } from './processes.mjs';

export const CODE_SERVER_BUILD_PACKAGES = ['libkrb5-dev', 'libsecret-1-dev', 'pkg-config'];
export const BROWSER_PACKAGES = ['chromium', 'fonts-liberation'];

function installed(name) {
  try {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format field
    return execFileSync('dpkg-query', ['-W', '-f', '${Status}', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes(
      'install ok installed',
    );
  } catch {
    return false;
  }
}

/** Installs the missing packages of `names`; returns the ones it installed. */
export async function ensureDebianPackages(names, { logFile } = {}) {
  if (!fs.existsSync('/usr/bin/dpkg-query')) {
    console.log(`[e2e] not a Debian system: assuming ${names.join(', ')} (or equivalents) are present`);
    return [];
  }
  const missing = names.filter((n) => !installed(n));
  if (missing.length === 0) return [];
  if (process.getuid?.() !== 0) {
    throw new Error(
      `missing Debian packages ${missing.join(', ')}: run \`sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}\` (the e2e installs them itself only as root)`,
    );
  }
  console.log(`[e2e] apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await runCommand('apt-get update', 'apt-get', ['update', '-qq'], { env, logFile, timeoutMs: 5 * 60_000 });
  await runCommand('apt-get install', 'apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env, logFile, timeoutMs: 10 * 60_000 });
  const still = missing.filter((n) => !installed(n));
  if (still.length) throw new Error(`apt-get install finished but ${still.join(', ')} are still not installed`);
  return missing;
}
