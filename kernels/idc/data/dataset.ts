/**
 * A loaded dataset: its samples (one type for every format), what was skipped and why, and
 * the views a notebook wants: `summary()` (counts by split and category, references per pair,
 * image sizes, problems) and `pairs()` (a page of image pairs as an image-pair output).
 */
import pLimit from 'p-limit';
import { ImageDecoder } from './images/decode';
import { ImageBytesReader, ImageError, sourceName } from './images/imageBytes';
import { PairPipeline, type PipelineOptions } from './images/pairPipeline';
import type { RawImage } from '../../platform/rawImage';
import { alignReference } from './images/stack';
import { ProblemLog } from './problems';
import { SeededRandom } from '../../platform/random';
import { summarize, summaryBundle, type DatasetSummary, type SizeCount } from './summary';
import { FORMAT_LABELS, type DataProblem, type DataTally, type DatasetFormat, type IdcSample, type Split } from './types';
import { imagePairBundle, imagePairPayload, type PairView } from '../display/imagePair';
import type { ImagePairPayload } from '../../outputs/contracts';
import type { MimeBundle } from '../../outputs/mime';
import { MIME_BUNDLE, type RichOutput } from '../../outputs/richOutput';
import { checkOptions, type OptionKeys } from '../../platform/options';

export interface SelectOptions {
  split?: Split;
  category?: string;
  ids?: readonly string[];
}

export interface PairsOptions extends SelectOptions {
  /** Pairs on the page (default 12). */
  take?: number;
  /** First pair of the page within the selection (default 0). */
  offset?: number;
  /** Longest side of each image in the output (default 256). */
  maxSide?: number;
  /** Captions to show beside the references, by sample id. */
  predictions?: Readonly<Record<string, string>>;
  /** Per-sample scores to show, by sample id. */
  scores?: Readonly<Record<string, Record<string, number>>>;
  /** The dataset's order (default), or the order of `ids` (for example worst first). */
  order?: 'dataset' | 'ids';
}

export interface SummaryOptions {
  /** Read the size of every image (`all`) or of a seeded sample of pairs (default 100 pairs). */
  sizes?: 'all' | number;
}

const SELECT_OPTIONS: OptionKeys<SelectOptions> = { split: true, category: true, ids: true };
const PAIRS_OPTIONS: OptionKeys<PairsOptions> = { ...SELECT_OPTIONS, take: true, offset: true, maxSide: true, predictions: true, scores: true, order: true };

export class ImagePairs implements RichOutput {
  constructor(
    readonly payload: ImagePairPayload,
    private readonly bundle: MimeBundle,
  ) {}

  [MIME_BUNDLE](): MimeBundle {
    return this.bundle;
  }
}

export class SummaryOutput implements RichOutput {
  constructor(readonly summary: DatasetSummary) {}

  [MIME_BUNDLE](): MimeBundle {
    return summaryBundle(this.summary);
  }
}

export interface DatasetInit {
  format: DatasetFormat;
  /** The folder it was read from (none for generated data). */
  root?: string;
  samples: IdcSample[];
  problems?: ProblemLog;
  notes?: string[];
  /** What the loader counted of the released files' ways (see DataTally). */
  tallies?: DataTally[];
  /** The files that identified the format, when it was detected. */
  detectedFrom?: string;
}

export class Dataset implements RichOutput {
  readonly format: DatasetFormat;
  readonly root: string | undefined;
  readonly samples: readonly IdcSample[];
  readonly notes: readonly string[];
  readonly tallies: readonly DataTally[];
  readonly detectedFrom: string | undefined;
  /** Shared with the pipelines made by `pipeline()`, so images skipped later are counted too. */
  readonly problemLog: ProblemLog;
  private readonly decoder: ImageDecoder;

  constructor(init: DatasetInit) {
    this.format = init.format;
    this.root = init.root;
    this.problemLog = init.problems ?? new ProblemLog();
    this.samples = init.samples;
    this.notes = init.notes ?? [];
    this.tallies = init.tallies ?? [];
    this.detectedFrom = init.detectedFrom;
    this.decoder = new ImageDecoder(undefined, new ImageBytesReader(init.root));
  }

  get label(): string {
    return FORMAT_LABELS[this.format];
  }

  get size(): number {
    return this.samples.length;
  }

  get problems(): readonly DataProblem[] {
    return this.problemLog.all;
  }

  get categories(): string[] {
    return [...new Set(this.samples.map((s) => s.category))].sort();
  }

  split(name: Split): IdcSample[] {
    return this.samples.filter((s) => s.split === name);
  }

  select(options: SelectOptions = {}): IdcSample[] {
    checkOptions('Dataset.select', options, SELECT_OPTIONS);
    return this.selected(options);
  }

  private selected(options: SelectOptions): IdcSample[] {
    const ids = options.ids ? new Set(options.ids) : undefined;
    return this.samples.filter(
      (s) =>
        (options.split === undefined || s.split === options.split) &&
        (options.category === undefined || s.category === options.category) &&
        (!ids || ids.has(s.id)),
    );
  }

