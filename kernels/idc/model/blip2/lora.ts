/**
 * LoRA as PEFT applies it to BLIP-2: a Linear W (out x in) whose module name PEFT's rule picks
 * from `target_modules` computes y = W x + b + (alpha / r) * B (A dropout(x)), A [r, in] and
 * B [out, r]. PEFT's rule: a string is a regular expression the whole module name must match;
 * a list matches a module named exactly as an entry, or ending in "." + an entry (so BLIP2IDC's
 * `key` and `value` hit the Q-Former's self- and cross-attention alike). Adapters are read and
 * written in PEFT's layout (`adapter_config.json`, `adapter_model.safetensors` with keys
 * `base_model.model.<module>.lora_A.weight`), so one saved by PEFT loads here and back.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expectObject, JsonFileError, readJsonFile } from '../../../platform/jsonFile';
import { readSafetensors, type NamedTensor, type TensorMap } from '../../../platform/safetensors';
import { SeededRandom } from '../../../platform/random';
import { uniformValues } from '../init';
import type { Blip2Config } from './config';
import { LM_HEAD, parameterShapes } from './parameters';

export const ADAPTER_CONFIG_FILE = 'adapter_config.json';
export const ADAPTER_WEIGHTS_FILE = 'adapter_model.safetensors';
const KEY_PREFIX = 'base_model.model.';

export interface LoraConfig {
  r: number;
  loraAlpha: number;
  loraDropout: number;
  /** PEFT's `target_modules`: a regular expression, or names and name suffixes. */
  targetModules: string | readonly string[];
}

/** The module names of every Linear of the model, in model order (the names LoRA can target). */
export function linearModules(config: Blip2Config): string[] {
  const out: string[] = [];
  for (const [name, shape] of parameterShapes(config)) {
    if (shape.length !== 2 || !name.endsWith('.weight') || name.includes('embed_tokens') || name.includes('embed_positions') || name === LM_HEAD) continue;
    out.push(name.slice(0, -'.weight'.length));
  }
  return out;
}

/** PEFT's `check_target_module_exists` over `modules`. */
export function targetedModules(targetModules: string | readonly string[], modules: readonly string[]): string[] {
  if (typeof targetModules === 'string') {
    const re = new RegExp(`^(?:${targetModules})$`);
    return modules.filter((m) => re.test(m));
  }
  return modules.filter((m) => targetModules.some((t) => m === t || m.endsWith(`.${t}`)));
}

/** [in, out] sizes of a Linear module, from the config. */
export function linearSize(config: Blip2Config, module: string): { inputs: number; outputs: number } {
  const shape = parameterShapes(config).get(`${module}.weight`);
  if (shape?.length !== 2) throw new Error(`no Linear named ${module} in this BLIP-2 config`);
  return { inputs: shape[1] as number, outputs: shape[0] as number };
}

export const loraKey = (module: string, part: 'A' | 'B') => `${KEY_PREFIX}${module}.lora_${part}.weight`;

/** Reads and checks `adapter_config.json`: a LoRA adapter PEFT can have written for this architecture. */
export function parseLoraConfig(json: unknown, file: string): LoraConfig {
  const c = expectObject(json, file, '');
  if (c.peft_type !== 'LORA') throw new JsonFileError(file, 'peft_type', `expected "LORA", found ${JSON.stringify(c.peft_type)}`);
  const r = c.r;
  if (typeof r !== 'number' || !Number.isInteger(r) || r <= 0) throw new JsonFileError(file, 'r', `expected a positive integer, found ${JSON.stringify(r)}`);
  const alpha = c.lora_alpha ?? 8;
  if (typeof alpha !== 'number' || !(alpha > 0)) throw new JsonFileError(file, 'lora_alpha', `expected a positive number, found ${JSON.stringify(alpha)}`);
  const dropout = c.lora_dropout ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1))
    throw new JsonFileError(file, 'lora_dropout', `expected a number in [0, 1), found ${JSON.stringify(dropout)}`);
  const targets = c.target_modules;
  if (!(typeof targets === 'string' || (Array.isArray(targets) && targets.length > 0 && targets.every((t) => typeof t === 'string'))))
    throw new JsonFileError(file, 'target_modules', `expected module names or a regular expression, found ${JSON.stringify(targets)}`);
  // settings that change what the adapter computes, which this implementation does not: refused, not ignored
  const unsupported: Array<[string, unknown, unknown]> = [
    ['bias', c.bias ?? 'none', 'none'],
    ['fan_in_fan_out', c.fan_in_fan_out ?? false, false],
    ['use_rslora', c.use_rslora ?? false, false],
    ['use_dora', c.use_dora ?? false, false],
    ['layers_to_transform', c.layers_to_transform ?? null, null],
    ['modules_to_save', c.modules_to_save ?? null, null],
  ];
  for (const [field, value, expected] of unsupported) {
    if (JSON.stringify(value) !== JSON.stringify(expected))
      throw new JsonFileError(file, field, `expected ${JSON.stringify(expected)}, found ${JSON.stringify(value)}`);
  }
  for (const field of ['rank_pattern', 'alpha_pattern']) {
    const value = c[field] ?? {};
    if (typeof value !== 'object' || value === null || Object.keys(value).length > 0)
      throw new JsonFileError(file, field, `expected {} (one rank and alpha for every module), found ${JSON.stringify(value)}`);
  }
  return { r, loraAlpha: alpha, loraDropout: dropout, targetModules: targets as string | string[] };
}

