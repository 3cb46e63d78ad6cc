// Debian packages the tests need and npm cannot provide: the EGL loader that Dawn (the
// `webgpu` package) opens for its OpenGL ES software adapter, and Mesa's llvmpipe behind it;
// Chromium (and a font) for the renderers' browser tests, driven by playwright-core.
// Installed with apt when missing and when this runs as root; otherwise it says what to do.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const PACKAGES = ['libegl-dev', 'libegl-mesa0', 'libgl1-mesa-dri', 'chromium', 'fonts-liberation'];

function missing() {
  return PACKAGES.filter((name) => {
    try {
      return !execFileSync('dpkg-query', ['-W', '-f', '${Status}', name], { encoding: 'utf8' }).includes('install ok installed');
    } catch {
      return true;
    }
  });
}

if (process.platform === 'linux' && fs.existsSync('/usr/bin/apt-get')) {
  const absent = missing();
  if (absent.length > 0) {
    if (process.getuid?.() !== 0) {
      console.error(`the WebGPU and browser tests need ${absent.join(', ')}: run sudo apt-get install -y ${absent.join(' ')}`);
      process.exit(1);
    }
    console.log(`installing ${absent.join(', ')} (for the WebGPU software adapter and the browser tests)`);
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...absent], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
}