  /** A dataset of the samples `keep` accepts (same problems and notes). */
  filter(keep: (sample: IdcSample) => boolean): Dataset {
    return new Dataset({
      format: this.format,
      root: this.root,
      samples: this.samples.filter(keep),
      problems: this.problemLog,
      notes: [...this.notes],
      tallies: [...this.tallies],
      detectedFrom: this.detectedFrom,
    });
  }

  /** An image-pair pipeline over this dataset's images that reports into its problems. */
  pipeline(options: PipelineOptions = {}): PairPipeline {
    return new PairPipeline({ ...(this.root !== undefined ? { root: this.root } : {}), ...options }, this.problemLog);
  }

  async summary(options: SummaryOptions = {}): Promise<SummaryOutput> {
    checkOptions('Dataset.summary', options, { sizes: true });
    const wanted = options.sizes ?? 100;
    const pairs = wanted === 'all' || wanted >= this.samples.length ? [...this.samples] : new SeededRandom(7).shuffled(this.samples).slice(0, wanted);
    const counts = new Map<string, SizeCount>();
    let read = 0;
    const limit = pLimit(8);
    // read concurrently, counted and reported in sample order so the output is the same every time
    const results = await Promise.all(
      pairs.flatMap((s) =>
        [s.before, s.after].map((source) =>
          limit(async () => {
            try {
              return await this.decoder.size(source);
            } catch (error) {
              if (!(error instanceof ImageError)) throw error;
              return { file: error.file, field: error.field, reason: error.reason, sample: s.id };
            }
          }),
        ),
      ),
    );
    for (const r of results) {
      if ('reason' in r) {
        this.problemLog.report(r);
        continue;
      }
      const key = `${r.width}x${r.height}`;
      const entry = counts.get(key) ?? { width: r.width, height: r.height, count: 0 };
      entry.count++;
      counts.set(key, entry);
      read++;
    }
    const sizes = [...counts.values()].sort((a, b) => b.count - a.count || a.width - b.width || a.height - b.height);
    const label = this.root ? `${this.label} (${this.root})` : this.label;
    return new SummaryOutput(summarize(label, this.samples, this.problems, this.notes, sizes, read, this.problemLog.skippedSamples.size, this.tallies));
  }

  /** A page of pairs as an image-pair output (PNG and text fallbacks included). */
  async pairs(options: PairsOptions = {}): Promise<ImagePairs> {
    checkOptions('Dataset.pairs', options, PAIRS_OPTIONS);
    let selection = this.selected(options);
    if (options.order === 'ids' && options.ids) {
      const rank = new Map(options.ids.map((id, i) => [id, i]));
      selection = [...selection].sort((a, b) => (rank.get(a.id) as number) - (rank.get(b.id) as number));
    }
    const offset = options.offset ?? 0;
    const take = options.take ?? 12;
    if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`dataset.pairs: offset: expected a whole number >= 0, found ${offset}`);
    if (!Number.isInteger(take) || take < 1) throw new RangeError(`dataset.pairs: take: expected a whole number >= 1, found ${take}`);
    const page = selection.slice(offset, offset + take);
    const views: PairView[] = [];
    const notes: string[] = [];
    for (const s of page) {
      let before: RawImage;
      let after: RawImage;
      try {
        [before, after] = await Promise.all([this.decoder.decode(s.before), this.decoder.decode(s.after)]);
        before = await alignReference(before, after, s.resize, { before: sourceName(s.before), after: sourceName(s.after) });
      } catch (error) {
        if (!(error instanceof ImageError)) throw error;
        this.problemLog.report({ file: error.file, field: error.field, reason: error.reason, sample: s.id });
        notes.push(`${s.id} not shown: ${error.message}`);
        continue;
      }
      const view: PairView = { id: s.id, before, after, references: s.references, category: s.category, split: s.split };
      const prediction = options.predictions?.[s.id];
      if (prediction !== undefined) view.prediction = prediction;
      const scores = options.scores?.[s.id];
      if (scores !== undefined) view.scores = scores;
      views.push(view);
    }
    const where = [options.split, options.category].filter((x) => x !== undefined).join(', ');
    const info = { title: `${this.label}${where ? ` (${where})` : ''}`, offset, total: selection.length, notes };
    const payload = await imagePairPayload(views, info, options.maxSide);
    return new ImagePairs(payload, await imagePairBundle(views, payload));
  }

  [MIME_BUNDLE](): MimeBundle {
    const bySplit = (['train', 'validation', 'test'] as const)
      .map((s) => [s, this.samples.filter((x) => x.split === s).length] as const)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ');
    const lines = [
      `${this.label}${this.root ? ` at ${this.root}` : ''}${this.detectedFrom ? ` (detected from ${this.detectedFrom})` : ''}: ${this.samples.length} pairs (${bySplit || 'none'})`,
      `categories: ${this.categories.join(', ') || 'none'}`,
      `skipped: ${this.problemLog.skippedSamples.size} pairs, ${this.problems.length} problems reported (dataset.problems)`,
      ...this.notes.map((n) => `note: ${n}`),
    ];
    return { 'text/plain': lines.join('\n') };
  }
}
