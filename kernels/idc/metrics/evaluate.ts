/**
 * Everything a user asks of a prediction set in one call: raw captions tokenized as the
 * toolkit does, BLEU-1..4, METEOR, ROUGE-L and CIDEr-D per image and over the corpus, per
 * category (each category scored as a set of its own), and bootstrap intervals. The toolkit's
 * output format (`{"corpus", "per_image", "per_category"}`) comes from `toToolkitJson`.
 */
import { bootstrapIntervals, type BootstrapOptions, type ConfidenceInterval } from './bootstrap';
import type { CiderOptions } from './cider';
import type { CaptionSet } from './inputs';
import { corpusMeteor, meteor, type MeteorOptions, type MeteorStats } from './meteor/index';
import { scoreByCategory, subset } from './perCategory';
import type { TokenizeMode } from './ptbTokenizer';
import { tokenizeSet } from './score';
import { METRIC_NAMES, scoreTokenized, type MetricValues } from './scoreTokenized';
import type { TokenizedSet } from './types';
import { checkOptions, type OptionKeys } from '../../platform/options';

/** The toolkit's metrics, in the order of its output files. */
export const REPORTED_METRICS = ['Bleu_1', 'Bleu_2', 'Bleu_3', 'Bleu_4', 'METEOR', 'ROUGE_L', 'CIDEr'] as const;
export type ReportedMetric = (typeof REPORTED_METRICS)[number];
/** Metric values; METEOR is absent when it was not computed. */
export type MetricTable = MetricValues & { METEOR?: number };

export interface EvaluateOptions {
  /** Tokenizer mode (default 'compat', the toolkit's behaviour). */
  mode?: TokenizeMode;
  cider?: Omit<CiderOptions, 'documentFrequency'>;
  /** METEOR on (default), off, or with options such as a paraphrase table. */
  meteor?: boolean | MeteorOptions;
  /** A category per id: adds per-category scores. */
  categories?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /** Where CIDEr-D's idf comes from for a category: its own images (default) or the whole set. */
  idf?: 'subset' | 'whole';
  /** Bootstrap resamples (a number) or options: adds confidence intervals. */
  bootstrap?: number | BootstrapOptions;
}

export interface CaptionEvaluation {
  ids: readonly string[];
  corpus: MetricTable;
  perImage: Map<string, MetricTable>;
  /** Per category, in order of first appearance; absent without categories. */
  perCategory?: Map<string, MetricTable>;
  /** Bootstrap intervals of the corpus metrics, and of each category's. */
  intervals?: { overall: Partial<Record<ReportedMetric, ConfidenceInterval>>; byCategory: Map<string, Partial<Record<ReportedMetric, ConfidenceInterval>>> };
  /** What the scores used (e.g. METEOR without a paraphrase table): show them with the scores. */
  notes: string[];
  /** Input the toolkit would mishandle (line breaks inside captions). */
  warnings: string[];
  tokenized: TokenizedSet;
  /** Each image's METEOR statistics, when METEOR ran (for paired tests and subsets). */
  meteorStats?: readonly MeteorStats[];
}

function categoryMap(categories: EvaluateOptions['categories']): ReadonlyMap<string, string> | undefined {
  if (categories === undefined) return undefined;
  const map = categories instanceof Map ? categories : new Map(Object.entries(categories));
  for (const [id, category] of map) {
    if (typeof category !== 'string') throw new Error(`categories: id "${id}": expected a category name (string), found ${JSON.stringify(category)}`);
  }
  return map;
}

const withMeteor = (values: MetricValues, meteorValue: number | undefined): MetricTable => {
  const table: MetricTable = { ...values };
  if (meteorValue !== undefined) table.METEOR = meteorValue;
  return table;
};

export const EVALUATE_OPTIONS: OptionKeys<EvaluateOptions> = { mode: true, cider: true, meteor: true, categories: true, idf: true, bootstrap: true };

