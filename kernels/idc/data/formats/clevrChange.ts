/**
 * CLEVR-Change (Park et al., "Robust Change Captioning"), the `data/` folder as distributed:
 * - `images/CLEVR_default_XXXXXX.png`: the reference images. `splits.json` holds indices into
 *   their sorted listing (the original loader's `sorted(os.listdir(...))`), so the folder is
 *   listed here too: only names of that pattern count, so a stray file cannot shift them.
 * - `sc_images/CLEVR_semantic_XXXXXX.png` / `nsc_images/CLEVR_nonsemantic_XXXXXX.png`: the
 *   semantic and the distractor partner of the reference with the same number.
 * - `change_captions.json` / `no_change_captions.json`: {"CLEVR_default_XXXXXX.png": [caption]}.
 * - `type_mapping.json`: {"color"|"material"|"move"|"add"|"drop": [image ids]}; the ids are
 *   "XXXXXX.png" in the released file (the original code reads `int(id.split('.')[0])`), so any
 *   id that ends in the number (with or without ".png" or a CLEVR prefix) is accepted.
 * Each split index gives two samples: the semantic pair (id `CLEVR_semantic_XXXXXX`, category
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

const REFERENCE_NAME = /^CLEVR_default_(\d+)\.png$/;
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

/** The reference images' numbers ("000123") in sorted file-name order: the positions splits.json indexes. */
async function listReferences(context: FormatContext, prefix: string, notes: string[]): Promise<string[]> {
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
  const matching = names.filter((n) => REFERENCE_NAME.test(n)).sort();
  if (matching.length < names.length)
    notes.push(
      `${names.length - matching.length} entries of ${folder} are not named CLEVR_default_XXXXXX.png; they are not counted in the sorted listing that splits.json indexes`,
    );
  return matching.map((n) => (REFERENCE_NAME.exec(n) as RegExpExecArray)[1] as string);
}

/** Change type of each reference number, from type_mapping.json (absent: none, with a note). */
async function readTypes(context: FormatContext, prefix: string, numbers: ReadonlySet<number>, notes: string[]): Promise<Map<number, string> | undefined> {
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
      const digits = typeof id === 'number' ? String(id) : typeof id === 'string' ? /(\d+)(?:\.png)?$/.exec(id)?.[1] : undefined;
      const n = digits === undefined ? undefined : Number(digits);
      if (n === undefined || !numbers.has(n)) {
        context.problems.report({
          file,
          field: fieldPath(key, i),
          reason: `expected the id of an image in images/ ("XXXXXX.png"), found ${describe(id)}; ignored`,
        });
      } else if (types.has(n) && types.get(n) !== type) {
        context.problems.report({
          file,
          field: fieldPath(key, i),
          reason: `image ${digits as string} is also of type ${types.get(n) as string}; kept as ${types.get(n) as string}`,
        });
      } else types.set(n, type);
    });
  }
  return types;
}

/** Captions keyed by reference file name; a key with no image in images/ is reported. */
async function readCaptions(
  context: FormatContext,
  prefix: string,
  name: string,
  listed: ReadonlySet<string>,
  idPrefix: string,
): Promise<{ file: string; captions: Record<string, unknown> }> {
  const file = datasetPath(context, prefix, name);
  const captions = expectObject(await readJsonFile(file), file, '');
  for (const key of Object.keys(captions)) {
    if (!listed.has(key)) {
      const digits = REFERENCE_NAME.exec(key)?.[1];
      context.problems.report({
        file,
        field: fieldPath(key),
        reason: `expected a reference image images/${key}, found none in the folder`,
        sample: digits ? `${idPrefix}${digits}` : key,
      });
    }
  }
  return { file, captions };
}

/** The split of each index of splits.json, in list order; bad, repeated and out-of-range indices are reported. */
async function readSplits(context: FormatContext, prefix: string, count: number): Promise<Array<{ index: number; split: Split }>> {
  const file = datasetPath(context, prefix, 'splits.json');
  const top = expectObject(await readJsonFile(file), file, '');
  const splitOf = new Map<number, string>();
  const out: Array<{ index: number; split: Split }> = [];
  for (const [key, split] of SPLIT_KEYS) {
    expectArray(top[key], file, key, 'a list of image indices').forEach((index, i) => {
      const field = fieldPath(key, i);
      if (typeof index !== 'number' || !Number.isInteger(index)) {
        context.problems.report({ file, field, reason: `expected an integer index into the sorted images of images/, found ${describe(index)}` });
      } else if (index < 0 || index >= count) {
        context.problems.report({ file, field, reason: `expected an index into the ${count} sorted images of images/ (0 to ${count - 1}), found ${index}` });
      } else if (splitOf.has(index)) {
        // the first listing wins, as in Syned's splits: the pair must not be in two splits
        context.problems.report({ file, field, reason: `index ${index} is already in ${splitOf.get(index) as string}; kept there` });
      } else {
        splitOf.set(index, key);
        out.push({ index, split });
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
    const numbers = await listReferences(context, prefix, notes);
    const listed = new Set(numbers.map((n) => `CLEVR_default_${n}.png`));
    const change = await readCaptions(context, prefix, 'change_captions.json', listed, 'CLEVR_semantic_');
    const noChange = await readCaptions(context, prefix, 'no_change_captions.json', listed, 'CLEVR_nonsemantic_');
    const types = await readTypes(context, prefix, new Set(numbers.map(Number)), notes);
    const entries = await readSplits(context, prefix, numbers.length);

    const samples: IdcSample[] = [];
    let untyped = 0;
    for (const { index, split } of entries) {
      const digits = numbers[index] as string;
      const key = `CLEVR_default_${digits}.png`;
      const before = `${prefix}images/${key}`;
      const pairs = [
        { id: `CLEVR_semantic_${digits}`, after: `${prefix}sc_images/CLEVR_semantic_${digits}.png`, from: change, category: types?.get(Number(digits)) },
        { id: `CLEVR_nonsemantic_${digits}`, after: `${prefix}nsc_images/CLEVR_nonsemantic_${digits}.png`, from: noChange, category: 'distractor' },
      ];
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
    const unsplit = numbers.length - entries.length;
    if (unsplit > 0) notes.push(`${unsplit} of the ${numbers.length} reference images are in no split of splits.json; they and their partners are left out`);
    if (untyped > 0) notes.push(`${untyped} semantic pairs have no change type in type_mapping.json; their category is "unknown"`);
    notes.push(
      'categories: color, material (the paper\'s "Texture"), move, add, drop for the semantic pairs, "distractor" for the viewpoint/lighting-only pairs',
    );
    return { samples, notes };
  },
};
