/**
 * Image Editing Request (Tan et al., "Expressing Visual Relationships via Language"):
 * - `train.json`, `valid.json` (read as validation), `test.json`: lists of
 *   {"img0": "<file>", "img1": "<file>", "sents": [...], "uid": "..."}.
 * - The files named by img0 (before) and img1 (after) are in `images/`, and must stay inside
 *   it: a name that climbs out of images/ is refused even when it would still be in the
 *   dataset folder.
 * img0 is resized to img1's size (bicubic) before stacking. No categories ("unknown").
 * The sample id is `uid`. An entry without a string uid, or with a uid already used, is kept
 * under its position instead (`valid.json[12]`), and reported so the user knows.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FormatContext, FormatReader, LoadedFormat } from './format';
import { datasetPath, imageFile } from './imageFiles';
import { describe, expectArray, fieldPath, readJsonFile } from '../jsonInput';
import { readReferences } from '../references';
import type { IdcSample, ImageSource, Split } from '../types';

const SPLIT_FILES: ReadonlyArray<[string, Split]> = [
  ['train.json', 'train'],
  ['valid.json', 'validation'],
  ['test.json', 'test'],
];

function hasImages(root: string): boolean {
  try {
    return fs.statSync(path.join(root, 'images')).isDirectory();
  } catch {
    return false;
  }
}

/** The sample id: the uid, or the entry's position when the uid is missing or already taken. */
function sampleId(context: FormatContext, e: Record<string, unknown>, at: { file: string; name: string; index: number }, used: Map<string, string>): string {
  // some copies of the files write the uid as a number; it names the sample just as well
  const uid = typeof e.uid === 'number' && Number.isInteger(e.uid) ? String(e.uid) : e.uid;
  const fallback = `${at.name}[${at.index}]`;
  const field = fieldPath(at.index, 'uid');
  if (typeof uid !== 'string' || uid === '') {
    context.problems.report({
      file: at.file,
      field,
      reason: `expected a uid (a non-empty string or an integer), found ${describe(uid)}; the sample is kept as ${fallback}`,
    });
    return fallback;
  }
  if (used.has(uid)) {
    context.problems.report({
      file: at.file,
      field,
      reason: `uid ${JSON.stringify(uid)} is already used by ${used.get(uid) as string}; this sample is kept as ${fallback}`,
    });
    return fallback;
  }
  used.set(uid, fallback);
  return uid;
}

export const ierReader: FormatReader = {
  format: 'ier',

  async detect(root) {
    const found = SPLIT_FILES.map(([name]) => name).filter((name) => fs.existsSync(path.join(root, name)));
    if (found.length === 0 || !hasImages(root)) return undefined;
    return `${found.join(', ')} and images/`;
  },

  async load(context): Promise<LoadedFormat> {
    const present = SPLIT_FILES.filter(([name]) => fs.existsSync(datasetPath(context, name)));
    if (present.length === 0)
      context.problems.fatal({ file: context.root, reason: 'expected the IER split files train.json, valid.json and test.json, found none' });
    const notes = [
      'IER: img0 is resized to img1\'s size (bicubic) before stacking; no change categories (category "unknown"); valid.json is the validation split',
    ];
    const missing = SPLIT_FILES.filter((s) => !present.includes(s)).map(([name]) => name);
    if (missing.length > 0) notes.push(`no ${missing.join(', ')}: ${missing.length === 1 ? 'that split is' : 'those splits are'} empty`);
    // names are resolved inside images/, so that is the folder they may not leave
    const images: FormatContext = { ...context, root: datasetPath(context, 'images') };

    const samples: IdcSample[] = [];
    const used = new Map<string, string>();
    for (const [name, split] of present) {
      const file = datasetPath(context, name);
      expectArray(await readJsonFile(file), file, '', 'a list of {img0, img1, sents, uid}').forEach((entry, index) => {
        if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
          context.problems.report({
            file,
            field: fieldPath(index),
            reason: `expected an object {img0, img1, sents, uid}, found ${describe(entry)}`,
            sample: `${name}[${index}]`,
          });
          return;
        }
        const e = entry as Record<string, unknown>;
        const id = sampleId(context, e, { file, name, index }, used);
        const sources: ImageSource[] = [];
        for (const key of ['img0', 'img1'] as const) {
          const value = e[key];
          if (typeof value !== 'string' || value === '') {
            context.problems.report({
              file,
              field: fieldPath(index, key),
              reason: `expected an image file name in images/, found ${describe(value)}`,
              sample: id,
            });
            return;
          }
          const source = imageFile(images, value, { file, field: fieldPath(index, key), sample: id });
          if (!source) return;
          sources.push(source);
        }
        const references = readReferences(e.sents, { file, field: fieldPath(index, 'sents'), sample: id }, context.problems);
        const [before, after] = sources;
        if (references && before && after) samples.push({ id, before, after, references, category: 'unknown', split, resize: 'resize-before' });
      });
    }
    return { samples, notes };
  },
};
