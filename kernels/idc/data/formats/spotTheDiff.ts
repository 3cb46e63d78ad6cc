/**
 * Spot-the-Diff (Jhamtani and Berg-Kirkpatrick, 2018):
 * - Annotations per split (train, val, test): `annotations/<split>.json` as released, or the
 *   merged copies CLIP4IDC's preprocess/reformat_dataset.py writes, `reformat_<split>.json`
 *   (beside `images/` in its layout, or in `annotations/`); each a list of
 *   {"img_id": "<id>", "sentences": [...]}. The first of these names found for a split is read.
 * - Images: `resized_images/original/<img_id>.png` (top) and `resized_images/modified/<img_id>_2.png`
 *   (bottom), both in `resized_images/` itself, or both in `images/` (CLIP4IDC). The layout is
 *   chosen once for the dataset, in that order of preference.
 * The released files list an img_id once per annotator (train: 9,524 entries for 8,566 ids):
 * the entries of one id in a file are one pair whose references are every entry's sentences in
 * file order, as the published evaluations merge them. Each sentence is one reference. An empty
 * sentence ("", in every split of the release) is left out and reported; a pair with no other
 * sentence has nothing to describe it and is left out. No categories ("unknown"); stacked as
 * they are.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FormatContext, FormatReader, LoadedFormat } from './format';
import { datasetPath, imageFile } from './imageFiles';
import { describe, expectArray, fieldPath, readJsonFile } from '../jsonInput';
import type { IdcSample, Split } from '../types';

const SPLIT_NAMES: ReadonlyArray<[string, Split]> = [
  ['train', 'train'],
  ['val', 'validation'],
  ['test', 'test'],
];
const candidates = (split: string) => [`annotations/${split}.json`, `annotations/reformat_${split}.json`, `reformat_${split}.json`];

interface ImageLayout {
  /** The folder whose presence selects the layout. */
  folder: string;
  before(id: string): string;
  after(id: string): string;
  note: string;
}

const IMAGE_LAYOUTS: readonly ImageLayout[] = [
  {
    folder: 'resized_images/original',
    before: (id) => `resized_images/original/${id}.png`,
    after: (id) => `resized_images/modified/${id}_2.png`,
    note: 'images read from resized_images/original/<img_id>.png and resized_images/modified/<img_id>_2.png',
  },
  {
    folder: 'resized_images',
    before: (id) => `resized_images/${id}.png`,
    after: (id) => `resized_images/${id}_2.png`,
    note: 'images read from resized_images/<img_id>.png and resized_images/<img_id>_2.png (no resized_images/original/ folder)',
  },
  {
    folder: 'images',
    before: (id) => `images/${id}.png`,
    after: (id) => `images/${id}_2.png`,
    note: "images read from images/<img_id>.png and images/<img_id>_2.png (CLIP4IDC's layout; no resized_images/ folder)",
  },
];

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

function imageLayout(root: string): ImageLayout | undefined {
  return IMAGE_LAYOUTS.find((l) => isDirectory(path.join(root, l.folder)));
}

/** The pairs read so far, by img_id, in the order their first entries come. */
interface Pair {
  sample: IdcSample;
  /** The annotation file (relative) that listed it first: one pair, one split. */
  relative: string;
}

/** A sentence that holds no word: "" (or only spaces). */
const isEmpty = (sentence: string) => sentence.trim() === '';

/**
 * The img_ids of `entries` that have at least one sentence with a word in some entry: an entry
 * without one then leaves its pair the other entries' sentences, instead of leaving it empty.
 */
function idsWithWords(entries: readonly unknown[]): Set<string> {
  const ids = new Set<string>();
  for (const entry of entries) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) continue;
    const { img_id: imgId, sentences } = entry as Record<string, unknown>;
    const list = typeof sentences === 'string' ? [sentences] : sentences;
    if (Array.isArray(list) && list.some((s) => typeof s === 'string' && !isEmpty(s))) ids.add(String(imgId));
  }
  return ids;
}

class SplitFileReader {
  /** Entries whose img_id repeats one listed earlier in the same file (one entry per annotator). */
  merged = 0;

  constructor(
    private readonly context: FormatContext,
    private readonly layout: ImageLayout,
    private readonly pairs: Map<string, Pair>,
  ) {}

