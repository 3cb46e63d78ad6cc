/** The embedded default data: procedural scenes, edits by category, captions. */
export { synthetic, SyntheticDataset } from './syntheticDataset';
export {
  generateSynthetic,
  generateSceneCaptions,
  resolveSyntheticOptions,
  type SyntheticOptions,
  type SyntheticData,
  type SceneCaption,
  type SceneCaptionOptions,
} from './generate';
export { EMU_CATEGORIES, CLEVR_CATEGORIES, ALL_CATEGORIES, type SyntheticCategory } from './edits';
export { classifyChange, categoryAccuracy } from './categoryClassifier';
