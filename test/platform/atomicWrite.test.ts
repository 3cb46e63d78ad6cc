/** Saving never loses the old file: a failed save leaves it byte-identical and no temp file. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../../kernels/platform/atomicWrite';
import { saveNotebook } from '../../kernels/runtime/notebook/saveNotebook';
import { newNotebook, parseNotebook, serializeNotebook } from '../../kernels/runtime/notebook/nbformat';
import { everyKindOfNotebook } from '../runtime/notebook/fixtures';

const posix = process.platform !== 'win32';

describe('atomic save', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idc-save-'))));
  afterEach(() => {
    fs.chmodSync(dir, 0o755);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('saves a notebook that reads back equal, creating the folder', async () => {
    const file = path.join(dir, 'sub', 'deeper', 'nb.idcnb');
    const nb = everyKindOfNotebook();
    await saveNotebook(file, nb);
    const text = fs.readFileSync(file, 'utf8');
    assert.equal(text, serializeNotebook(nb));
    assert.deepEqual(parseNotebook(text, file), nb);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['nb.idcnb']);
  });

  it('replaces an existing file, and writes bytes as given', async () => {
    const file = path.join(dir, 'data.bin');
    fs.writeFileSync(file, 'a much longer old content that must not leave a tail behind');
    await writeFileAtomic(file, new Uint8Array([0, 1, 2, 255]));
    assert.deepEqual([...fs.readFileSync(file)], [0, 1, 2, 255]);
    assert.deepEqual(fs.readdirSync(dir), ['data.bin']);
  });

  it('leaves the old file intact when the notebook cannot be serialized', async () => {
    const file = path.join(dir, 'nb.idcnb');
    const old = serializeNotebook(newNotebook());
    fs.writeFileSync(file, old);
    const cyclic = newNotebook();
    const meta: Record<string, unknown> = {};
    meta.self = meta;
    (cyclic.metadata as Record<string, unknown>).loop = meta;
    await assert.rejects(saveNotebook(file, cyclic), (e: Error) => {
      assert.match(e.message, /cycle/);
      assert.ok(e.message.startsWith(`Could not save ${file}: `), e.message);
      assert.match(e.message, /The previous file, if any, is unchanged\.$/);
      return true;
    });
    assert.equal(fs.readFileSync(file, 'utf8'), old);
    assert.deepEqual(fs.readdirSync(dir), ['nb.idcnb']);
  });

  it('creates no folder for a notebook that cannot be serialized', async () => {
    const file = path.join(dir, 'new-folder', 'nb.idcnb');
    const bad = newNotebook();
    (bad.metadata as Record<string, unknown>).n = 10n;
    await assert.rejects(saveNotebook(file, bad), /Could not save .*nb\.idcnb: cannot write metadata\.n: a bigint is not JSON/);
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('leaves the old file intact when the write itself fails', async () => {
    const target = path.join(dir, 'taken');
    fs.mkdirSync(target); // renaming a file over a folder fails after the temp file was written
    fs.writeFileSync(path.join(target, 'inside'), 'keep');
    await assert.rejects(writeFileAtomic(target, 'new content'), (e: Error) => e.message.startsWith(`Could not save ${target}:`));
    assert.equal(fs.readFileSync(path.join(target, 'inside'), 'utf8'), 'keep');
    assert.deepEqual(fs.readdirSync(dir), ['taken'], 'no temporary file is left behind');
  });

  it('reports a folder it cannot create, with the file name', async () => {
    fs.writeFileSync(path.join(dir, 'plain-file'), 'old');
    const file = path.join(dir, 'plain-file', 'nb.idcnb');
    await assert.rejects(saveNotebook(file, newNotebook()), (e: Error) => e.message.startsWith(`Could not save ${file}: `));
    assert.equal(fs.readFileSync(path.join(dir, 'plain-file'), 'utf8'), 'old');
  });

  it('reports a folder it cannot write into, with the file name, and keeps the old file', async () => {
    const file = path.join(dir, 'nb.idcnb');
    fs.writeFileSync(file, 'old');
    if (!posix || process.getuid?.() === 0) {
      // Folder permissions bind neither root nor Windows; a missing folder fails the same step.
      await assert.rejects(writeFileAtomic(path.join(dir, 'missing', 'nb.idcnb'), 'x'), /Could not save .*missing[/\\]nb\.idcnb: ENOENT/);
      return;
    }
    fs.chmodSync(dir, 0o555);
    await assert.rejects(writeFileAtomic(file, 'x'), /Could not save .*nb\.idcnb: EACCES/);
    assert.equal(fs.readFileSync(file, 'utf8'), 'old');
    assert.deepEqual(fs.readdirSync(dir), ['nb.idcnb']);
  });

  it('keeps the permissions of the file it replaces', async function () {
    if (!posix) this.skip();
    const file = path.join(dir, 'private.idcnb');
    fs.writeFileSync(file, 'old');
    fs.chmodSync(file, 0o600);
    await writeFileAtomic(file, 'new');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.readFileSync(file, 'utf8'), 'new');
  });

  it('saves through a symlink into the file it points to', async function () {
    const real = path.join(dir, 'real.idcnb');
    const link = path.join(dir, 'link.idcnb');
    fs.writeFileSync(real, 'old');
    try {
      fs.symlinkSync(real, link);
    } catch {
      this.skip(); // Windows without the symlink privilege
    }
    await writeFileAtomic(link, 'new');
    assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the link is still a link');
    assert.equal(fs.readFileSync(real, 'utf8'), 'new');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['link.idcnb', 'real.idcnb']);
  });

  it('lets concurrent saves of one file each land whole', async () => {
    const file = path.join(dir, 'nb.idcnb');
    const texts = Array.from({ length: 8 }, (_, i) => `${String(i).repeat(10_000)}\n`);
    await Promise.all(texts.map((t) => writeFileAtomic(file, t)));
    assert.ok(texts.includes(fs.readFileSync(file, 'utf8')));
    assert.deepEqual(fs.readdirSync(dir), ['nb.idcnb']);
  });
});
