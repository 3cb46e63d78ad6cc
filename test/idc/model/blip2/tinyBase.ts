/**
 * A tiny BLIP-2 base folder (the transformers folder with its word tokenizer) whose vocabulary
 * covers a synthetic set's references: what the ablation, attention and ONNX export tests start
 * from. 32-pixel square images in 16-pixel patches, width 16, two layers per part, 4 queries.
 */
import { generateSynthetic } from '../../../../kernels/idc/data/synthetic/generate';
import { saveBlip2Base } from '../../../../kernels/idc/model/blip2/baseFolder';
import type { Blip2Config } from '../../../../kernels/idc/model/blip2/config';
import { blip2idcTargetModules, newLoraAdapter, type LoraPart } from '../../../../kernels/idc/model/blip2/lora';
import { normalValues } from '../../../../kernels/idc/model/init';
import { SeededRandom } from '../../../../kernels/platform/random';
import { initialTensors, MINI_SIZES, miniConfig } from '../../../../kernels/idc/model/blip2/miniConfig';
import { Blip2Model } from '../../../../kernels/idc/model/blip2/model';
import { tokenizerConfigJson, wordLevelTokenizerJson, wordVocabulary } from '../../../../kernels/idc/model/blip2/tokenizer';

export function tinyBlip2Config(vocabSize: number): Blip2Config {
  return miniConfig({
    ...MINI_SIZES,
    imageSize: 32,
    patchSize: 16,
    width: 16,
    visionLayers: 2,
    qformerLayers: 2,
    queries: 4,
    textLayers: 2,
    heads: 2,
    vocabSize,
    maxPositions: 24,
  });
}

export async function saveTinyBlip2Base(folder: string, synthetic: { pairs: number; size: number; seed: number }): Promise<void> {
  const vocabulary = wordVocabulary(generateSynthetic(synthetic).samples.flatMap((s) => s.references));
  const config = tinyBlip2Config(vocabulary.length);
  const model = new Blip2Model(config, initialTensors(config, 1));
  await saveBlip2Base(folder, { model, tokenizerJson: wordLevelTokenizerJson(vocabulary), tokenizerConfig: tokenizerConfigJson(24), log: { made: 'test' } });
  model.dispose();
}

/**
 * Writes a PEFT adapter for the tiny base in `baseFolder` (r 2 on `parts`, B drawn normal with
 * std 0.3 so the adapter changes the outputs) into `folder`.
 */
export async function saveTinyAdapter(baseFolder: string, folder: string, parts: readonly LoraPart[], seed = 3): Promise<void> {
  const model = await Blip2Model.load(baseFolder);
  const config = { r: 2, loraAlpha: 4, loraDropout: 0, targetModules: blip2idcTargetModules(model.config, parts) };
  const adapter = newLoraAdapter(model.config, config, seed);
  const rng = new SeededRandom(seed + 1);
  for (const [key, t] of adapter.tensors) if (key.includes('lora_B')) adapter.tensors.set(key, { shape: t.shape, data: normalValues(t.data.length, 0.3, rng) });
  model.attachLora(adapter);
  await model.saveLora(folder);
  model.dispose();
}
