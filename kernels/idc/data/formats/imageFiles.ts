/**
 * Image sources named by a dataset's index files. A name that would leave the dataset folder
 * is refused and reported (the sample is skipped), whatever the index file says.
 */
import path from 'node:path';
import type { FormatContext } from './format';
import { resolveInside } from '../paths';
import type { ImageSource } from '../types';

export interface Where {
  /** The index file that named the image. */
  file: string;
  /** The field in it. */
  field: string;
  /** The sample skipped when the name is refused. */
  sample: string;
}

/** The image `relative` (to the dataset folder), or undefined after reporting a path that escapes it. */
export function imageFile(context: FormatContext, relative: string, where: Where): ImageSource | undefined {
  const full = resolveInside(context.root, relative);
  if (full === undefined) {
    context.problems.report({
      file: where.file,
      field: where.field,
      reason: `the image path ${JSON.stringify(relative)} leaves the dataset folder; expected a path inside ${context.root}`,
      sample: where.sample,
    });
    return undefined;
  }
  return { kind: 'file', path: full };
}

/** A path inside the dataset folder for messages: the folder as the user gave it, then the file. */
export function datasetPath(context: FormatContext, ...parts: string[]): string {
  return path.join(context.root, ...parts);
}
