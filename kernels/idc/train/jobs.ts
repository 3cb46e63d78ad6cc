/**
 * What the ablation runner asks of a worker process, and what comes back. Plain JSON: the
 * messages cross process boundaries (IPC), and results are saved as they are.
 */
import type { LoraModule } from '../model/lora';
import type { BackendName } from './backend';
import type { DataSpec } from './dataSpec';
import type { RunMetrics } from './scoring';

export interface TrainSettings {
  learningRate: number;
  batchSize: number;
  maxEpochs: number;
  patience: number;
  seed: number;
  checkpointEvery: number;
  /** Optimizer steps at most (a time budget); the run stops and is scored there. */
  maxSteps?: number;
}

export interface LoraJob {
  kind: 'lora';
  name: string;
  dir: string;
  base: string;
  data: DataSpec;
  rank: number;
  modules: LoraModule[];
  train: TrainSettings;
  backend: BackendName;
}

export interface ZeroShotJob {
  kind: 'zero-shot';
  name: string;
  dir: string;
  base: string;
  data: DataSpec;
  backend: BackendName;
}

export type Job = LoraJob | ZeroShotJob;

export interface RunRecord {
  name: string;
  rank: number;
  modules: LoraModule[];
  trainable_params: number;
  adapter_bytes: number;
  train_seconds: number;
  steps: number;
  stopped_by: string;
  best_epoch: number | null;
  losses: number[];
  validation: Array<{ epoch: number; loss: number }>;
  metrics: RunMetrics;
  backend: string;
  predictions: Record<string, string>;
}

export interface ZeroShotRecord {
  name: string;
  metrics: RunMetrics;
  backend: string;
  predictions: Record<string, string>;
}

export type WorkerMessage =
  | { type: 'progress'; name: string; step: number; epoch: number; loss: number; seconds: number }
  | { type: 'epoch'; name: string; epoch: number; validationLoss: number }
  | { type: 'done'; name: string; record: RunRecord | ZeroShotRecord }
  | { type: 'failed'; name: string; message: string };
