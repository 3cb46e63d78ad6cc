/** The renderer registry: bundles named by package.json, with errors that name the file. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadRenderers, loadReportHost, loadReportRenderers } from '../../../kernels/runtime/report/rendererRegistry';

describe('renderer registry', () => {
  let root = '';
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'idc-renderers-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const manifest = (notebookRenderer: unknown) =>
    fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'x', contributes: { notebookRenderer } }));
  const bundle = (rel: string, source: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), source);
  };

  it('reads each contributed renderer and its built bundle, in package.json order', () => {
    manifest([
      { id: 'a', entrypoint: './dist/renderers/a.js', mimeTypes: ['application/x-a+json'] },
      { id: 'b', entrypoint: './dist/renderers/b.js', mimeTypes: ['application/x-b', 'application/x-b2'] },
    ]);
    bundle('dist/renderers/a.js', 'export const activate = () => ({ renderOutputItem() {} });');
    bundle('dist/renderers/b.js', 'export const activate = 2;');
    assert.deepEqual(loadRenderers(root), [
      { id: 'a', mimeTypes: ['application/x-a+json'], source: 'export const activate = () => ({ renderOutputItem() {} });' },
      { id: 'b', mimeTypes: ['application/x-b', 'application/x-b2'], source: 'export const activate = 2;' },
    ]);
  });

  it('names the bundle that is not built', () => {
    manifest([{ id: 'r', entrypoint: './dist/renderers/r.js', mimeTypes: ['application/x-r'] }]);
    assert.throws(
      () => loadRenderers(root),
      (e: Error) => e.message.includes(path.join(root, 'dist', 'renderers', 'r.js')) && /npm run build/.test(e.message),
    );
  });

  it('explains a malformed contribution', () => {
    manifest([{ id: 'r', mimeTypes: 'application/x-r' }]);
    assert.throws(() => loadRenderers(root), /contributes\.notebookRenderer\[0\]: expected id, entrypoint/);
  });

  it("reads the report's renderer host with the renderers, and names its bundle when it is not built", () => {
    manifest([{ id: 'a', entrypoint: './dist/renderers/a.js', mimeTypes: ['application/x-a+json'] }]);
    bundle('dist/renderers/a.js', 'export const activate = () => undefined;');
    assert.throws(
      () => loadReportRenderers(root),
      (e: Error) => e.message.includes(path.join(root, 'dist', 'reportHost.js')) && /renderer host/.test(e.message) && /npm run build/.test(e.message),
    );
    bundle('dist/reportHost.js', 'renderReport(document);');
    assert.equal(loadReportHost(root), 'renderReport(document);');
    assert.deepEqual(loadReportRenderers(root), {
      host: 'renderReport(document);',
      bundles: [{ id: 'a', mimeTypes: ['application/x-a+json'], source: 'export const activate = () => undefined;' }],
    });
  });

  it('gives no renderers for a package without any', () => {
    fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'x' }));
    assert.deepEqual(loadRenderers(root), []);
  });

  it('reads the repository package.json: every contributed renderer has a source file to build from', () => {
    const repo = path.join(__dirname, '..', '..', '..');
    const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as { contributes: { notebookRenderer: { entrypoint: string }[] } };
    for (const r of pkg.contributes.notebookRenderer) {
      const name = path.basename(r.entrypoint, '.js');
      assert.ok(fs.existsSync(path.join(repo, 'renderers', name, 'index.ts')), `renderers/${name}/index.ts`);
    }
  });
});
