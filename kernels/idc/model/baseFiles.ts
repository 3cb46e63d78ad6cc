/**
 * The files of a model folder read without building the model (no TensorFlow.js): the
 * kernel exports and converts from them; loadModel builds on them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { validateConfig, type ModelConfig } from './config';
import { WordTokenizer } from './tokenizer';
import { readSafetensors, type TensorMap } from '../../platform/safetensors';

export interface SavedModelConfig {
  type: 'blip2idc-mini';
  version: 1;
  model: ModelConfig;
  /** How the weights were made (pretraining options, seed, backend), for the record. */
  provenance: Record<string, unknown>;
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: expected JSON, found a syntax error (${(error as Error).message})`);
  }
}

/** config.json (sizes checked) and tokenizer.json (its size checked against the config). */
export async function readBaseConfig(folder: string): Promise<{ config: SavedModelConfig; tokenizer: WordTokenizer }> {
  const configFile = path.join(folder, 'config.json');
  const config = (await readJson(configFile)) as Partial<SavedModelConfig>;
  if (config?.type !== 'blip2idc-mini') throw new Error(`${configFile}: type: expected "blip2idc-mini", found ${JSON.stringify(config?.type)}`);
  let modelConfig: ModelConfig;
  try {
    modelConfig = validateConfig(config.model as ModelConfig);
  } catch (error) {
    throw new Error(`${configFile}: ${(error as Error).message}`);
  }
  const tokenizerFile = path.join(folder, 'tokenizer.json');
  const tokenizer = WordTokenizer.fromJson(await readJson(tokenizerFile), tokenizerFile);
  if (tokenizer.size !== modelConfig.vocabSize)
    throw new Error(`${tokenizerFile}: expected ${modelConfig.vocabSize} words (config.json's vocabSize), found ${tokenizer.size}`);
  return { config: { ...(config as SavedModelConfig), model: modelConfig }, tokenizer };
}

/** The base weights (model.safetensors) by name. */
export async function readBaseWeights(folder: string): Promise<TensorMap> {
  return (await readSafetensors(path.join(folder, 'model.safetensors'))).tensors;
}

/** The shipped base model (media/base). */
export function defaultBase(): string {
  // beside the bundle (dist/ -> media/base) or in the source tree (kernels/idc/model -> media/base)
  for (const candidate of [path.join(__dirname, '..', 'media', 'base'), path.join(__dirname, '..', '..', '..', 'media', 'base')]) {
    if (fs.existsSync(path.join(candidate, 'config.json'))) return candidate;
  }
  return path.resolve('media', 'base');
}
