/**
 * Syned: generated edits of Emu Edit validation images for training, and the Emu Edit test
 * pairs with 5 references for testing.
 * - `augmented_dataset.json`: [{idx, image, edited_image, instruction, task}], 8 edits per
 *   original (idx = the original's Emu Edit validation idx). Entries naming the same pair are
 *   one sample with several references, in file order (the released file has one entry per
 *   pair; this is how a pair carries more). The sample id is `edited_image` without extension.
 * - `splits.json`: {"train": [idx], "validation": [idx]} over the originals' idx.
 * - Test: `gt_augmented_test_clean.json` ({"<idx> ": [variation, ...]}, trailing space in every
 *   key) and `instructions_with_idx_test_split.txt` (`<idx> <INSTRUCT> <instruction>` per line):
 *   references = the instruction, then its variations. The images and categories come from the
 *   Emu Edit test parquet, joined on idx: the `emuEdit` option, or an `emu_edit/` folder here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { emuEditSample, readEmuEditRows } from './emuEdit';
import type { FormatContext, FormatReader, LoadedFormat } from './format';
import { datasetPath, imageFile } from './imageFiles';
import { checkVariations, describeQuirks, emptyQuirks, quirkTallies } from './synedReferences';
import { DatasetError } from '../problems';
import { describe, expectArray, expectObject, fieldPath, readJsonFile } from '../jsonInput';
import { stratifiedSplit } from '../splits';
import type { DataTally, IdcSample, Split } from '../types';

const AUGMENTED = 'augmented_dataset.json';
const SPLITS = 'splits.json';
const TEST_REFERENCES = 'gt_augmented_test_clean.json';
const TEST_INSTRUCTIONS = 'instructions_with_idx_test_split.txt';

interface TrainPair {
  idx: number;
  sample: IdcSample;
}

async function readAugmented(context: FormatContext): Promise<TrainPair[]> {
  const file = datasetPath(context, AUGMENTED);
  const list = expectArray(await readJsonFile(file), file, '', 'a list of {idx, image, edited_image, instruction, task}');
  const pairs = new Map<string, TrainPair>();
  list.forEach((entry, i) => {
    const at = (name: string) => fieldPath(i, name);
    const e = typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? (entry as Record<string, unknown>) : undefined;
    if (!e) {
      context.problems.report({
        file,
        field: fieldPath(i),
        reason: `expected an object {idx, image, edited_image, instruction, task}, found ${describe(entry)}`,
        sample: `entry ${i}`,
      });
      return;
    }
    const edited = e.edited_image;
    const sampleName = typeof edited === 'string' ? edited.replace(/\\/g, '/').replace(/\.[^./]+$/, '') : `entry ${i}`;
    for (const [name, type] of [
      ['idx', 'number'],
      ['image', 'string'],
      ['edited_image', 'string'],
      ['instruction', 'string'],
      ['task', 'string'],
    ] as const) {
      if (typeof e[name] !== type || (name === 'idx' && !Number.isInteger(e[name]))) {
        context.problems.report({
          file,
          field: at(name),
          reason: `expected ${name === 'idx' ? 'an integer' : 'a string'}, found ${describe(e[name])}`,
          sample: sampleName,
        });
        return;
      }
    }
    const instruction = e.instruction as string;
    const existing = pairs.get(sampleName);
    if (existing) {
      existing.sample.references.push(instruction);
      return;
    }
    const before = imageFile(context, e.image as string, { file, field: at('image'), sample: sampleName });
    const after = imageFile(context, edited as string, { file, field: at('edited_image'), sample: sampleName });
    if (!before || !after) return;
    pairs.set(sampleName, {
      idx: e.idx as number,
      sample: {
        id: sampleName,
        before,
        after,
        references: [instruction],
        category: (e.task as string).trim().toLowerCase(),
        split: 'train',
        resize: 'resize-before',
      },
    });
  });
  // a pair whose every instruction is empty has no reference
  const out: TrainPair[] = [];
  for (const pair of pairs.values()) {
    pair.sample.references = pair.sample.references.filter((r) => r.trim() !== '');
    if (pair.sample.references.length === 0)
      context.problems.report({
        file,
        field: `edited_image ${JSON.stringify(pair.sample.id)}`,
        reason: 'expected a non-empty instruction, found only empty ones',
        sample: pair.sample.id,
      });
    else out.push(pair);
  }
  return out;
}

async function assignTrainSplits(context: FormatContext, pairs: TrainPair[], notes: string[]): Promise<IdcSample[]> {
  const file = datasetPath(context, SPLITS);
  if (!fs.existsSync(file)) {
    const splits = stratifiedSplit(
      pairs,
      { category: (p) => p.sample.category, group: (p) => String(p.idx) },
      { train: 0.85, validation: 0.15, test: 0 },
      context.options.seed,
    );
    pairs.forEach((p, i) => (p.sample.split = splits[i] as Split));
    notes.push(`no ${SPLITS}: originals split into train and validation by category (85/15, seed ${context.options.seed})`);
    return pairs.map((p) => p.sample);
  }
  const top = expectObject(await readJsonFile(file), file, '');
  const splitOf = new Map<number, Split>();
  for (const name of ['train', 'validation'] as const) {
    expectArray(top[name], file, name, 'a list of original idx').forEach((idx, i) => {
      if (typeof idx !== 'number' || !Number.isInteger(idx))
        context.problems.report({ file, field: fieldPath(name, i), reason: `expected an integer idx, found ${describe(idx)}` });
      else if (splitOf.has(idx))
        context.problems.report({
          file,
          field: fieldPath(name, i),
          reason: `idx ${idx} is in both ${splitOf.get(idx) as string} and ${name}; kept in ${splitOf.get(idx) as string}`,
        });
      else splitOf.set(idx, name);
    });
  }
  const out: IdcSample[] = [];
  let left = 0;
  for (const p of pairs) {
    const split = splitOf.get(p.idx);
    if (split === undefined) left++;
    else out.push({ ...p.sample, split });
  }
  if (left > 0) notes.push(`${left} pairs of ${AUGMENTED} have an idx in neither list of ${SPLITS} and are left out`);
  return out;
}

/** The test instructions: `<idx> <INSTRUCT> <instruction>` per line. */
async function readInstructions(context: FormatContext): Promise<Map<number, string>> {
  const file = datasetPath(context, TEST_INSTRUCTIONS);
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (error) {
    throw new DatasetError({ file, reason: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
  }
  const out = new Map<number, string>();
  const lineOf = new Map<number, number>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const m = /^\s*(\d+)(?:\s+(?:<INSTRUCT>\s*)?(.*))?$/.exec(line);
    if (!m) {
      context.problems.report({ file, field: `line ${i + 1}`, reason: `expected "<idx> <INSTRUCT> <instruction>", found ${describe(line)}` });
      return;
    }
    const idx = Number(m[1]);
    const instruction = (m[2] ?? '').trim();
    if (instruction === '') {
      context.problems.report({ file, field: `line ${i + 1}`, reason: `expected an instruction after idx ${idx}, found none`, sample: `test/${idx}` });
      return;
    }
    const first = lineOf.get(idx);
    if (first !== undefined) {
      context.problems.report({ file, field: `line ${i + 1}`, reason: `idx ${idx} appears again (first on line ${first}); the first line is kept` });
      return;
    }
    lineOf.set(idx, i + 1);
    out.set(idx, instruction);
  });
  return out;
}

