/**
 * LoRA adapters in PEFT's layout, so they move between IDC Lab and the Python ecosystem:
 * `adapter_config.json` (peft_type, r, lora_alpha, lora_dropout, target_modules, bias,
 * base_model_name_or_path, ...) and `adapter_model.safetensors` with keys
 * `base_model.model.<module path>.lora_A.weight` / `.lora_B.weight`.
 *
 * Module paths follow Hugging Face's BLIP-2 (`Blip2ForConditionalGeneration`), whose layout
 * BLIP2IDC-mini mirrors at a smaller size, so a researcher reads the same names as in a
 * BLIP2IDC checkpoint. Weights are stored as torch stores a Linear's: lora_A [r, in],
 * lora_B [out, r] (ours are [in, r] and [r, out]: y = x A B).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Blip2Idc } from '../model/blip2idc';
import { validateConfig, type ModelConfig } from '../model/config';
import { LORA_MODULES, loraTargets, validateLora, type LoraModule, type LoraSettings } from '../model/lora';
import { writeFileAtomic } from '../../platform/atomicWrite';
import { readJsonFile } from '../../platform/jsonFile';
import { readSafetensors, writeSafetensors, type NamedTensor, type TensorMap } from '../../platform/safetensors';

export const PEFT_CONFIG_FILE = 'adapter_config.json';
export const PEFT_WEIGHTS_FILE = 'adapter_model.safetensors';
const KEY_PREFIX = 'base_model.model.';

/** The fields of adapter_config.json this module writes and reads (PEFT's LoraConfig). */
export interface PeftLoraConfig {
  peft_type: 'LORA';
  task_type: null;
  base_model_name_or_path: string | null;
  r: number;
  lora_alpha: number;
  lora_dropout: number;
  target_modules: string[];
  bias: 'none';
  fan_in_fan_out: false;
  inference_mode: boolean;
  use_rslora: false;
  modules_to_save: null;
  init_lora_weights: true;
}

/** Our layer names and BLIP-2's module paths, both ways. */
const LAYER_PATTERNS: ReadonlyArray<[RegExp, (m: RegExpMatchArray) => string, RegExp, (m: RegExpMatchArray) => string]> = [
  [
    /^vit\.blocks\.(\d+)\.attn\.qkv$/,
    (m) => `vision_model.encoder.layers.${m[1]}.self_attn.qkv`,
    /^vision_model\.encoder\.layers\.(\d+)\.self_attn\.qkv$/,
    (m) => `vit.blocks.${m[1]}.attn.qkv`,
  ],
  [
    /^qformer\.blocks\.(\d+)\.self\.([qkv])$/,
    (m) => `qformer.encoder.layer.${m[1]}.attention.attention.${FULL[m[2] as 'q']}`,
    /^qformer\.encoder\.layer\.(\d+)\.attention\.attention\.(query|key|value)$/,
    (m) => `qformer.blocks.${m[1]}.self.${(m[2] as string)[0]}`,
  ],
  [
    /^qformer\.blocks\.(\d+)\.cross\.([qkv])$/,
    (m) => `qformer.encoder.layer.${m[1]}.crossattention.attention.${FULL[m[2] as 'q']}`,
    /^qformer\.encoder\.layer\.(\d+)\.crossattention\.attention\.(query|key|value)$/,
    (m) => `qformer.blocks.${m[1]}.cross.${(m[2] as string)[0]}`,
  ],
  [
    /^decoder\.blocks\.(\d+)\.attn\.([qkv])$/,
    (m) => `language_model.model.decoder.layers.${m[1]}.self_attn.${m[2]}_proj`,
    /^language_model\.model\.decoder\.layers\.(\d+)\.self_attn\.([qkv])_proj$/,
    (m) => `decoder.blocks.${m[1]}.attn.${m[2]}`,
  ],
];
const FULL = { q: 'query', k: 'key', v: 'value' } as const;

