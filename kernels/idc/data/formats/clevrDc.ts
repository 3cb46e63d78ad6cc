/**
 * CLEVR-DC (viewpoint-changed CLEVR pairs), under either name of its two index files:
 * - as released (hsgkim/clevr-dc): `captions.json` and `split.json`;
 * - as BLIP2IDC's code reads them: `captions_dc.json` and `split_dc.json`.
 * `captions*.json` is {"<id>": [caption, ...]}; the id (unpadded, "0".."47999") is the sample
 * id, and the pair is `bef/<id>.png` (top) and `aft/<id>.png` (bottom), stacked as they are.
 * `split*.json` is {"train": [int], "val": [int], "test": [int]} (40,800 / 2,400 / 4,800 in the
 * release; val read as validation): positions in the key order of the captions file, as
 * BLIP2IDC's Subset reads them (when the keys run "0", "1", ... in order, a position is the id).
 * No change categories ("unknown").
 */
import fs from 'node:fs';
import path from 'node:path';
import { visit } from 'jsonc-parser';
import type { FormatContext, FormatReader, LoadedFormat } from './format';
import { datasetPath, imageFile } from './imageFiles';
import { describe, expectArray, expectObject, fieldPath, readJsonFile } from '../jsonInput';
import { readReferences } from '../references';
import type { IdcSample, Split } from '../types';

interface Naming {
  captions: string;
  splits: string;
}

/** The released names first: a folder with both is read under those, and a note says so. */
const NAMINGS: readonly Naming[] = [
  { captions: 'captions.json', splits: 'split.json' },
  { captions: 'captions_dc.json', splits: 'split_dc.json' },
];

/** The split file's keys, in the order samples are listed. */
const SPLIT_KEYS: ReadonlyArray<[string, Split]> = [
  ['train', 'train'],
  ['val', 'validation'],
  ['test', 'test'],
];

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The naming of the index files in `root` and the files that show it. "captions.json" is a
 * common name, so the released naming needs split.json or bef/ beside it; BLIP2IDC's own name
 * is enough by itself.
 */
function namingOf(root: string): { naming: Naming; evidence: string } | undefined {
  const has = (name: string) => fs.existsSync(path.join(root, name));
  const complete = NAMINGS.find((n) => has(n.captions) && has(n.splits));
  if (complete) return { naming: complete, evidence: `${complete.captions} and ${complete.splits}` };
  // a captions file alone: detected, so that loading says which split file is missing
  for (const naming of NAMINGS) {
    if (!has(naming.captions)) continue;
    if (naming.captions === 'captions_dc.json') return { naming, evidence: naming.captions };
    if (isDirectory(path.join(root, 'bef'))) return { naming, evidence: `${naming.captions} and bef/` };
  }
  return undefined;
}

/**
 * The top-level keys in the order the file writes them. A JavaScript object lists
 * integer-like keys ("12") first, in numeric order, whatever the file says; the positions
 * of the split file follow the file (Python's dict keeps insertion order), so when there are
 * such keys the order is taken from the text itself. A repeated key keeps its first place,
 * as in Python.
 */
async function keysInFileOrder(file: string, captions: Record<string, unknown>): Promise<string[]> {
  const keys = Object.keys(captions);
  if (!keys.some((k) => /^(0|[1-9]\d*)$/.test(k))) return keys;
  const text = await fs.promises.readFile(file, 'utf8');
  const ordered = new Set<string>();
  visit(text, {
    onObjectProperty: (name, _offset, _length, _line, _column, pathSupplier) => {
      if (pathSupplier().length === 0) ordered.add(name);
    },
  });
  return [...ordered];
}

