/**
 * Datasets in a notebook: `open(folder)` reads any of the seven published IDC layouts (the
 * format detected, or forced with `{format}`), `synthetic(...)` generates the embedded default,
 * and `pipeline(...)` turns pairs into model-ready tensors. Every loader returns a `Dataset`
 * whose samples have one type; problems are skipped and reported, or stop the load.
 */
export { open, detectFormats, type OpenOptions } from './open';
export { Dataset, ImagePairs, SummaryOutput, type PairsOptions, type SelectOptions, type SummaryOptions } from './dataset';
export {
  synthetic,
  SyntheticDataset,
  generateSceneCaptions as sceneCaptions,
  EMU_CATEGORIES,
  CLEVR_CATEGORIES,
  classifyChange,
  categoryAccuracy,
  type SyntheticOptions,
  type SceneCaption,
  type SceneCaptionOptions,
} from './synthetic/index';
export { PairPipeline, type PipelineOptions, type PreparedBatch, type BatchOptions } from './images/pairPipeline';
export { CLIP_MEAN, CLIP_STD, denormalize } from './images/normalize';
export { DEFAULT_AUGMENT, type AugmentOptions } from './images/augment';
export { DatasetError, formatProblem } from './problems';
export { stratifiedSplit, DEFAULT_FRACTIONS, type SplitFractions } from './splits';
export {
  FORMAT_LABELS,
  SPLITS,
  type DataProblem,
  type DataTally,
  type DatasetFormat,
  type ErrorPolicy,
  type IdcSample,
  type ImageSource,
  type PairResize,
  type Split,
} from './types';