export interface LoraAdapter {
  config: LoraConfig;
  /** PEFT's keys and layout: lora_A [r, in], lora_B [out, r]. */
  tensors: TensorMap;
}

/** A PEFT LoRA folder for a model of `modelConfig`; every targeted module's A and B checked by name and shape. */
export async function readLoraFolder(folder: string, modelConfig: Blip2Config): Promise<LoraAdapter> {
  const configFile = path.join(folder, ADAPTER_CONFIG_FILE);
  const config = parseLoraConfig(await readJsonFile(configFile), configFile);
  const weightsFile = path.join(folder, ADAPTER_WEIGHTS_FILE);
  if (!fs.existsSync(weightsFile)) throw new JsonFileError(folder, undefined, `expected ${ADAPTER_WEIGHTS_FILE} beside ${ADAPTER_CONFIG_FILE}, found none`);
  const { tensors } = await readSafetensors(weightsFile);
  const modules = targetedModules(config.targetModules, linearModules(modelConfig));
  if (modules.length === 0)
    throw new JsonFileError(
      configFile,
      'target_modules',
      `expected names of this model's Linear layers, found none among ${JSON.stringify(config.targetModules)}`,
    );
  const expected = new Map<string, number[]>();
  for (const m of modules) {
    const { inputs, outputs } = linearSize(modelConfig, m);
    expected.set(loraKey(m, 'A'), [config.r, inputs]);
    expected.set(loraKey(m, 'B'), [outputs, config.r]);
  }
  const out: TensorMap = new Map();
  for (const [key, shape] of expected) {
    const t: NamedTensor | undefined = tensors.get(key);
    if (!t) throw new JsonFileError(weightsFile, key, `expected a tensor of shape [${shape.join(', ')}] for a targeted module, found none`);
    if (t.shape.join('x') !== shape.join('x')) throw new JsonFileError(weightsFile, key, `expected shape [${shape.join(', ')}], found [${t.shape.join(', ')}]`);
    out.set(key, t);
  }
  for (const key of tensors.keys())
    if (!expected.has(key)) throw new JsonFileError(weightsFile, key, 'not a LoRA tensor of a module target_modules picks in this model');
  return { config, tensors: out };
}

/** adapter_config.json as PEFT v0.10 writes it for a LoRA adapter of Blip2ForConditionalGeneration. */
export function peftAdapterConfig(config: LoraConfig, baseModel: string | null): Record<string, unknown> {
  return {
    alpha_pattern: {},
    auto_mapping: { base_model_class: 'Blip2ForConditionalGeneration', parent_library: 'transformers.models.blip_2.modeling_blip_2' },
    base_model_name_or_path: baseModel,
    bias: 'none',
    fan_in_fan_out: false,
    inference_mode: true,
    init_lora_weights: true,
    layer_replication: null,
    layers_pattern: null,
    layers_to_transform: null,
    loftq_config: {},
    lora_alpha: config.loraAlpha,
    lora_dropout: config.loraDropout,
    megatron_config: null,
    megatron_core: 'megatron.core',
    modules_to_save: null,
    peft_type: 'LORA',
    r: config.r,
    rank_pattern: {},
    revision: null,
    target_modules: typeof config.targetModules === 'string' ? config.targetModules : [...config.targetModules],
    task_type: null,
    use_dora: false,
    use_rslora: false,
  };
}

/** The parts of the model an ablation adapts. */
export const LORA_PARTS = ['vit', 'qformer', 'llm'] as const;
export type LoraPart = (typeof LORA_PARTS)[number];

/** A run's LoRA settings as the ablation and the trainer take them. */
export interface LoraSettings {
  rank: number;
  parts: readonly LoraPart[];
  /** Default 2 * rank, as in the paper. */
  alpha?: number;
  /** Default 0.05, as in the paper. */
  dropout?: number;
}

/** The one check of LoRA settings, with their defaults filled in. */
export function validateLoraSettings(settings: LoraSettings): Required<LoraSettings> {
  const { rank, parts } = settings;
  if (!Number.isInteger(rank) || rank <= 0) throw new RangeError(`lora: rank: expected a positive integer, found ${JSON.stringify(rank)}`);
  if (!Array.isArray(parts) || parts.length === 0)
    throw new RangeError(`lora: modules: expected a non-empty list of ${LORA_PARTS.join(', ')}, found ${JSON.stringify(parts)}`);
  for (const m of parts)
    if (!(LORA_PARTS as readonly string[]).includes(m)) throw new RangeError(`lora: modules: expected ${LORA_PARTS.join(', ')}, found ${JSON.stringify(m)}`);
  const alpha = settings.alpha ?? 2 * rank;
  const dropout = settings.dropout ?? 0.05;
  if (!(alpha > 0)) throw new RangeError(`lora: alpha: expected a positive number, found ${JSON.stringify(alpha)}`);
  if (!(dropout >= 0 && dropout < 1)) throw new RangeError(`lora: dropout: expected a number in [0, 1), found ${JSON.stringify(dropout)}`);
  return { rank, alpha, dropout, parts: [...new Set(parts)] };
}

