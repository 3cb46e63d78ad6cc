/** Saving never loses the old file: a failed save leaves it byte-identical and no temp file. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { saveNotebook, writeFileAtomic } from '../../../kernels/runtime/notebook/atomicWrite';
import { newNotebook, parseNotebook, serializeNotebook } from '../../../kernels/runtime/notebook/nbformat';

describe('atomic save', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idc-save-'))));
  afterEach(() => {
    fs.chmodSync(dir, 0o755);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('saves a notebook that reads back equal, creating the folder', async () => {
    const file = path.join(dir, 'sub', 'nb.idcnb');
    const nb = newNotebook();
    nb.cells.push({ cell_type: 'code', id: 'c1', source: '1 + 1', metadata: {}, outputs: [], execution_count: null });
    await saveNotebook(file, nb);
    assert.deepEqual(parseNotebook(fs.readFileSync(file, 'utf8'), file), nb);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['nb.idcnb']);
  });

  it('leaves the old file intact when the notebook cannot be serialized', async () => {
    const file = path.join(dir, 'nb.idcnb');
    const old = serializeNotebook(newNotebook());
    fs.writeFileSync(file, old);
    const cyclic = newNotebook();
    const meta: Record<string, unknown> = {};
    meta['self'] = meta;
    (cyclic.metadata as Record<string, unknown>)['loop'] = meta;
    await assert.rejects(saveNotebook(file, cyclic), (e: Error) => e.message.includes(file) && /cycle/.test(e.message) && /unchanged/.test(e.message));
    assert.equal(fs.readFileSync(file, 'utf8'), old);
    assert.deepEqual(fs.readdirSync(dir), ['nb.idcnb']);
  });

  it('leaves the old file intact when the write itself fails', async () => {
    const target = path.join(dir, 'taken');
    fs.mkdirSync(target); // renaming a file over a folder fails after the temp file was written
    fs.writeFileSync(path.join(target, 'inside'), 'keep');
    await assert.rejects(writeFileAtomic(target, 'new content'), (e: Error) => e.message.startsWith(`Could not save ${target}:`));
    assert.equal(fs.readFileSync(path.join(target, 'inside'), 'utf8'), 'keep');
    assert.deepEqual(fs.readdirSync(dir), ['taken'], 'no temporary file is left behind');
  });

  it('reports a folder it cannot write into, with the file name', async function () {
    if (process.getuid?.() === 0) {
      // root ignores folder permissions; use a missing folder instead, which fails the same step
      await assert.rejects(writeFileAtomic(path.join(dir, 'missing', 'nb.idcnb'), 'x'), /Could not save .*missing\/nb\.idcnb: ENOENT/);
      return;
    }
    fs.chmodSync(dir, 0o555);
    await assert.rejects(writeFileAtomic(path.join(dir, 'nb.idcnb'), 'x'), /Could not save .*nb\.idcnb: EACCES/);
  });
});
