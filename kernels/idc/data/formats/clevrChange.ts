/**
 * CLEVR-Change (Park et al., "Robust Change Captioning"), the `data/` folder as distributed:
 * - `images/CLEVR_default_XXXXXX.png`: the reference images.
 * - `sc_images/CLEVR_semantic_XXXXXX.png` / `nsc_images/CLEVR_nonsemantic_XXXXXX.png`: the
 *   semantic and the distractor partner of the reference with the same number.
 * - `change_captions.json` / `no_change_captions.json`: {"CLEVR_default_XXXXXX.png": [caption]}.
 * - `splits.json`: {"train": [int], "val": [int], "test": [int]}, image NUMBERS (0 to 39999 in
 *   the release, 39,803 of them; the 197 others have no image). They are joined by name,
 *   `CLEVR_default_%06d.png`, as CLIP4IDC's loader reads them. The original loader takes them
 *   as positions in the sorted images/ folder, which is the same only when all 40,000 images
 *   are there; by name, a partial folder still reads the right images, and a number whose
 *   image is not there is reported with the image's name.
 * - `type_mapping.json`: {"color"|"material"|"move"|"add"|"drop": [image ids]}; the ids are
 *   "XXXXXX.png" in the released file (the original code reads `int(id.split('.')[0])`), so any
 *   id that ends in the number (with or without ".png" or a CLEVR prefix) is accepted.
 * Each split number gives two samples: the semantic pair (id `CLEVR_semantic_XXXXXX`, category
 * from type_mapping.json) and its distractor (id `CLEVR_nonsemantic_XXXXXX`, "distractor").
 * The folder given may be `data/` itself or the folder that holds it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FormatContext, FormatReader, LoadedFormat } from './format';
import { datasetPath, imageFile } from './imageFiles';
import { describe, expectArray, expectObject, fieldPath, readJsonFile } from '../jsonInput';
import { readReferences } from '../references';
import type { IdcSample, Split } from '../types';

const REFERENCE_NAME = /^CLEVR_default_\d+\.png$/;
const CHANGE_TYPES = ['color', 'material', 'move', 'add', 'drop'];
/** splits.json's keys, in the order samples are listed. */
const SPLIT_KEYS: ReadonlyArray<[string, Split]> = [
  ['train', 'train'],
  ['val', 'validation'],
  ['test', 'test'],
];

