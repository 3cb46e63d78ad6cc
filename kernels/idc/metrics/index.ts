/**
 * Caption metrics with the COCO caption toolkit's numbers: `scoreCaptions` tokenizes raw
 * captions as the toolkit does and computes BLEU-1..4, ROUGE-L and CIDEr-D; the other
 * functions work on tokenized sets (per category, bootstrap). METEOR is still to come.
 */
export { bleu, bleuStats, corpusBleu, type BleuStats } from './bleu';
export { cider, documentFrequency, type CiderOptions, type DocumentFrequency } from './cider';
export { rougeL, lcsLength } from './rougeL';
export { scoreTokenized, METRIC_NAMES, type MetricName, type MetricValues, type SetScores } from './scoreTokenized';
export { scoreByCategory, subset, type CategoryOptions, type CategoryScores } from './perCategory';
export { bootstrapIntervals, pairedBootstrap, quantile, type BootstrapOptions, type ConfidenceInterval, type PairedComparison } from './bootstrap';
export type { TokenizedSet, MetricScores } from './types';
export { scoreCaptions, tokenizeSet, type CaptionScores, type ScoreOptions, type TokenizedCaptions } from './score';
export { tokenizeCaptions, ptbTokens, type TokenizeMode, type TokenizeResult } from './ptbTokenizer';
export { CaptionInputError, csvCandidates, csvReferences, pairCaptions, parseCaptionCsv, parseCocoResults, parseReferences, parseRefsCandsJson, type CaptionSet } from './inputs';
