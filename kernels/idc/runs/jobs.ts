/**
 * What the kernel asks of a worker process (ablation runs, the zero-shot baseline, attention
 * maps), and what comes back. Plain JSON: the messages cross process boundaries (IPC), and
 * results are saved as they are.
 */
import type { LoraPart } from '../model/blip2/lora';
import type { BackendName } from '../backends/backend';
import type { DataSpec } from '../data/dataSpec';
import type { RunMetrics } from './scoring';
import type { AttentionPayload } from '../../outputs/contracts';

export interface TrainSettings {
  learningRate: number;
  batchSize: number;
  maxEpochs: number;
  patience: number;
  seed: number;
  checkpointEvery: number;
  /** Optimizer steps at most (a time budget); the run stops and is scored there. */
  maxSteps?: number;
  /** The learning rate over the run (absent: constant). */
  schedule?: 'constant' | 'cosine';
}

export interface LoraJob {
  kind: 'lora';
  name: string;
  dir: string;
  base: string;
  /** What the base folder holds (runFolders.ts), so a run made from another base is not reused. */
  baseFingerprint?: string;
  data: DataSpec;
  rank: number;
  modules: LoraPart[];
  train: TrainSettings;
  backend: BackendName;
}

export interface ZeroShotJob {
  kind: 'zero-shot';
  name: string;
  dir: string;
  base: string;
  baseFingerprint?: string;
  data: DataSpec;
  backend: BackendName;
}

/** Attention maps of one pair, for `idc.viz.attention` (the kernel never loads TensorFlow.js). */
export interface AttentionJob {
  kind: 'attention';
  name: string;
  base: string;
  /** A PEFT LoRA folder (a run's `adapter/`); none for the base alone. */
  adapter?: string;
  data: DataSpec;
  /** The pair (default: the first test pair). */
  sampleId?: string;
  layers?: number[];
  heads?: number[];
  backend: BackendName;
}

export type Job = LoraJob | ZeroShotJob | AttentionJob;

export interface RunRecord {
  name: string;
  rank: number;
  modules: LoraPart[];
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
  /** What generated the test captions (evaluateRun.ts): onnxruntime when installed, else tfjs. */
  caption_engine: string;
  /** Why the test captions did not come from ONNX Runtime, when they did not. */
  caption_fallback?: string;
  predictions: Record<string, string>;
}

export interface ZeroShotRecord {
  name: string;
  metrics: RunMetrics;
  backend: string;
  /** What generated the test captions (evaluateRun.ts): onnxruntime when installed, else tfjs. */
  caption_engine: string;
  /** Why the test captions did not come from ONNX Runtime, when they did not. */
  caption_fallback?: string;
  predictions: Record<string, string>;
}

export interface AttentionRecord {
  name: string;
  /** The attention payload (JSON) and its fallbacks; the PNG as base64 (IPC carries JSON). */
  payload: AttentionPayload;
  png: string;
  text: string;
  backend: string;
}

export type JobRecord = RunRecord | ZeroShotRecord | AttentionRecord;

export type WorkerMessage =
  | { type: 'progress'; name: string; step: number; epoch: number; loss: number; learningRate?: number; seconds: number }
  | { type: 'epoch'; name: string; epoch: number; validationLoss: number }
  | { type: 'done'; name: string; record: JobRecord }
  | { type: 'failed'; name: string; message: string };

/** Lines `idc-lab train` prints for the Slurm executor to read from a task's log. */
export const PROGRESS_PREFIX = 'idc-progress ';
