/**
 * Caption metrics with the COCO caption toolkit's numbers. So far they take captions
 * already tokenized as the toolkit does (PTB tokens joined by spaces); the PTB tokenizer,
 * METEOR and the input readers are still to come.
 */
export { bleu, bleuStats, corpusBleu, type BleuStats } from './bleu';
export { cider, documentFrequency, type CiderOptions, type DocumentFrequency } from './cider';
export { rougeL, lcsLength } from './rougeL';
export { scoreTokenized, METRIC_NAMES, type MetricName, type MetricValues, type SetScores } from './scoreTokenized';
export { scoreByCategory, subset, type CategoryOptions, type CategoryScores } from './perCategory';
export { bootstrapIntervals, pairedBootstrap, quantile, type BootstrapOptions, type ConfidenceInterval, type PairedComparison } from './bootstrap';
export type { TokenizedSet, MetricScores } from './types';
