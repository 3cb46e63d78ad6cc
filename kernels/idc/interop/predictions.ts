/**
 * Evaluating captions another tool wrote (a real BLIP2IDC run, say) against a dataset opened
 * here: the predictions file in any of the forms of datasets.md (a COCO results list
 * `[{"image_id", "caption"}]`, a plain map `{"<id>": "caption"}`, CSV `id,caption`), joined
 * with the dataset's references and categories, scored per category with bootstrap
 * intervals, and browsed worst first. Ids that match no sample, and samples of the split
 * that have no prediction, are reported and counted, never dropped silently.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Dataset, ImagePairs } from '../data/dataset';
import type { IdcSample, Split } from '../data/types';
import type { MimeBundle } from '../../outputs/mime';
import { categoryChartBundle } from '../display/categoryChart';
import { MIME_BUNDLE, type RichOutput } from '../../outputs/richOutput';
import { CaptionInputError, csvCandidates, parseCocoResults } from '../metrics/inputs';
import { chartPayload, score, type MetricsResult } from '../metrics/results';
import { checkOptions, type OptionKeys } from '../../platform/options';

/** Predictions by id, from the text of a file in one of the three forms (CSV by its extension). */
export function parsePredictions(text: string, file: string): Map<string, string> {
  if (/\.csv$/i.test(file)) return csvCandidates(text, file);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CaptionInputError(
      file,
      '',
      `expected JSON (a list of {"image_id", "caption"} or an object {"<id>": "caption"}) or a .csv file, found a syntax error (${(error as Error).message})`,
    );
  }
  if (Array.isArray(value)) return parseCocoResults(text, file);
  if (typeof value !== 'object' || value === null)
    throw new CaptionInputError(file, '', `expected a list of {"image_id", "caption"} or an object {"<id>": "caption"}, found ${JSON.stringify(value)}`);
  const out = new Map<string, string>();
  for (const [id, caption] of Object.entries(value)) {
    if (typeof caption !== 'string') throw new CaptionInputError(file, JSON.stringify(id), `expected a caption (string), found ${JSON.stringify(caption)}`);
    out.set(id, caption);
  }
  return out;
}

/** The file name without folders and extension: "images/CLEVR_default_000042.png" -> "CLEVR_default_000042". */
const stem = (id: string) => path.basename(id.replace(/\\/g, '/')).replace(/\.[a-z0-9]+$/i, '');

export interface JoinedPredictions {
  /** Samples with a prediction, in the dataset's order, and their captions. */
  samples: IdcSample[];
  captions: Map<string, string>;
  /** Prediction ids that match no sample (or more than one by file name). */
  unmatched: string[];
  /** Samples of the selection without a prediction. */
  missing: string[];
  /** How many predictions matched by file name rather than by the exact id. */
  byFileName: number;
}

/**
 * Joins predictions with `samples`: by the exact sample id, else by file-name stem (an
 * `image_id` such as "CLEVR_default_000042.png" for a sample "CLEVR_default_000042"), when
 * that stem names exactly one sample.
 */
export function joinPredictions(samples: readonly IdcSample[], predictions: ReadonlyMap<string, string>): JoinedPredictions {
  const byId = new Map(samples.map((s) => [s.id, s]));
  const byStem = new Map<string, IdcSample[]>();
  for (const s of samples) byStem.set(stem(s.id), [...(byStem.get(stem(s.id)) ?? []), s]);
  const captions = new Map<string, string>();
  const unmatched: string[] = [];
  let byFileName = 0;
  for (const [id, caption] of predictions) {
    let sample = byId.get(id);
    if (!sample) {
      const candidates = byStem.get(stem(id)) ?? [];
      if (candidates.length === 1) {
        sample = candidates[0];
        byFileName++;
      }
    }
    if (!sample || captions.has(sample.id)) {
      unmatched.push(id);
      continue;
    }
    captions.set(sample.id, caption);
  }
  return {
    samples: samples.filter((s) => captions.has(s.id)),
    captions,
    unmatched,
    missing: samples.filter((s) => !captions.has(s.id)).map((s) => s.id),
    byFileName,
  };
}

export interface PredictionsOptions {
  /** The samples the predictions are for (default: the split most predictions match, else all). */
  split?: Split | 'all';
  /** Bootstrap resamples for the intervals (default 1000; 0 for none). */
  bootstrap?: number;
  seed?: number;
  /** METEOR too (default true; it is the slowest metric). */
  meteor?: boolean;
  /** The series name in charts (default: the file name). */
  name?: string;
}

const list = (ids: readonly string[]) =>
  `${ids
    .slice(0, 5)
    .map((id) => JSON.stringify(id))
    .join(', ')}${ids.length > 5 ? `, ... (${ids.length} in all)` : ''}`;

export class PredictionsEvaluation implements RichOutput {
  constructor(
    readonly file: string,
    readonly dataset: Dataset,
    readonly joined: JoinedPredictions,
    readonly result: MetricsResult,
    readonly split: Split | 'all',
  ) {}

