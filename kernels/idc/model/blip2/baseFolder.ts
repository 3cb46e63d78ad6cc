/**
 * A base model as a folder transformers opens: the BLIP-2 folder (config.json,
 * generation_config.json, model.safetensors) with the tokenizer beside it (tokenizer.json,
 * tokenizer_config.json), and IDC Lab's record of how it was made (training-log.json). Loading
 * gives the model and its tokenizer; a folder without a tokenizer is refused by name.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../../platform/atomicWrite';
import { JsonFileError } from '../../../platform/jsonFile';
import { Blip2Model } from './model';
import { CaptionTokenizer, TOKENIZER_CONFIG_FILE, TOKENIZER_FILE } from './tokenizer';

export const TRAINING_LOG_FILE = 'training-log.json';

export interface Blip2Base {
  model: Blip2Model;
  tokenizer: CaptionTokenizer;
}

export async function loadBlip2Base(folder: string, options: { adapter?: string } = {}): Promise<Blip2Base> {
  // the model first: a folder of another kind is named by its config.json before its tokenizer
  const model = await Blip2Model.load(folder, options);
  let tokenizer: CaptionTokenizer;
  try {
    if (!fs.existsSync(path.join(folder, TOKENIZER_FILE)))
      throw new JsonFileError(folder, undefined, `expected ${TOKENIZER_FILE} beside the model (the tokenizer its ids belong to), found none`);
    tokenizer = await CaptionTokenizer.load(folder);
  } catch (error) {
    model.dispose();
    throw error;
  }
  if (tokenizer.size > model.config.text.vocabSize) {
    model.dispose();
    throw new JsonFileError(
      path.join(folder, TOKENIZER_FILE),
      undefined,
      `expected at most the model's ${model.config.text.vocabSize} ids, found ${tokenizer.size}`,
    );
  }
  return { model, tokenizer };
}

/** Writes the model, its tokenizer files (as given: tokenizer.json and tokenizer_config.json) and the training log. */
export async function saveBlip2Base(
  folder: string,
  base: { model: Blip2Model; tokenizerJson: Record<string, unknown>; tokenizerConfig: Record<string, unknown>; log?: unknown },
): Promise<void> {
  await base.model.save(folder);
  await writeFileAtomic(path.join(folder, TOKENIZER_FILE), `${JSON.stringify(base.tokenizerJson)}\n`);
  await writeFileAtomic(path.join(folder, TOKENIZER_CONFIG_FILE), `${JSON.stringify(base.tokenizerConfig, null, 2)}\n`);
  if (base.log !== undefined) await writeFileAtomic(path.join(folder, TRAINING_LOG_FILE), `${JSON.stringify(base.log)}\n`);
}
