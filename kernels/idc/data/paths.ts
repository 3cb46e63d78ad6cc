/**
 * Paths named by a dataset's own files are resolved inside the dataset folder and never
 * outside it: an absolute path, a `..` that climbs out, or a symbolic link that points out is
 * refused, so a downloaded manifest cannot make the tool read (or show) any other file.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Resolves `relative` inside `root`; undefined when it would leave the folder. */
export function resolveInside(root: string, relative: string): string | undefined {
  if (relative === '' || relative.includes('\0') || path.isAbsolute(relative) || /^[A-Za-z]:/.test(relative)) return undefined;
  const base = path.resolve(root);
  const full = path.resolve(base, relative);
  return isInside(base, full) ? full : undefined;
}

export function isInside(base: string, full: string): boolean {
  const rel = path.relative(base, full);
  // '..foo.png' is a file name inside the folder, not a climb out of it.
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/** False when an existing file is a link whose target lies outside `root`. */
export async function staysInside(root: string, full: string): Promise<boolean> {
  try {
    const [realRoot, realFile] = await Promise.all([fs.promises.realpath(root), fs.promises.realpath(full)]);
    return isInside(realRoot, realFile);
  } catch (error) {
    // A missing file is reported as missing, not as escaping; any other failure (a link loop,
    // no permission) cannot prove the file stays inside, so it is refused.
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}