export function evaluateCaptions(set: CaptionSet, options: EvaluateOptions = {}): CaptionEvaluation {
  checkOptions('idc.metrics.evaluateCaptions', options, EVALUATE_OPTIONS);
  const { set: tokenized, warnings } = tokenizeSet(set, options.mode ?? 'compat');
  const cider = options.cider ?? {};
  const categories = categoryMap(options.categories);
  const byCategoryScores = categories ? scoreByCategory(tokenized, categories, { idf: options.idf ?? 'subset', cider }) : undefined;
  const overall = byCategoryScores?.overall ?? scoreTokenized(tokenized, { cider });
  const meteorScores = options.meteor === false ? undefined : meteor(tokenized, options.meteor === true || options.meteor === undefined ? {} : options.meteor);
  const meteorStats: readonly MeteorStats[] | undefined = meteorScores?.stats;
  const index = new Map(tokenized.ids.map((id, i) => [id, i]));

  const perImage = new Map<string, MetricTable>();
  for (const [id, values] of overall.perImage) perImage.set(id, withMeteor(values, meteorScores?.perImage[index.get(id) as number]));
  const evaluation: CaptionEvaluation = {
    ids: tokenized.ids,
    corpus: withMeteor(overall.corpus, meteorScores?.corpus),
    perImage,
    notes: meteorScores ? [meteorScores.note] : [],
    warnings,
    tokenized,
  };
  if (meteorStats) evaluation.meteorStats = meteorStats;

  const imagesOf = (category: string) => tokenized.ids.flatMap((id, i) => (categories?.get(id) === category ? [i] : []));
  if (categories && byCategoryScores) {
    evaluation.perCategory = new Map();
    for (const [category, scores] of byCategoryScores.byCategory) {
      evaluation.perCategory.set(category, withMeteor(scores.corpus, meteorStats ? corpusMeteor(meteorStats, imagesOf(category)) : undefined));
    }
  }

  if (options.bootstrap !== undefined) {
    const bootstrap: BootstrapOptions = typeof options.bootstrap === 'number' ? { samples: options.bootstrap } : options.bootstrap;
    const run = { ...bootstrap, cider };
    const intervals = {
      overall: bootstrapIntervals(tokenized, run, meteorStats) as Partial<Record<ReportedMetric, ConfidenceInterval>>,
      byCategory: new Map<string, Partial<Record<ReportedMetric, ConfidenceInterval>>>(),
    };
    if (categories) {
      for (const category of evaluation.perCategory?.keys() ?? []) {
        const images = imagesOf(category);
        const part = subset(tokenized, (id) => categories.get(id) === category);
        // whole-set idf for a category's intervals when its scores use it
        const partRun = options.idf === 'whole' ? { ...run, cider: { ...cider, documentFrequency: byCategoryScores?.documentFrequency } } : run;
        intervals.byCategory.set(category, bootstrapIntervals(part, partRun, meteorStats ? images.map((i) => meteorStats[i] as MeteorStats) : undefined));
      }
    }
    evaluation.intervals = intervals;
  }
  return evaluation;
}

/** The toolkit's JSON: `{"corpus", "per_image"}` (+ `"per_category"`), METEOR null when not computed. */
export function toToolkitJson(evaluation: CaptionEvaluation): Record<string, unknown> {
  const row = (table: MetricTable) => Object.fromEntries(REPORTED_METRICS.map((m) => [m, m === 'METEOR' ? (table.METEOR ?? null) : table[m]]));
  const json: Record<string, unknown> = {
    corpus: row(evaluation.corpus),
    per_image: Object.fromEntries([...evaluation.perImage].map(([id, table]) => [id, row(table)])),
  };
  if (evaluation.perCategory) json.per_category = Object.fromEntries([...evaluation.perCategory].map(([category, table]) => [category, row(table)]));
  return json;
}

export { METRIC_NAMES };
