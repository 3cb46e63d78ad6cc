/** A model small enough to train in a test: 32x64 stacked pairs, 16-pixel patches, width 16. */
import * as tf from '@tensorflow/tfjs-core';
import { Blip2Idc, type CaptionBatch } from '../../../kernels/idc/model/blip2idc';
import type { ModelConfig } from '../../../kernels/idc/model/config';
import { WordTokenizer } from '../../../kernels/idc/model/tokenizer';
import { captionBatch } from '../../../kernels/idc/train/captionBatch';
import { normalValues } from '../../../kernels/idc/model/init';
import { SeededRandom } from '../../../kernels/platform/random';
import { generateSynthetic } from '../../../kernels/idc/data/synthetic/generate';
import { saveModel } from '../../../kernels/idc/model/baseModel';

export const CAPTIONS = ['a red circle was added', 'the blue square is gone', 'make it night', 'the sign says open', 'nothing has changed'];

export function tinyConfig(vocabSize: number): ModelConfig {
  return {
    image: { width: 32, height: 64, patch: 16 },
    vit: { dim: 16, layers: 2, heads: 2, mlpRatio: 2 },
    qformer: { dim: 16, layers: 2, heads: 2, queries: 4, crossEvery: 2, mlpRatio: 2 },
    decoder: { dim: 16, layers: 2, heads: 2, mlpRatio: 2, maxTokens: 8 },
    vocabSize,
  };
}

export function tinyModel(seed = 3): { model: Blip2Idc; tokenizer: WordTokenizer } {
  const tokenizer = WordTokenizer.fromCaptions(CAPTIONS);
  return { model: new Blip2Idc(tinyConfig(tokenizer.size), seed), tokenizer };
}

/** A batch of n random images (as CLIP-normalised pixels) with the captions in turn. */
export function tinyBatch(model: Blip2Idc, tokenizer: WordTokenizer, n = 4, seed = 9): CaptionBatch {
  const { width, height } = model.config.image;
  const pixels = normalValues(n * width * height * 3, 1, new SeededRandom(seed));
  return captionBatch(
    pixels,
    Array.from({ length: n }, (_, i) => CAPTIONS[i % CAPTIONS.length] as string),
    model.config,
    tokenizer,
  );
}

export async function values(t: tf.Tensor): Promise<Float32Array> {
  return (await t.data()) as Float32Array;
}

/**
 * A tiny base model folder (config.json, tokenizer.json, model.safetensors) whose vocabulary
 * covers a synthetic set's references: what the ablation tests train from.
 */
export async function saveTinyBase(folder: string, synthetic: { pairs: number; size: number; seed: number }): Promise<void> {
  const tokenizer = WordTokenizer.fromCaptions(generateSynthetic(synthetic).samples.flatMap((s) => s.references));
  const model = new Blip2Idc(tinyConfig(tokenizer.size), 1);
  await saveModel(folder, model, tokenizer, { made: 'test' });
  model.dispose();
}

/** Gives every lora_B of the attached adapter seeded normal values, so the adapter changes the outputs (it starts at zero). */
export function randomiseAdapter(model: Blip2Idc, std: number, seed: number): void {
  for (const [name, v] of model.params.adapters) if (name.endsWith('lora_B')) v.assign(tf.randomNormal(v.shape, 0, std, 'float32', seed));
}