/** BLIP-2's module path of one of our layers (`vit.blocks.0.attn.qkv` -> `vision_model.encoder.layers.0.self_attn.qkv`). */
export function peftModulePath(layer: string): string {
  for (const [ours, toPeft] of LAYER_PATTERNS) {
    const m = layer.match(ours);
    if (m) return toPeft(m);
  }
  throw new RangeError(`peft: no BLIP-2 module path for layer ${JSON.stringify(layer)}`);
}

/** Our layer for a BLIP-2 module path, or undefined when the model has no such layer. */
export function layerOfModulePath(modulePath: string): string | undefined {
  for (const [, , theirs, toOurs] of LAYER_PATTERNS) {
    const m = modulePath.match(theirs);
    if (m) return toOurs(m);
  }
  return undefined;
}

function transpose(t: NamedTensor): NamedTensor {
  const [rows, columns] = t.shape as [number, number];
  const data = new Float32Array(t.data.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < columns; j++) data[j * rows + i] = t.data[i * columns + j] as number;
  return { shape: [columns, rows], data };
}

export interface SavePeftOptions {
  /** Recorded as base_model_name_or_path (default: null). */
  baseModel?: string;
}

/** Our adapter tensors ([in, r] and [r, out] by layer) as PEFT's config and weights. Pure. */
export function adapterToPeft(
  adapter: TensorMap,
  settings: Required<LoraSettings>,
  modelConfig: ModelConfig,
  options: SavePeftOptions = {},
): { config: PeftLoraConfig; tensors: TensorMap } {
  const tensors: TensorMap = new Map();
  const targets = loraTargets(modelConfig, settings.modules);
  for (const t of targets) {
    const key = `${KEY_PREFIX}${peftModulePath(t.layer)}`;
    for (const part of ['A', 'B'] as const) {
      const tensor = adapter.get(`${t.layer}.lora_${part}`);
      if (!tensor) throw new Error(`peft: the adapter has no ${t.layer}.lora_${part}, which rank ${settings.rank} on ${settings.modules.join(', ')} adapts`);
      tensors.set(`${key}.lora_${part}.weight`, transpose(tensor));
    }
  }
  const config: PeftLoraConfig = {
    peft_type: 'LORA',
    task_type: null,
    base_model_name_or_path: options.baseModel ?? null,
    r: settings.rank,
    lora_alpha: settings.alpha,
    lora_dropout: settings.dropout,
    // exact module paths: PEFT matches a key that ends with one, and the paper adapts the
    // Q-Former's cross-attention query but not its self-attention query
    target_modules: targets.map((t) => peftModulePath(t.layer)),
    bias: 'none',
    fan_in_fan_out: false,
    inference_mode: true,
    use_rslora: false,
    modules_to_save: null,
    init_lora_weights: true,
  };
  return { config, tensors };
}

async function writePeft(folder: string, peft: { config: PeftLoraConfig; tensors: TensorMap }): Promise<void> {
  await fs.promises.mkdir(folder, { recursive: true });
  await writeSafetensors(path.join(folder, PEFT_WEIGHTS_FILE), peft.tensors, { format: 'pt' });
  await writeFileAtomic(path.join(folder, PEFT_CONFIG_FILE), `${JSON.stringify(peft.config, null, 2)}\n`);
}

/** Writes the attached adapter of `model` into `folder` in PEFT's layout (each file atomically). */
export async function savePeftAdapter(folder: string, model: Blip2Idc, options: SavePeftOptions = {}): Promise<PeftLoraConfig> {
  const settings = model.loraSettings;
  if (!settings) throw new Error('peft: the model has no LoRA adapter attached to save');
  const peft = adapterToPeft(await model.params.read('adapter'), settings, model.config, options);
  await writePeft(folder, peft);
  return peft.config;
}

