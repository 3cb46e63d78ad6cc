/**
 * Spot-the-Diff (Jhamtani and Berg-Kirkpatrick, 2018):
 * - Annotations per split (train, val, test): `annotations/<split>.json`, or as some copies name
 *   them `annotations/reformat_<split>.json` or `reformat_<split>.json`; each a list of
 *   {"img_id": "<id>", "sentences": [...]}. The first of these names found for a split is read.
 * - Images: `resized_images/original/<img_id>.png` (top) and `resized_images/modified/<img_id>_2.png`
 *   (bottom), or both in `resized_images/` itself. The layout is chosen once for the dataset:
 *   the two-folder one when `resized_images/original/` exists.
 * Each sentence describes one of the pair's differences and is one reference, as the
 * published evaluations use them. No categories ("unknown"); stacked as they are.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FormatContext, FormatReader, LoadedFormat } from './format';
import { datasetPath, imageFile } from './imageFiles';
import { describe, expectArray, fieldPath, readJsonFile } from '../jsonInput';
import { readReferences } from '../references';
import type { IdcSample, Split } from '../types';

const SPLIT_NAMES: ReadonlyArray<[string, Split]> = [
  ['train', 'train'],
  ['val', 'validation'],
  ['test', 'test'],
];
const candidates = (split: string) => [`annotations/${split}.json`, `annotations/reformat_${split}.json`, `reformat_${split}.json`];

/** The annotation file of each split found in `root`, relative to it. */
function annotationFiles(root: string): Array<{ name: string; split: Split; relative: string }> {
  return SPLIT_NAMES.flatMap(([name, split]) => {
    const relative = candidates(name).find((c) => fs.existsSync(path.join(root, c)));
    return relative === undefined ? [] : [{ name, split, relative }];
  });
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The relative paths of a pair's images in the layout found. */
function imageLayout(context: FormatContext, notes: string[]): (id: string) => { before: string; after: string } {
  if (isDirectory(datasetPath(context, 'resized_images', 'original'))) {
    notes.push('images read from resized_images/original/<img_id>.png and resized_images/modified/<img_id>_2.png');
    return (id) => ({ before: `resized_images/original/${id}.png`, after: `resized_images/modified/${id}_2.png` });
  }
  notes.push('images read from resized_images/<img_id>.png and resized_images/<img_id>_2.png (no resized_images/original/ folder)');
  return (id) => ({ before: `resized_images/${id}.png`, after: `resized_images/${id}_2.png` });
}

export const spotTheDiffReader: FormatReader = {
  format: 'spot-the-diff',

  async detect(root) {
    const files = annotationFiles(root);
    if (files.length === 0 || !isDirectory(path.join(root, 'resized_images'))) return undefined;
    return `${files.map((f) => f.relative).join(', ')} and resized_images/`;
  },

  async load(context): Promise<LoadedFormat> {
    const files = annotationFiles(context.root);
    if (files.length === 0)
      context.problems.fatal({
        file: datasetPath(context, 'annotations'),
        reason: 'expected Spot-the-Diff annotations annotations/{train,val,test}.json (or reformat_{train,val,test}.json), found none',
      });
    const notes = ['Spot-the-Diff has no change categories (category "unknown"); each sentence of a pair is one reference'];
    const missing = SPLIT_NAMES.filter(([name]) => !files.some((f) => f.name === name)).map(([name]) => name);
    if (missing.length > 0) notes.push(`no annotations for ${missing.join(', ')}: ${missing.length === 1 ? 'that split is' : 'those splits are'} empty`);
    const layout = imageLayout(context, notes);

    const samples: IdcSample[] = [];
    const seen = new Map<string, string>();
    for (const { name, split, relative } of files) {
      const file = datasetPath(context, relative);
      expectArray(await readJsonFile(file), file, '', 'a list of {img_id, sentences}').forEach((entry, i) => {
        const e = typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? (entry as Record<string, unknown>) : undefined;
        const imgId = e?.img_id;
        if (typeof imgId !== 'string' && !(typeof imgId === 'number' && Number.isInteger(imgId))) {
          const reason = e ? `expected the image id (a string), found ${describe(imgId)}` : `expected an object {img_id, sentences}, found ${describe(entry)}`;
          context.problems.report({ file, field: e ? fieldPath(i, 'img_id') : fieldPath(i), reason, sample: `${name}[${i}]` });
          return;
        }
        const id = String(imgId);
        if (seen.has(id)) {
          // the first listing wins: one pair, one split
          context.problems.report({ file, field: fieldPath(i, 'img_id'), reason: `img_id ${id} is already listed in ${seen.get(id) as string}; kept there` });
          return;
        }
        seen.set(id, relative);
        const at = { file, field: fieldPath(i, 'sentences'), sample: id };
        const references = readReferences((e as Record<string, unknown>).sentences, at, context.problems);
        const paths = layout(id);
        const before = imageFile(context, paths.before, { ...at, field: fieldPath(i, 'img_id') });
        const after = imageFile(context, paths.after, { ...at, field: fieldPath(i, 'img_id') });
        if (references && before && after) samples.push({ id, before, after, references, category: 'unknown', split, resize: 'stack' });
      });
    }
    return { samples, notes };
  },
};
