/** Notebook saves through the platform's atomic write. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { saveError, writeFileAtomic } from '../../platform/atomicWrite';
import { serializeNotebook, type Notebook } from './nbformat';

/** Serializes first, so a notebook that cannot be written touches no file at all. */
export async function saveNotebook(file: string, notebook: Notebook): Promise<void> {
  let text: string;
  try {
    text = serializeNotebook(notebook);
    await fs.mkdir(path.dirname(file), { recursive: true });
  } catch (error) {
    throw saveError(file, error);
  }
  await writeFileAtomic(file, text);
}
