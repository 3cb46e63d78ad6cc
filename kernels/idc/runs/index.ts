/**
 * Training in a notebook: `ablation(...)` runs the paper's LoRA rank x module grid in worker
 * processes and scores every run per category beside the zero-shot and constant baselines.
 * The training itself (model, trainer, backends) runs inside the workers.
 */
export { ablation, type AblationOptions } from './ablation';
export { AblationResult, type AblationJson } from './ablationResult';
export type { DataSpec } from '../data/dataSpec';
export type { RunRecord, ZeroShotRecord, TrainSettings } from './jobs';
export { scoreCaptions, mostCommonCaption, type RunMetrics } from './scoring';
export { local, type Executor, type LocalOptions } from './executor';
export { slurm } from './slurm/slurmExecutor';
export type { SlurmOptions } from './slurm/jobScript';
