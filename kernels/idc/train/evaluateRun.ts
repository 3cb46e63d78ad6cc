/** Greedy captions of a model for samples, read through the image-pair pipeline. */
import type { Blip2Idc } from '../model/blip2idc';
import { greedyDecode } from '../model/decoding';
import type { WordTokenizer } from '../model/tokenizer';
import { PairPipeline } from '../data/images/pairPipeline';
import type { IdcSample } from '../data/types';
import { patchTensor } from './captionBatch';

/** Greedy captions by sample id. */
export async function captionSamples(model: Blip2Idc, tokenizer: WordTokenizer, samples: readonly IdcSample[], pipeline?: PairPipeline, batchSize = 64): Promise<Map<string, string>> {
  const pipe = pipeline ?? new PairPipeline({ width: model.config.image.width, height: model.config.image.height });
  const out = new Map<string, string>();
  for (let start = 0; start < samples.length; start += batchSize) {
    const prepared = await pipe.prepare(samples.slice(start, start + batchSize), 0);
    if (prepared.samples.length === 0) continue;
    const patches = patchTensor(prepared.pixels, prepared.samples.length, model.config);
    const ids = greedyDecode(model, patches);
    patches.dispose();
    prepared.samples.forEach((s, i) => out.set(s.id, tokenizer.decode(ids[i] as number[])));
    await new Promise((resolve) => setImmediate(resolve));
  }
  return out;
}