/** '' when `root` is the `data/` folder itself, 'data/' when it holds one. */
function prefixOf(root: string): string | undefined {
  for (const prefix of ['', 'data/']) {
    if (fs.existsSync(path.join(root, prefix, 'change_captions.json')) && isDirectory(path.join(root, prefix, 'images'))) return prefix;
  }
  return undefined;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The names of the reference images in images/ (one listing of the folder, no per-image work). */
async function listReferences(context: FormatContext, prefix: string): Promise<Set<string>> {
  const folder = datasetPath(context, prefix, 'images');
  let names: string[];
  try {
    names = await fs.promises.readdir(folder);
  } catch (error) {
    context.problems.fatal({
      file: folder,
      reason: `expected the folder of reference images CLEVR_default_XXXXXX.png, cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    });
  }
  return new Set(names.filter((n) => REFERENCE_NAME.test(n)));
}

/** The six-digit form of an image number, as the file names write it (%06d). */
const digitsOf = (n: number) => String(n).padStart(6, '0');

/** Change type of each image number, from type_mapping.json (absent: none, with a note). */
async function readTypes(context: FormatContext, prefix: string, notes: string[]): Promise<Map<number, string> | undefined> {
  const file = datasetPath(context, prefix, 'type_mapping.json');
  if (!fs.existsSync(file)) {
    notes.push(`no ${file}: the semantic pairs have category "unknown"`);
    return undefined;
  }
  const top = expectObject(await readJsonFile(file), file, '');
  const types = new Map<number, string>();
  for (const [key, value] of Object.entries(top)) {
    const type = key.trim().toLowerCase();
    if (!CHANGE_TYPES.includes(type)) {
      context.problems.report({ file, field: fieldPath(key), reason: `unknown change type; expected one of ${CHANGE_TYPES.join(', ')}; its ids are ignored` });
      continue;
    }
    expectArray(value, file, fieldPath(key), 'a list of image ids').forEach((id, i) => {
      const digits = typeof id === 'number' && Number.isInteger(id) ? String(id) : typeof id === 'string' ? /(\d+)(?:\.png)?$/.exec(id)?.[1] : undefined;
      if (digits === undefined) {
        context.problems.report({ file, field: fieldPath(key, i), reason: `expected an image id ("XXXXXX.png"), found ${describe(id)}; ignored` });
        return;
      }
      const n = Number(digits);
      const other = types.get(n);
      if (other !== undefined && other !== type) {
        context.problems.report({ file, field: fieldPath(key, i), reason: `image ${digits} is also of type ${other}; kept as ${other}` });
      } else types.set(n, type);
    });
  }
  return types;
}

async function readCaptions(context: FormatContext, prefix: string, name: string): Promise<{ file: string; captions: Record<string, unknown> }> {
  const file = datasetPath(context, prefix, name);
  return { file, captions: expectObject(await readJsonFile(file), file, '') };
}

/** The split of each number of splits.json, in list order; bad and repeated values are reported. */
async function readSplits(context: FormatContext, prefix: string): Promise<Array<{ number: number; split: Split; file: string; field: string }>> {
  const file = datasetPath(context, prefix, 'splits.json');
  const top = expectObject(await readJsonFile(file), file, '');
  const splitOf = new Map<number, string>();
  const out: Array<{ number: number; split: Split; file: string; field: string }> = [];
  for (const [key, split] of SPLIT_KEYS) {
    expectArray(top[key], file, key, 'a list of image numbers').forEach((value, i) => {
      const field = fieldPath(key, i);
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
        context.problems.report({
          file,
          field,
          reason: `expected an image number (an integer >= 0, the XXXXXX of CLEVR_default_XXXXXX.png), found ${describe(value)}`,
        });
      } else if (splitOf.has(value)) {
        // the first listing wins, as in Syned's splits: the pair must not be in two splits
        context.problems.report({ file, field, reason: `image number ${value} is already in ${splitOf.get(value) as string}; kept there` });
      } else {
        splitOf.set(value, key);
        out.push({ number: value, split, file, field });
      }
    });
  }
  return out;
}

export const clevrChangeReader: FormatReader = {
  format: 'clevr-change',

  async detect(root) {
    const prefix = prefixOf(root);
    return prefix === undefined ? undefined : `${prefix}change_captions.json and ${prefix}images/`;
  },

  async load(context): Promise<LoadedFormat> {
    const prefix = prefixOf(context.root) ?? '';
    const notes: string[] = [];
    const present = await listReferences(context, prefix);
    const change = await readCaptions(context, prefix, 'change_captions.json');
    const noChange = await readCaptions(context, prefix, 'no_change_captions.json');
    const types = await readTypes(context, prefix, notes);
    const entries = await readSplits(context, prefix);

    const samples: IdcSample[] = [];
    let untyped = 0;
    for (const { number, split, file, field } of entries) {
      const digits = digitsOf(number);
      const key = `CLEVR_default_${digits}.png`;
      const before = `${prefix}images/${key}`;
      const pairs = [
        { id: `CLEVR_semantic_${digits}`, after: `${prefix}sc_images/CLEVR_semantic_${digits}.png`, from: change, category: types?.get(number) },
        { id: `CLEVR_nonsemantic_${digits}`, after: `${prefix}nsc_images/CLEVR_nonsemantic_${digits}.png`, from: noChange, category: 'distractor' },
      ];
      if (!present.has(key)) {
        for (const pair of pairs)
          context.problems.report({
            file,
            field,
            reason: `expected the reference image ${before} of image number ${number}, found none in the folder`,
            sample: pair.id,
          });
        continue;
      }
      for (const pair of pairs) {
        const at = { file: pair.from.file, field: fieldPath(key), sample: pair.id };
        if (!(key in pair.from.captions)) {
          context.problems.report({ ...at, reason: `expected the captions of ${key} (it is in splits.json), found none` });
          continue;
        }
        const references = readReferences(pair.from.captions[key], at, context.problems);
        const beforeImage = imageFile(context, before, at);
        const afterImage = imageFile(context, pair.after, at);
        if (!references || !beforeImage || !afterImage) continue;
        if (pair.category === undefined && types) untyped++;
        samples.push({ id: pair.id, before: beforeImage, after: afterImage, references, category: pair.category ?? 'unknown', split, resize: 'stack' });
      }
    }
    const split = new Set(entries.map((e) => `CLEVR_default_${digitsOf(e.number)}.png`));
    const unsplit = [...present].filter((name) => !split.has(name)).length;
    if (unsplit > 0) notes.push(`${unsplit} of the ${present.size} reference images are in no split of splits.json; they and their partners are left out`);
    if (untyped > 0) notes.push(`${untyped} semantic pairs have no change type in type_mapping.json; their category is "unknown"`);
    notes.push(
      'categories: color, material (the paper\'s "Texture"), move, add, drop for the semantic pairs, "distractor" for the viewpoint/lighting-only pairs',
    );
    return { samples, notes };
  },
};