async function readTest(context: FormatContext, notes: string[], tallies: DataTally[]): Promise<IdcSample[]> {
  const refsFile = datasetPath(context, TEST_REFERENCES);
  if (!fs.existsSync(refsFile)) {
    notes.push(`no ${TEST_REFERENCES}: no test split`);
    return [];
  }
  const variations = expectObject(await readJsonFile(refsFile), refsFile, '');
  const instructions = await readInstructions(context);
  const emuRoot = context.options.emuEdit ?? path.join(context.root, 'emu_edit');
  if (!fs.existsSync(emuRoot)) {
    notes.push(
      `no test split: Syned's test images and categories are the Emu Edit test set's; open with {emuEdit: "<folder of the Emu Edit parquet files>"} (looked for ${emuRoot})`,
    );
    return [];
  }
  const emuRows = new Map((await readEmuEditRows(context, emuRoot)).filter((r) => r.split === 'test').map((r) => [r.idx, r]));
  const quirks = emptyQuirks();
  const samples: IdcSample[] = [];
  const keyOf = new Map<number, string>();
  for (const [key, value] of Object.entries(variations)) {
    const idx = /^\s*(\d+)\s*$/.exec(key)?.[1];
    const sample = `test/${idx ?? key}`;
    if (idx === undefined) {
      context.problems.report({ file: refsFile, field: JSON.stringify(key), reason: 'expected a key "<idx> " (a number)', sample });
      continue;
    }
    const other = keyOf.get(Number(idx));
    if (other !== undefined) {
      // "12" and "12 " are both idx 12: the first key wins, the second is reported, not merged
      context.problems.report({
        file: refsFile,
        field: JSON.stringify(key),
        reason: `idx ${idx} already has the key ${JSON.stringify(other)}; expected one key per idx, this one is left out`,
      });
      continue;
    }
    keyOf.set(Number(idx), key);
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
      context.problems.report({ file: refsFile, field: JSON.stringify(key), reason: `expected a list of variation strings, found ${describe(value)}`, sample });
      continue;
    }
    const instruction = instructions.get(Number(idx));
    if (instruction === undefined) {
      context.problems.report({
        file: datasetPath(context, TEST_INSTRUCTIONS),
        reason: `expected a line for idx ${idx} (it has variations in ${TEST_REFERENCES}), found none`,
        sample,
      });
      continue;
    }
    const row = emuRows.get(Number(idx));
    if (!row) {
      context.problems.report({
        file: emuRoot,
        field: `test idx ${idx}`,
        reason: 'expected an Emu Edit test row with this idx (for the images and the category), found none',
        sample,
      });
      continue;
    }
    const refs = [
      instruction,
      ...checkVariations(value as string[], quirks, context.options.cleanReferences, (index, reason) =>
        context.problems.quirk({ file: refsFile, field: `${JSON.stringify(key)}${index === undefined ? '' : `[${index}]`}`, reason, sample }),
      ),
    ];
    samples.push(emuEditSample(row, 'test', refs));
  }
  notes.push(describeQuirks(quirks, context.options.cleanReferences));
  tallies.push(...quirkTallies(quirks));
  return samples;
}

export const synedReader: FormatReader = {
  format: 'syned',

  async detect(root) {
    const found = [AUGMENTED, TEST_REFERENCES].filter((f) => fs.existsSync(path.join(root, f)));
    return found.length > 0 ? found.join(' and ') : undefined;
  },

  async load(context): Promise<LoadedFormat> {
    const notes: string[] = [];
    const tallies: DataTally[] = [];
    const train = fs.existsSync(datasetPath(context, AUGMENTED)) ? await assignTrainSplits(context, await readAugmented(context), notes) : [];
    if (train.length === 0) notes.push(`no ${AUGMENTED}: no training pairs`);
    return { samples: [...train, ...(await readTest(context, notes, tallies))], notes, tallies };
  },
};
