/**
 * A model on disk: `model.safetensors` (base weights, F32), `config.json` (sizes and how it
 * was made), `tokenizer.json` (the vocabulary). The shipped base lives in media/base.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Blip2Idc } from './blip2idc';
import { validateConfig, type ModelConfig } from './config';
import { WordTokenizer } from './tokenizer';
import { readSafetensors, writeSafetensors } from '../interop/safetensors';
import { writeFileAtomic } from '../../platform/atomicWrite';

export interface SavedModelConfig {
  type: 'blip2idc-mini';
  version: 1;
  model: ModelConfig;
  /** How the weights were made (pretraining options, seed, backend), for the record. */
  provenance: Record<string, unknown>;
}

export async function saveModel(folder: string, model: Blip2Idc, tokenizer: WordTokenizer, provenance: Record<string, unknown>): Promise<void> {
  await fs.promises.mkdir(folder, { recursive: true });
  await writeSafetensors(path.join(folder, 'model.safetensors'), await model.params.read('base'), { format: 'idc-lab', type: 'blip2idc-mini' });
  const config: SavedModelConfig = { type: 'blip2idc-mini', version: 1, model: model.config, provenance };
  await writeFileAtomic(path.join(folder, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  await writeFileAtomic(path.join(folder, 'tokenizer.json'), `${JSON.stringify(tokenizer.toJson())}\n`);
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

export async function loadModel(folder: string): Promise<{ model: Blip2Idc; tokenizer: WordTokenizer; config: SavedModelConfig }> {
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
  if (tokenizer.size !== modelConfig.vocabSize) throw new Error(`${tokenizerFile}: expected ${modelConfig.vocabSize} words (config.json's vocabSize), found ${tokenizer.size}`);
  const model = new Blip2Idc(modelConfig);
  const weightsFile = path.join(folder, 'model.safetensors');
  try {
    const { tensors } = await readSafetensors(weightsFile);
    model.params.assign(tensors, 'base', weightsFile);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { model, tokenizer, config: config as SavedModelConfig };
}
