/**
 * Saving without losing: write a temporary file beside the target, flush it to disk, then
 * rename it over the target. A failure at any step leaves the old file as it was.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { serializeNotebook, type Notebook } from './nbformat';

export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(temp, 'wx');
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(temp, file);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw new Error(`Could not save ${file}: ${(error as Error).message}. The previous file, if any, is unchanged.`, { cause: error });
  }
}

/** Serializes first, so a notebook that cannot be written touches no file at all. */
export async function saveNotebook(file: string, notebook: Notebook): Promise<void> {
  let text: string;
  try {
    text = serializeNotebook(notebook);
  } catch (error) {
    throw new Error(`Could not save ${file}: ${(error as Error).message}. The previous file, if any, is unchanged.`, { cause: error });
  }
  await fs.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, text);
}