/**
 * W + scale A B for one target, in plain arrays of the compute layout: W [in, out], A [in, r],
 * B [r, out]. The merged weight an exported model carries instead of the adapter branch.
 */
export function mergedWeight(w: Float32Array, a: Float32Array, b: Float32Array, inputs: number, rank: number, outputs: number, scale: number): Float32Array {
  if (w.length !== inputs * outputs || a.length !== inputs * rank || b.length !== rank * outputs)
    throw new RangeError(`mergedWeight: expected W ${inputs}x${outputs}, A ${inputs}x${rank}, B ${rank}x${outputs}`);
  const out = Float32Array.from(w);
  for (let i = 0; i < inputs; i++) {
    for (let k = 0; k < rank; k++) {
      const aik = (a[i * rank + k] as number) * scale;
      if (aik === 0) continue;
      for (let j = 0; j < outputs; j++) out[i * outputs + j] = (out[i * outputs + j] as number) + aik * (b[k * outputs + j] as number);
    }
  }
  return out;
}

/** A 2-D tensor transposed: PEFT's A [r, in] and B [out, r] <-> the compute layout's [in, r] and [r, out]. */
export function transposedMatrix(t: { shape: number[]; data: Float32Array }): { shape: number[]; data: Float32Array } {
  const [rows, columns] = t.shape as [number, number];
  const data = new Float32Array(t.data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) data[c * rows + r] = t.data[r * columns + c] as number;
  return { shape: [columns, rows], data };
}

/**
 * Weights in the compute layout with a PEFT adapter merged in (W + alpha / r A^T B^T per
 * targeted Linear), in plain arrays: the export's path, which never loads TensorFlow.js.
 */
export function mergeLoraAdapter(
  modelConfig: Blip2Config,
  weights: ReadonlyMap<string, { shape: number[]; data: Float32Array }>,
  adapter: LoraAdapter,
): Map<string, { shape: number[]; data: Float32Array }> {
  const out = new Map(weights);
  const { r, loraAlpha } = adapter.config;
  for (const m of targetedModules(adapter.config.targetModules, linearModules(modelConfig))) {
    const { inputs, outputs } = linearSize(modelConfig, m);
    const w = weights.get(`${m}.weight`);
    if (!w) throw new Error(`mergeLoraAdapter: expected the weight ${m}.weight, found none`);
    const a = transposedMatrix(adapter.tensors.get(loraKey(m, 'A')) as NamedTensor);
    const b = transposedMatrix(adapter.tensors.get(loraKey(m, 'B')) as NamedTensor);
    out.set(`${m}.weight`, { shape: w.shape, data: mergedWeight(w.data, a.data, b.data, inputs, r, outputs, loraAlpha / r) });
  }
  return out;
}

/**
 * BLIP2IDC's target_modules for a choice of parts, as its training script writes them: the ViT's
 * `qkv`; the Q-Former's cross-attention `query` of every layer by full path, and `key` and
 * `value` (which PEFT matches in self- and cross-attention alike); the LLM's `q_proj`, `k_proj`
 * and `v_proj`.
 */
export function blip2idcTargetModules(config: Blip2Config, parts: readonly LoraPart[]): string[] {
  const out: string[] = [];
  if (parts.includes('qformer')) {
    for (let i = 0; i < config.qformer.numHiddenLayers; i++)
      if (i % config.qformer.crossAttentionFrequency === 0) out.push(`qformer.encoder.layer.${i}.crossattention.attention.query`);
    out.push('key', 'value');
  }
  if (parts.includes('vit')) out.push('qkv');
  if (parts.includes('llm')) out.push('q_proj', 'k_proj', 'v_proj');
  return out;
}

/**
 * A new adapter as PEFT initialises one: A from a Kaiming-uniform draw (bound 1 / sqrt(in), the
 * a = sqrt(5) of nn.Linear's init), B zero, so the adapted model starts as the base; seeded.
 */
export function newLoraAdapter(modelConfig: Blip2Config, config: LoraConfig, seed: number): LoraAdapter {
  const rng = new SeededRandom(seed);
  const tensors: TensorMap = new Map();
  for (const m of targetedModules(config.targetModules, linearModules(modelConfig))) {
    const { inputs, outputs } = linearSize(modelConfig, m);
    tensors.set(loraKey(m, 'A'), { shape: [config.r, inputs], data: uniformValues(config.r * inputs, 1 / Math.sqrt(inputs), rng) });
    tensors.set(loraKey(m, 'B'), { shape: [outputs, config.r], data: new Float32Array(outputs * config.r) });
  }
  return { config, tensors };
}
