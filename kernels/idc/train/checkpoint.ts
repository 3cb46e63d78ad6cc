/**
 * Training checkpoints: everything a killed run needs to go on exactly where it stopped.
 * `checkpoint.safetensors` holds the adapter and the optimizer moments; `checkpoint.json`
 * holds the counters (step, epoch, position in the epoch; every random draw is derived from
 * them and the seed), the early-stopping state and the loss log. The JSON is written last and
 * names the tensor file it belongs to, so a crash between the two writes leaves the previous
 * checkpoint whole.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readSafetensors, writeSafetensors, type TensorMap } from '../../platform/safetensors';
import { writeFileAtomic } from '../../platform/atomicWrite';
import type { AdamWState } from './adamw';

export interface TrainingCounters {
  /** Optimizer steps done. */
  step: number;
  epoch: number;
  /** Batches of `epoch` done. */
  batchInEpoch: number;
  bestValidationLoss: number | null;
  bestEpoch: number | null;
  epochsWithoutImprovement: number;
  stopped: boolean;
}

export interface CheckpointState {
  version: 1;
  /** The run's settings, to refuse resuming a different run. */
  fingerprint: string;
  counters: TrainingCounters;
  /** Per-step training losses so far, and per-epoch validation losses. */
  losses: number[];
  validation: Array<{ epoch: number; loss: number }>;
  tensors: string;
}

export interface Checkpoint {
  state: CheckpointState;
  adapter: TensorMap;
  optimizer: AdamWState;
}

const STATE = 'checkpoint.json';

export async function saveCheckpoint(folder: string, checkpoint: Omit<Checkpoint, 'state'> & { state: Omit<CheckpointState, 'tensors'> }): Promise<void> {
  await fs.promises.mkdir(folder, { recursive: true });
  const tensors: TensorMap = new Map();
  for (const [name, t] of checkpoint.adapter) tensors.set(`adapter/${name}`, t);
  for (const [name, { m, v }] of checkpoint.optimizer.moments) {
    const shape = checkpoint.adapter.get(name)?.shape ?? [m.length];
    tensors.set(`adam_m/${name}`, { shape, data: m });
    tensors.set(`adam_v/${name}`, { shape, data: v });
  }
  const name = `checkpoint-${checkpoint.state.counters.step}.safetensors`;
  await writeSafetensors(path.join(folder, name), tensors, { optimizer_step: String(checkpoint.optimizer.step) });
  const previous = await readState(folder).catch(() => undefined);
  await writeFileAtomic(path.join(folder, STATE), `${JSON.stringify({ ...checkpoint.state, tensors: name })}\n`);
  // the old tensor file is no longer named by the state: remove it
  if (previous && previous.tensors !== name) await fs.promises.rm(path.join(folder, previous.tensors), { force: true });
}

async function readState(folder: string): Promise<CheckpointState> {
  const file = path.join(folder, STATE);
  const text = await fs.promises.readFile(file, 'utf8');
  try {
    return JSON.parse(text) as CheckpointState;
  } catch (error) {
    throw new Error(`${file}: expected JSON, found a syntax error (${(error as Error).message})`);
  }
}

/** What a checkpoint says a run has done so far: its steps and the loss log of those steps. */
export interface CheckpointLog {
  step: number;
  losses: number[];
  validation: Array<{ epoch: number; loss: number }>;
}

/**
 * The loss log of the checkpoint in `folder`, or undefined when there is none: what a resumed
 * run has already done, for a display to show before the run's first new step. Only the JSON
 * is read (not the tensors), and the run's settings are not checked: the run itself refuses a
 * checkpoint of other settings when it loads it.
 */
export async function readCheckpointLog(folder: string): Promise<CheckpointLog | undefined> {
  if (!hasCheckpoint(folder)) return undefined;
  const state = await readState(folder);
  return { step: state.counters.step, losses: state.losses, validation: state.validation };
}

export function hasCheckpoint(folder: string): boolean {
  return fs.existsSync(path.join(folder, STATE));
}

export async function loadCheckpoint(folder: string, fingerprint: string): Promise<Checkpoint> {
  const state = await readState(folder);
  const file = path.join(folder, STATE);
  if (state.version !== 1) throw new Error(`${file}: version: expected 1, found ${JSON.stringify(state.version)}`);
  if (state.fingerprint !== fingerprint)
    throw new Error(`${file}: this checkpoint is of another run (its settings differ); use a new folder or delete it to start again`);
  const { tensors, metadata } = await readSafetensors(path.join(folder, state.tensors));
  const adapter: TensorMap = new Map();
  const moments = new Map<string, { m: Float32Array; v: Float32Array }>();
  for (const [name, t] of tensors) {
    if (name.startsWith('adapter/')) adapter.set(name.slice(8), t);
  }
  for (const name of adapter.keys()) {
    const m = tensors.get(`adam_m/${name}`);
    const v = tensors.get(`adam_v/${name}`);
    if (m && v) moments.set(name, { m: m.data, v: v.data });
  }
  return { state, adapter, optimizer: { step: Number(metadata.optimizer_step ?? state.counters.step), moments } };
}
