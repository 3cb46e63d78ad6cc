/**
 * CLEVR-DC (viewpoint-changed CLEVR pairs):
 * - `captions_dc.json`: {"<id>": [caption, ...]}; the id is the sample id.
 * - `bef/<id>.png` (top) and `aft/<id>.png` (bottom), stacked as they are.
 * - `split_dc.json`: {"train": [int], "test": [int]}, positions in the key order of
 *   captions_dc.json. No validation split and no change categories ("unknown").
 */
import fs from 'node:fs';
import path from 'node:path';
import { visit } from 'jsonc-parser';
import type { FormatReader, LoadedFormat } from './format';
import { datasetPath, imageFile } from './imageFiles';
import { describe, expectArray, expectObject, fieldPath, readJsonFile } from '../jsonInput';
import { readReferences } from '../references';
import type { IdcSample } from '../types';

const CAPTIONS = 'captions_dc.json';
const SPLITS = 'split_dc.json';
const SPLIT_KEYS = ['train', 'test'] as const;

/**
 * The top-level keys in the order the file writes them. A JavaScript object lists
 * integer-like keys ("12") first, in numeric order, whatever the file says; the positions
 * of split_dc.json follow the file (Python's dict keeps insertion order), so when there are
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

export const clevrDcReader: FormatReader = {
  format: 'clevr-dc',

  async detect(root) {
    if (!fs.existsSync(path.join(root, CAPTIONS))) return undefined;
    return fs.existsSync(path.join(root, SPLITS)) ? `${CAPTIONS} and ${SPLITS}` : CAPTIONS;
  },

  async load(context): Promise<LoadedFormat> {
    const captionsFile = datasetPath(context, CAPTIONS);
    const captions = expectObject(await readJsonFile(captionsFile), captionsFile, '');
    const keys = await keysInFileOrder(captionsFile, captions);
    const splitsFile = datasetPath(context, SPLITS);
    const splits = expectObject(await readJsonFile(splitsFile), splitsFile, '');
    const notes = ['CLEVR-DC has no validation split (split_dc.json gives train and test) and no change categories (category "unknown")'];
    const ignored = Object.keys(splits).filter((k) => !(SPLIT_KEYS as readonly string[]).includes(k));
    if (ignored.length > 0) notes.push(`${splitsFile}: key(s) ${ignored.map((k) => JSON.stringify(k)).join(', ')} ignored; expected "train" and "test"`);

    const samples: IdcSample[] = [];
    const splitOf = new Map<number, string>();
    for (const split of SPLIT_KEYS) {
      expectArray(splits[split], splitsFile, split, 'a list of positions in captions_dc.json').forEach((position, i) => {
        const field = fieldPath(split, i);
        const id = typeof position === 'number' ? keys[position] : undefined;
        if (typeof position !== 'number' || !Number.isInteger(position) || id === undefined) {
          context.problems.report({
            file: splitsFile,
            field,
            reason: `expected a position in the ${keys.length} keys of ${CAPTIONS} (0 to ${keys.length - 1}), found ${describe(position)}`,
          });
          return;
        }
        if (splitOf.has(position)) {
          // the first listing wins: a pair must not be in two splits
          context.problems.report({
            file: splitsFile,
            field,
            reason: `position ${position} (${id}) is already in ${splitOf.get(position) as string}; kept there`,
          });
          return;
        }
        splitOf.set(position, split);
        const at = { file: captionsFile, field: fieldPath(id), sample: id };
        const references = readReferences(captions[id], at, context.problems);
        const before = imageFile(context, `bef/${id}.png`, at);
        const after = imageFile(context, `aft/${id}.png`, at);
        if (references && before && after) samples.push({ id, before, after, references, category: 'unknown', split, resize: 'stack' });
      });
    }
    const unsplit = keys.length - splitOf.size;
    if (unsplit > 0) notes.push(`${unsplit} of the ${keys.length} keys of ${CAPTIONS} are in no split of ${SPLITS}; they are left out`);
    return { samples, notes };
  },
};