  /** Per-sample CIDEr-D, lowest first. */
  get ranked(): Array<{ id: string; CIDEr: number }> {
    return [...this.result.evaluation.perImage].map(([id, table]) => ({ id, CIDEr: table.CIDEr })).sort((a, b) => a.CIDEr - b.CIDEr || (a.id < b.id ? -1 : 1));
  }

  /** What did not join, in words (also shown with the scores). */
  get notes(): string[] {
    const notes: string[] = [];
    const { unmatched, missing, byFileName } = this.joined;
    if (unmatched.length > 0)
      notes.push(
        `${this.file}: ${unmatched.length} prediction id(s) match no sample of ${this.dataset.label}${this.split === 'all' ? '' : ` (${this.split})`}, left out: ${list(unmatched)}`,
      );
    if (missing.length > 0)
      notes.push(
        `${missing.length} sample(s) of ${this.split === 'all' ? 'the dataset' : `the ${this.split} split`} have no prediction, left out: ${list(missing)}`,
      );
    if (byFileName > 0) notes.push(`${byFileName} prediction id(s) matched a sample by file name, not by the exact id`);
    return notes;
  }

  /** The pairs with prediction, references and per-sample CIDEr-D, worst first (a page of an image-pair output). */
  async worst(options: { take?: number; offset?: number; category?: string } = {}): Promise<ImagePairs> {
    const categoryOf = new Map(this.joined.samples.map((s) => [s.id, s.category]));
    const ranked = this.ranked.filter((r) => options.category === undefined || categoryOf.get(r.id) === options.category);
    const scores = Object.fromEntries(ranked.map((r) => [r.id, { CIDEr: r.CIDEr }]));
    return this.dataset.pairs({
      ids: ranked.map((r) => r.id),
      order: 'ids',
      predictions: Object.fromEntries(this.joined.captions),
      scores,
      take: options.take ?? 12,
      offset: options.offset ?? 0,
    });
  }

  [MIME_BUNDLE](): MimeBundle {
    // the result's chart, with the join's notes first, and its text under a header of what was scored
    const chart = chartPayload({ [this.result.name]: this.result });
    const bundle = categoryChartBundle({ ...chart, notes: [...this.notes, ...chart.notes] });
    const text = this.result[MIME_BUNDLE]()['text/plain'];
    const header = `${this.file}: ${this.joined.samples.length} predictions scored against ${this.dataset.label}`;
    return { ...bundle, 'text/plain': [header, ...this.notes.map((n) => `note: ${n}`), typeof text === 'string' ? text : ''].join('\n') };
  }
}

function chooseSplit(samples: readonly IdcSample[], predictions: ReadonlyMap<string, string>): Split | 'all' {
  let best: Split | 'all' = 'all';
  let bestCount = 0;
  for (const split of ['test', 'validation', 'train'] as const) {
    const count = joinPredictions(
      samples.filter((s) => s.split === split),
      predictions,
    ).samples.length;
    if (count > bestCount) [best, bestCount] = [split, count];
  }
  return best;
}

/** Reads a predictions file, joins it with `dataset` and scores it per category (`idc.interop.predictions`). */
const PREDICTIONS_OPTIONS: OptionKeys<PredictionsOptions> = { split: true, bootstrap: true, seed: true, meteor: true, name: true };

export async function evaluatePredictions(file: string, dataset: Dataset, options: PredictionsOptions = {}): Promise<PredictionsEvaluation> {
  checkOptions('idc.interop.predictions', options, PREDICTIONS_OPTIONS);
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (error) {
    throw new CaptionInputError(file, '', `cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const predictions = parsePredictions(text, file);
  const split = options.split ?? chooseSplit(dataset.samples, predictions);
  const selection = split === 'all' ? dataset.samples : dataset.samples.filter((s) => s.split === split);
  const joined = joinPredictions(selection, predictions);
  if (joined.samples.length === 0)
    throw new CaptionInputError(
      file,
      '',
      `expected predictions for samples of ${dataset.label}${split === 'all' ? '' : ` (${split})`}, found none whose id matches (ids such as ${list([...predictions.keys()])}; samples such as ${list(selection.map((s) => s.id))})`,
    );
  const result = score(
    {
      ids: joined.samples.map((s) => s.id),
      refs: joined.samples.map((s) => s.references),
      cands: joined.samples.map((s) => joined.captions.get(s.id) as string),
    },
    {
      name: options.name ?? path.basename(file),
      categories: Object.fromEntries(joined.samples.map((s) => [s.id, s.category])),
      meteor: options.meteor ?? true,
      ...((options.bootstrap ?? 1000) > 0 ? { bootstrap: { samples: options.bootstrap ?? 1000, seed: options.seed ?? 42 } } : {}),
    },
  );
  return new PredictionsEvaluation(file, dataset, joined, result, split);
}
