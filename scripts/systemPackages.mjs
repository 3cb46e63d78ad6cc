// Debian packages the tests need and npm cannot provide: the EGL loader that Dawn (the
// `webgpu` package) opens for its OpenGL ES software adapter, and Mesa's llvmpipe behind it;
// Chromium (and a font) for the renderers' browser tests, driven by playwright-core; Slurm and
// munge for the one-node cluster the Slurm executor is tested on (test/slurm/cluster.ts).
// Installed with apt when missing and when this runs as root; otherwise it says what to do.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const PACKAGES = ['libegl-dev', 'libegl-mesa0', 'libgl1-mesa-dri', 'chromium', 'fonts-liberation', 'slurmctld', 'slurmd', 'slurm-client', 'munge'];

function missing() {
  return PACKAGES.filter((name) => {
    try {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format field
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
      console.error(`the WebGPU, browser and Slurm tests need ${absent.join(', ')}: run sudo apt-get install -y ${absent.join(' ')}`);
      process.exit(1);
    }
    console.log(`installing ${absent.join(', ')} (for the WebGPU software adapter, the browser tests and the Slurm cluster)`);
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...absent], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
}
