/**
 * A model on disk: `model.safetensors` (base weights, F32), `config.json` (sizes and how it
 * was made), `tokenizer.json` (the vocabulary). The shipped base lives in media/base.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Blip2Idc } from './blip2idc';
import type { WordTokenizer } from './tokenizer';
import { readBaseConfig, type SavedModelConfig } from './baseFiles';
import { readSafetensors, writeSafetensors } from '../../platform/safetensors';
import { writeFileAtomic } from '../../platform/atomicWrite';

export type { SavedModelConfig } from './baseFiles';

export async function saveModel(folder: string, model: Blip2Idc, tokenizer: WordTokenizer, provenance: Record<string, unknown>): Promise<void> {
  await fs.promises.mkdir(folder, { recursive: true });
  await writeSafetensors(path.join(folder, 'model.safetensors'), await model.params.read('base'), { format: 'idc-lab', type: 'blip2idc-mini' });
  const config: SavedModelConfig = { type: 'blip2idc-mini', version: 1, model: model.config, provenance };
  await writeFileAtomic(path.join(folder, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  await writeFileAtomic(path.join(folder, 'tokenizer.json'), `${JSON.stringify(tokenizer.toJson())}\n`);
}

export async function loadModel(folder: string): Promise<{ model: Blip2Idc; tokenizer: WordTokenizer; config: SavedModelConfig }> {
  const { config, tokenizer } = await readBaseConfig(folder);
  const model = new Blip2Idc(config.model);
  const weightsFile = path.join(folder, 'model.safetensors');
  try {
    const { tensors } = await readSafetensors(weightsFile);
    model.params.assign(tensors, 'base', weightsFile);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { model, tokenizer, config };
}