/** A run's adapter.safetensors (our layout) with the settings its metadata records (rank, modules, alpha, dropout). */
export async function readRunAdapter(adapterFile: string): Promise<{ tensors: TensorMap; settings: Required<LoraSettings> }> {
  const { tensors, metadata } = await readSafetensors(adapterFile);
  const rank = Number(metadata.rank);
  if (!Number.isInteger(rank) || rank <= 0)
    throw new Error(`${adapterFile}: __metadata__.rank: expected the adapter's rank, found ${JSON.stringify(metadata.rank)}`);
  const modules = (metadata.modules ?? '').split(',').filter((m) => m !== '') as LoraModule[];
  try {
    return {
      tensors,
      settings: validateLora({
        rank,
        modules,
        ...(metadata.alpha ? { alpha: Number(metadata.alpha) } : {}),
        ...(metadata.dropout ? { dropout: Number(metadata.dropout) } : {}),
      }),
    };
  } catch (error) {
    throw new Error(`${adapterFile}: __metadata__: ${(error as Error).message}`);
  }
}

/**
 * An adapter a training run saved (`adapter.safetensors`, our layout, with its rank and
 * modules in the metadata) rewritten in PEFT's layout, without loading the model: the base
 * folder's config.json gives the sizes. For the kernel, which never loads TensorFlow.js.
 */
export async function exportAdapterToPeft(adapterFile: string, baseFolder: string, outFolder: string): Promise<PeftLoraConfig> {
  const configFile = path.join(baseFolder, 'config.json');
  const saved = (await readJsonFile(configFile)) as { model?: ModelConfig };
  if (typeof saved !== 'object' || saved === null || typeof saved.model !== 'object')
    throw new Error(`${configFile}: model: expected the model's sizes, found ${JSON.stringify((saved as { model?: unknown } | null)?.model)}`);
  const modelConfig = validateConfig(saved.model);
  const { tensors, settings } = await readRunAdapter(adapterFile);
  const peft = adapterToPeft(tensors, settings, modelConfig, { baseModel: baseFolder });
  await writePeft(outFolder, peft);
  return peft.config;
}

