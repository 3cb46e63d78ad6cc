/**
 * The model as cells see it (`idc.model`): `load` opens a Hugging Face BLIP-2 (OPT) folder with
 * an optional PEFT adapter, for forward passes and generation in the cell (TensorFlow.js is
 * imported then, on the first call: the kernel process has none until a cell asks); the memory
 * calculator over BLIP-2 shapes is pure arithmetic. Training and the ablation's decoding run in
 * worker processes (idc.train, idc.viz).
 */
import path from 'node:path';
import type { BackendName } from '../backends/backend';
import { DEFAULT_BACKEND } from '../defaults';
import type { Blip2Model } from './blip2/model';
import { BLIP2_OPT_2_7B, blip2Shape, memoryReportText, memoryRows, type Blip2Shape, type MemoryRows } from './memory';
import { parseBlip2Config } from './blip2/config';
import { miniConfig } from './blip2/miniConfig';
import { LORA_PARTS, type LoraPart } from './blip2/lora';
import type { MimeBundle } from '../../outputs/mime';
import { MIME_BUNDLE, type RichOutput } from '../../outputs/richOutput';
import { checkOptions, type OptionKeys } from '../../platform/options';

export { BLIP2_OPT_2_7B, type Blip2Shape, type MemoryRows, type LoraPart, type Blip2Model };
export type { Blip2Inputs, Blip2ForwardOptions, Blip2Outputs } from './blip2/model';

export interface LoadOptions {
  /** A PEFT LoRA folder (adapter_config.json, adapter_model.safetensors) attached to the model. */
  adapter?: string;
  /** The compute backend (default wasm). */
  backend?: BackendName;
}

const LOAD_OPTIONS: OptionKeys<LoadOptions> = { adapter: true, backend: true };

/**
 * A Hugging Face BLIP-2 (OPT) folder (`config.json` with `model.safetensors` or its shards;
 * float32, float16 or bfloat16) as a model with transformers' names: `model.forward({pixelValues,
 * inputIds, attentionMask}, {outputAttentions, outputHiddenStates})`, `generate(model, ...)` in
 * model/blip2/generate.ts, `model.save(folder)`, `model.saveLora(folder)`.
 */
export async function load(folder: string, options: LoadOptions = {}): Promise<Blip2Model> {
  checkOptions('idc.model.load', options, LOAD_OPTIONS);
  if (typeof folder !== 'string' || folder === '') throw new TypeError('idc.model.load: folder: expected the path of a BLIP-2 folder');
  // required here, not imported above: TensorFlow.js loads when a cell first asks for a model
  const { useBackend } = require('../backends/backend') as typeof import('../backends/backend');
  await useBackend(options.backend ?? DEFAULT_BACKEND);
  const { Blip2Model: Model } = require('./blip2/model') as typeof import('./blip2/model');
  return Model.load(path.resolve(folder), options.adapter !== undefined ? { adapter: path.resolve(options.adapter) } : {});
}

export interface MemoryOptions {
  /**
   * `blip2-opt-2.7b` (the paper's model, the default), `mini` (BLIP2IDC-mini: the shipped
   * base's BLIP-2 config), or a Hugging Face BLIP-2 (OPT) `config.json` as an object.
   */
  model?: 'blip2-opt-2.7b' | 'mini' | Record<string, unknown>;
  ranks?: number[];
  targets?: LoraPart[];
}

const MEMORY_OPTIONS: OptionKeys<MemoryOptions> = { model: true, ranks: true, targets: true };

/** The calculation's rows, shown as the report's text table. */
export class MemoryReport implements RichOutput {
  constructor(
    readonly rows: MemoryRows,
    private readonly text: string,
  ) {}

  [MIME_BUNDLE](): MimeBundle {
    return { 'text/plain': this.text };
  }
}

/**
 * Parameters per module, model size per dtype, training memory with Adam, LoRA trainable
 * parameters and adapter sizes per rank; for BLIP-2 OPT-2.7B beside the paper's table.
 */
export function memory(options: MemoryOptions = {}): MemoryReport {
  checkOptions('idc.model.memory', options, MEMORY_OPTIONS);
  const model = options.model ?? 'blip2-opt-2.7b';
  let shape: Blip2Shape;
  if (model === 'blip2-opt-2.7b') shape = BLIP2_OPT_2_7B;
  else if (model === 'mini') shape = blip2Shape(miniConfig(), 'BLIP2IDC-mini');
  else if (typeof model === 'object' && model !== null && !Array.isArray(model))
    shape = blip2Shape(parseBlip2Config(model, 'idc.model.memory: model'), 'BLIP-2 (config given)');
  else throw new RangeError(`idc.model.memory: model: expected "blip2-opt-2.7b", "mini" or a BLIP-2 config.json object, found ${JSON.stringify(model)}`);
  const ranks = options.ranks ?? [8, 16, 32];
  const targets = options.targets ?? [...LORA_PARTS];
  return new MemoryReport(memoryRows(shape, ranks, targets), memoryReportText(shape, ranks, targets));
}
