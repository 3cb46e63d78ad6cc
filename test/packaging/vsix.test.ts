/** The extension packages into a .vsix with vsce, with the bundles it needs at run time. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const VSCE = path.join(ROOT, 'node_modules', '.bin', 'vsce');

describe('packaging', () => {
  it("builds a .vsix without warnings, carrying the extension, kernel, CLI and renderer bundles and the report's renderer host", () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'idc-vsix-')), 'idc-lab.vsix');
    const packaged = spawnSync(VSCE, ['package', '--out', out], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(packaged.status, 0, packaged.stderr + packaged.stdout);
    assert.doesNotMatch(packaged.stdout + packaged.stderr, /WARNING/i);
    assert.ok(fs.statSync(out).size > 100_000);
    const listed = spawnSync(VSCE, ['ls'], { cwd: ROOT, encoding: 'utf8' }).stdout.split('\n');
    for (const file of [
      'dist/extension.js',
      'dist/kernel.js',
      'dist/cli.js',
      'dist/worker.js',
      'dist/renderers/progress.js',
      // the HTML report's renderer host, which the CLI and the export command inline
      'dist/reportHost.js',
      'bin/idc-lab.js',
      'package.json',
      'LICENSE',
      'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
      'node_modules/onnxruntime-common/dist/cjs/index.js',
    ]) {
      assert.ok(listed.includes(file), `${file} is in the package`);
    }
    assert.ok(!listed.some((f) => f.startsWith('test/') || f.startsWith('kernels/')), 'sources and tests stay out');
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  });

  it('declares the notebook type, the kernel commands, and restricted mode for untrusted workspaces', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    assert.deepEqual(manifest.contributes.notebooks[0], { type: 'idc-notebook', displayName: 'IDC Lab Notebook', selector: [{ filenamePattern: '*.idcnb' }] });
    assert.deepEqual(manifest.activationEvents, ['onNotebook:idc-notebook']);
    assert.deepEqual(
      manifest.contributes.commands.map((c: { command: string }) => c.command),
      ['idcLab.restartKernel', 'idcLab.interruptKernel', 'idcLab.exportHtmlReport'],
    );
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.ok(manifest.contributes.notebookRenderer.every((r: { requiresMessaging: string }) => r.requiresMessaging === 'optional'));
  });
});
