/**
 * Caption metrics with the COCO caption toolkit's numbers. So far the scorers take captions
 * already tokenized as the toolkit does (PTB tokens joined by spaces); the PTB tokenizer and
 * METEOR are still to come. The input readers return raw captions.
 */
export { bleu, bleuStats, corpusBleu, type BleuStats } from './bleu';
export { cider, documentFrequency, type CiderOptions, type DocumentFrequency } from './cider';
export { rougeL, lcsLength } from './rougeL';
export { scoreTokenized, METRIC_NAMES, type MetricName, type MetricValues, type SetScores } from './scoreTokenized';
export { scoreByCategory, subset, type CategoryOptions, type CategoryScores } from './perCategory';
export { bootstrapIntervals, pairedBootstrap, quantile, type BootstrapOptions, type ConfidenceInterval, type PairedComparison } from './bootstrap';
export type { TokenizedSet, MetricScores } from './types';
export { CaptionInputError, csvCandidates, csvReferences, pairCaptions, parseCaptionCsv, parseCocoResults, parseReferences, parseRefsCandsJson, type CaptionSet } from './inputs';
