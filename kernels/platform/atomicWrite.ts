/**
 * Saving without losing: write a temporary file beside the target, flush it to disk, then
 * rename it over the target. Rename within one folder is atomic, so a reader (or a crash)
 * sees the old file or the new one, never a truncated mix; a failure at any step leaves
 * the old file as it was and removes the temporary file. Used for notebooks, reports,
 * model weights, checkpoints and data files alike.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  // Through a symlink, replace the file it points to, not the link.
  const target = await fs.realpath(file).catch(() => file);
  const dir = path.dirname(target);
  // Same folder, so the rename cannot cross file systems; the name is cut to stay under NAME_MAX.
  const temp = path.join(dir, `.${path.basename(target).slice(0, 200)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let handle: fs.FileHandle | undefined;
  try {
    const old = await fs.stat(target).catch(() => undefined);
    handle = await fs.open(temp, 'wx');
    // Keep a private notebook private: the new file gets the permissions of the one it replaces.
    if (old?.isFile()) await handle.chmod(old.mode & 0o7777);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await renameWithRetry(temp, target);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw saveError(file, error);
  }
  await syncFolder(dir);
}

export function saveError(file: string, cause: unknown): Error {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new Error(`Could not save ${file}: ${reason}. The previous file, if any, is unchanged.`, { cause });
}

/**
 * On Windows a rename over a file that another process (a virus scanner, the indexer) has
 * open fails for a moment with EPERM/EACCES/EBUSY; elsewhere those errors are final.
 */
async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fs.rename(from, to);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const transient = process.platform === 'win32' && (code === 'EPERM' || code === 'EACCES' || code === 'EBUSY');
      if (!transient || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
  }
}

/** Makes the rename itself durable. Best effort: Windows cannot open a folder for this. */
async function syncFolder(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r').catch(() => undefined);
  await handle?.sync().catch(() => undefined);
  await handle?.close().catch(() => undefined);
}
