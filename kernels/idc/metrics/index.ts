/**
 * Caption metrics with the COCO caption toolkit's numbers. In a notebook: `score(...)` (all
 * metrics, per category, bootstrap intervals; shows itself as a category chart) and
 * `chart(...)` to compare results. Underneath: `evaluateCaptions` on raw captions, and the
 * scorers on tokenized sets (BLEU, ROUGE-L, CIDEr-D, METEOR, per category, bootstrap).
 */
export { bleu, bleuStats, corpusBleu, type BleuStats } from './bleu';
export { cider, documentFrequency, type CiderOptions, type DocumentFrequency } from './cider';
export { rougeL, lcsLength } from './rougeL';
export { scoreTokenized, METRIC_NAMES, type MetricName, type MetricValues, type SetScores } from './scoreTokenized';
export { scoreByCategory, subset, type CategoryOptions, type CategoryScores } from './perCategory';
export {
  bootstrapIntervals,
  pairedBootstrap,
  quantile,
  type BootstrapOptions,
  type ConfidenceInterval,
  type PairedComparison,
  type WithMeteor,
} from './bootstrap';
export type { TokenizedSet, MetricScores } from './types';
export { scoreCaptions, tokenizeSet, type CaptionScores, type ScoreOptions, type TokenizedCaptions } from './score';
export { tokenizeCaptions, ptbTokens, type TokenizeMode, type TokenizeResult } from './ptbTokenizer';
export {
  CaptionInputError,
  csvCandidates,
  csvReferences,
  pairCaptions,
  parseCaptionCsv,
  parseCocoResults,
  parseReferences,
  parseRefsCandsJson,
  type CaptionSet,
} from './inputs';
export {
  evaluateCaptions,
  toToolkitJson,
  REPORTED_METRICS,
  type CaptionEvaluation,
  type EvaluateOptions,
  type MetricTable,
  type ReportedMetric,
} from './evaluate';
export {
  meteor,
  corpusMeteor,
  meteorFromStats,
  METEOR_ENGLISH,
  NO_PARAPHRASE_NOTE,
  ParaphraseTable,
  WordNetSynsets,
  type MeteorOptions,
  type MeteorScores,
  type MeteorParameters,
  type MeteorStats,
} from './meteor/index';
export { score, chart, chartPayload, compare, MetricsResult, type Comparison, type ScoreInput } from './results';
export { readCaptionSet, readCategories } from './readCaptions';