/** Why a split value does not join a caption key, in words that point at the likely cause. */
function unjoined(value: unknown, keys: readonly string[], captions: Record<string, unknown>, naming: Naming): string {
  const range = `expected a position in the ${keys.length} keys of ${naming.captions} (0 to ${keys.length - 1}), found ${describe(value)}`;
  if (typeof value === 'number' && Number.isInteger(value) && value >= keys.length && String(value) in captions)
    // a split file of the whole release next to a captions file cut down (or the other way round)
    return `${range}; ${naming.captions} has a key "${value}", but split values are positions in its key order, not ids: were the two files trimmed apart?`;
  return range;
}

/** Reads the split file, calling `take` for each position that joins a caption key, in file order. */
async function readSplits(
  context: FormatContext,
  naming: Naming,
  captions: { keys: readonly string[]; values: Record<string, unknown> },
  notes: string[],
  take: (id: string, split: Split) => void,
): Promise<void> {
  const { keys } = captions;
  const file = datasetPath(context, naming.splits);
  const splits = expectObject(await readJsonFile(file), file, '');
  const known = SPLIT_KEYS.map(([key]) => key);
  const ignored = Object.keys(splits).filter((k) => !known.includes(k));
  if (ignored.length > 0) notes.push(`${file}: key(s) ${ignored.map((k) => JSON.stringify(k)).join(', ')} ignored; expected "train", "val" and "test"`);
  const splitOf = new Map<number, string>();
  for (const [key, split] of SPLIT_KEYS) {
    if (splits[key] === undefined && key === 'val') {
      notes.push(`${file} has no "val" list: no validation split`);
      continue;
    }
    expectArray(splits[key], file, key, `a list of positions in ${naming.captions}`).forEach((position, i) => {
      const field = fieldPath(key, i);
      const id = typeof position === 'number' && Number.isInteger(position) ? keys[position] : undefined;
      if (id === undefined) {
        context.problems.report({ file, field, reason: unjoined(position, keys, captions.values, naming) });
        return;
      }
      const first = splitOf.get(position as number);
      if (first !== undefined) {
        // the first listing wins: a pair must not be in two splits
        context.problems.report({ file, field, reason: `position ${position} (${id}) is already in ${first}; kept there` });
        return;
      }
      splitOf.set(position as number, key);
      take(id, split);
    });
  }
  const unsplit = keys.length - splitOf.size;
  if (unsplit > 0) notes.push(`${unsplit} of the ${keys.length} keys of ${naming.captions} are in no split of ${naming.splits}; they are left out`);
}

export const clevrDcReader: FormatReader = {
  format: 'clevr-dc',

  async detect(root) {
    return namingOf(root)?.evidence;
  },

  async load(context): Promise<LoadedFormat> {
    // forced on a folder detection does not recognise: whichever captions file is there
    const naming = namingOf(context.root)?.naming ?? NAMINGS.find((n) => fs.existsSync(datasetPath(context, n.captions)));
    if (!naming)
      return context.problems.fatal({
        file: context.root,
        reason: 'expected CLEVR-DC captions.json and split.json (as released) or captions_dc.json and split_dc.json (as BLIP2IDC names them), found neither',
      });
    const captionsFile = datasetPath(context, naming.captions);
    const captions = expectObject(await readJsonFile(captionsFile), captionsFile, '');
    const keys = await keysInFileOrder(captionsFile, captions);
    const notes = ['CLEVR-DC has no change categories (category "unknown"); "val" is the validation split'];
    const other = NAMINGS.find((n) => n !== naming && fs.existsSync(datasetPath(context, n.captions)));
    if (other) notes.push(`read ${naming.captions} and ${naming.splits}; ${other.captions} is not read`);
    const samples: IdcSample[] = [];
    await readSplits(context, naming, { keys, values: captions }, notes, (id, split) => {
      const at = { file: captionsFile, field: fieldPath(id), sample: id };
      const references = readReferences(captions[id], at, context.problems);
      const before = imageFile(context, `bef/${id}.png`, at);
      const after = imageFile(context, `aft/${id}.png`, at);
      if (references && before && after) samples.push({ id, before, after, references, category: 'unknown', split, resize: 'stack' });
    });
    return { samples, notes };
  },
};