  async read(name: string, split: Split, relative: string): Promise<void> {
    const file = datasetPath(this.context, relative);
    const entries = expectArray(await readJsonFile(file), file, '', 'a list of {img_id, sentences}');
    const withWords = idsWithWords(entries);
    const wordless = new Set<string>();
    entries.forEach((entry, i) => {
      const e = typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? (entry as Record<string, unknown>) : undefined;
      const imgId = e?.img_id;
      if (!e || (typeof imgId !== 'string' && !(typeof imgId === 'number' && Number.isInteger(imgId)))) {
        const reason = e ? `expected the image id (a string), found ${describe(imgId)}` : `expected an object {img_id, sentences}, found ${describe(entry)}`;
        this.context.problems.report({ file, field: e ? fieldPath(i, 'img_id') : fieldPath(i), reason, sample: `${name}[${i}]` });
        return;
      }
      const id = String(imgId);
      const pair = this.pairOf(id, split, relative, { file, field: fieldPath(i, 'img_id') });
      if (!pair) return;
      const at = { file, field: fieldPath(i, 'sentences'), sample: id, hasWords: withWords.has(id) };
      const sentences = this.sentences(e.sentences, at);
      if (!sentences) return;
      const empty = sentences.filter((s) => isEmpty(s.text));
      pair.sample.references.push(...sentences.filter((s) => !isEmpty(s.text)).map((s) => s.text));
      if (at.hasWords) {
        for (const s of empty)
          this.context.problems.quirk({
            file,
            field: s.field,
            reason: `an empty sentence (${JSON.stringify(s.text)}); left out of the references`,
            sample: id,
          });
      } else if (empty.length > 0 && !wordless.has(id)) {
        wordless.add(id);
        this.context.problems.leftOut({
          file,
          field: at.field,
          reason: `every sentence of img_id ${id} is empty (${empty.map((s) => JSON.stringify(s.text)).join(', ')}); the pair has no reference and is left out`,
          sample: id,
        });
      }
    });
  }

  /** The pair of `id`, new or (listed before in this file) to merge into; undefined when another file has it. */
  private pairOf(id: string, split: Split, relative: string, at: { file: string; field: string }): Pair | undefined {
    const pair = this.pairs.get(id);
    if (pair && pair.relative !== relative) {
      // the first listing wins: one pair, one split
      this.context.problems.report({ ...at, reason: `img_id ${id} is already listed in ${pair.relative}; kept there` });
      return undefined;
    }
    if (pair) {
      this.merged++;
      return pair;
    }
    const paths = { before: this.layout.before(id), after: this.layout.after(id) };
    const where = { ...at, sample: id };
    const before = imageFile(this.context, paths.before, where);
    const after = imageFile(this.context, paths.after, where);
    if (!before || !after) return undefined;
    const created: Pair = { sample: { id, before, after, references: [], category: 'unknown', split, resize: 'stack' }, relative };
    this.pairs.set(id, created);
    return created;
  }

  /**
   * The strings of one entry's sentences, each with its field; values that are not strings
   * are reported and left out. A list that is missing or empty is reported, and skips the pair
   * unless another entry of the file gives it a sentence.
   */
  private sentences(
    value: unknown,
    at: { file: string; field: string; sample: string; hasWords: boolean },
  ): Array<{ text: string; field: string }> | undefined {
    const list = typeof value === 'string' ? [value] : value;
    const sample = at.hasWords ? {} : { sample: at.sample };
    if (!Array.isArray(list) || list.length === 0) {
      const reason = Array.isArray(list)
        ? 'expected at least one reference caption, found an empty list'
        : `expected a list of sentences, found ${describe(list)}`;
      this.context.problems.report({ file: at.file, field: at.field, reason, ...sample });
      return undefined;
    }
    const out: Array<{ text: string; field: string }> = [];
    list.forEach((s, j) => {
      const field = `${at.field}[${j}]`;
      if (typeof s === 'string') out.push({ text: s, field });
      else this.context.problems.report({ file: at.file, field, reason: `expected a reference caption (string), found ${describe(s)}; left out` });
    });
    return out;
  }
}

export const spotTheDiffReader: FormatReader = {
  format: 'spot-the-diff',

  async detect(root) {
    const files = annotationFiles(root);
    const layout = imageLayout(root);
    if (files.length === 0 || !layout) return undefined;
    return `${files.map((f) => f.relative).join(', ')} and ${layout.folder.split('/')[0]}/`;
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
    // without an image folder the names are still the released layout's, and reported missing
    const layout = imageLayout(context.root) ?? (IMAGE_LAYOUTS[0] as ImageLayout);
    notes.push(layout.note);

    const pairs = new Map<string, Pair>();
    const reader = new SplitFileReader(context, layout, pairs);
    for (const { name, split, relative } of files) await reader.read(name, split, relative);
    const samples = [...pairs.values()].map((p) => p.sample);
    for (const s of samples) {
      if (s.references.length > 0 || context.problems.isSkipped(s.id)) continue;
      // every entry of the pair lost its sentences to problems reported without the pair
      const relative = (pairs.get(s.id) as Pair).relative;
      context.problems.report({
        file: datasetPath(context, relative),
        field: `img_id ${s.id}`,
        reason: 'expected a sentence for the pair, found none that is a string',
        sample: s.id,
      });
    }
    if (reader.merged > 0)
      notes.push(
        `${reader.merged} entries repeat an img_id listed earlier in their file (one entry per annotator); merged into that pair's references, in file order`,
      );
    return {
      samples: samples.filter((s) => s.references.length > 0),
      notes,
      tallies: reader.merged > 0 ? [{ what: 'repeated img_id entries merged into their pairs (one per annotator)', count: reader.merged }] : [],
    };
  },
};