/** Checks adapter_config.json's fields; every message names the file and the field. */
export function validatePeftConfig(raw: unknown, file: string): LoraSettings & { alpha: number; dropout: number } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${file}: expected a JSON object, found ${JSON.stringify(raw)}`);
  const c = raw as Record<string, unknown>;
  const fail = (field: string, expected: string) => new Error(`${file}: ${field}: expected ${expected}, found ${JSON.stringify(c[field])}`);
  if (c.peft_type !== 'LORA') throw fail('peft_type', '"LORA"');
  if (!Number.isInteger(c.r) || (c.r as number) <= 0) throw fail('r', 'a positive integer');
  if (typeof c.lora_alpha !== 'number' || !(c.lora_alpha > 0)) throw fail('lora_alpha', 'a positive number');
  const dropout = c.lora_dropout ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) throw fail('lora_dropout', 'a number in [0, 1)');
  if ((c.bias ?? 'none') !== 'none') throw fail('bias', '"none" (adapters with trained biases are not supported)');
  if (c.use_rslora === true) throw fail('use_rslora', 'false (rank-stabilised scaling is not supported)');
  if (c.fan_in_fan_out === true) throw fail('fan_in_fan_out', 'false (weights stored as torch Linear stores them)');
  const targets = c.target_modules;
  if (!(typeof targets === 'string' || (Array.isArray(targets) && targets.length > 0 && targets.every((t) => typeof t === 'string'))))
    throw fail('target_modules', 'a module name or a non-empty list of them');
  return { rank: c.r as number, alpha: c.lora_alpha, dropout, modules: [] };
}

/**
 * Reads a PEFT adapter folder into this project's layout for a model of `config`. The modules
 * adapted (vit, qformer, llm) follow from the weights' keys, and each must carry every layer
 * the paper adapts in it.
 */
export async function readPeftAdapter(
  folder: string,
  config: ModelConfig,
): Promise<{ tensors: TensorMap; settings: Required<LoraSettings>; weightsFile: string }> {
  const configFile = path.join(folder, PEFT_CONFIG_FILE);
  const weightsFile = path.join(folder, PEFT_WEIGHTS_FILE);
  const partial = validatePeftConfig(await readJsonFile(configFile), configFile);
  const { tensors } = await readSafetensors(weightsFile);
  const byLayer = new Map<string, { A?: NamedTensor; B?: NamedTensor }>();
  for (const [key, tensor] of tensors) {
    const m = key.match(/^base_model\.model\.(.+)\.lora_([AB])\.weight$/);
    const layer = m ? layerOfModulePath(m[1] as string) : undefined;
    if (!m || !layer)
      throw new Error(
        `${weightsFile}: tensor ${key}: expected base_model.model.<module path>.lora_A.weight or .lora_B.weight of a layer this model adapts (BLIP-2 module paths)`,
      );
    if (tensor.shape.length !== 2) throw new Error(`${weightsFile}: tensor ${key}: expected a matrix, found shape [${tensor.shape.join(', ')}]`);
    const entry = byLayer.get(layer) ?? {};
    entry[m[2] as 'A' | 'B'] = tensor;
    byLayer.set(layer, entry);
  }
  const modules = LORA_MODULES.filter((module) => loraTargets(config, [module]).some((t) => byLayer.has(t.layer)));
  if (modules.length === 0) throw new Error(`${weightsFile}: expected LoRA weights, found none`);
  const settings = validateLora({ rank: partial.rank, alpha: partial.alpha, dropout: partial.dropout, modules: modules as LoraModule[] });
  const adapted = new Set(loraTargets(config, modules).map((t) => t.layer));
  for (const layer of byLayer.keys()) {
    if (!adapted.has(layer))
      throw new Error(
        `${weightsFile}: LoRA weights for ${KEY_PREFIX}${peftModulePath(layer)}: expected only the layers the paper adapts (ViT qkv; Q-Former cross-attention query, every key and value; decoder q, k, v), found this one too`,
      );
  }
  const adapter: TensorMap = new Map();
  for (const t of loraTargets(config, modules)) {
    const entry = byLayer.get(t.layer);
    const key = `${KEY_PREFIX}${peftModulePath(t.layer)}`;
    if (!entry?.A || !entry.B)
      throw new Error(
        `${weightsFile}: expected ${key}.lora_${entry?.A ? 'B' : 'A'}.weight (the adapter covers ${modules.join(', ')}, which adapts this layer), found none`,
      );
    const expectA = [settings.rank, t.inputs];
    const expectB = [t.outputs, settings.rank];
    if (entry.A.shape.join('x') !== expectA.join('x'))
      throw new Error(
        `${weightsFile}: tensor ${key}.lora_A.weight: expected shape [${expectA.join(', ')}] (r from ${PEFT_CONFIG_FILE}, the layer's inputs), found [${entry.A.shape.join(', ')}]`,
      );
    if (entry.B.shape.join('x') !== expectB.join('x'))
      throw new Error(
        `${weightsFile}: tensor ${key}.lora_B.weight: expected shape [${expectB.join(', ')}] (the layer's outputs, r), found [${entry.B.shape.join(', ')}]`,
      );
    adapter.set(`${t.layer}.lora_A`, transpose(entry.A));
    adapter.set(`${t.layer}.lora_B`, transpose(entry.B));
  }
  return { tensors: adapter, settings, weightsFile };
}

/** Reads a PEFT adapter folder and attaches it to `model` (which must have none); returns the settings attached. */
export async function loadPeftAdapter(folder: string, model: Blip2Idc): Promise<Required<LoraSettings>> {
  if (model.loraSettings) throw new Error('peft: the model already has a LoRA adapter attached; detach it first');
  const { tensors, settings, weightsFile } = await readPeftAdapter(folder, model.config);
  model.attachLora(settings, 0);
  try {
    model.params.assign(tensors, 'adapter', weightsFile);
  } catch (error) {
    model.detachLora();
    throw error;
  }
  return settings;
}
