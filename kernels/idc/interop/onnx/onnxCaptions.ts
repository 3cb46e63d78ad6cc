/**
 * Captions for a dataset's pairs from an ONNX model folder (exported here or elsewhere under
 * the names of onnxInterface.ts), run in the kernel process by ONNX Runtime: no TensorFlow.js.
 * Written as a COCO results file, they are scored like any other tool's predictions.
 */
import type { Dataset } from '../../data/dataset';
import { PairPipeline } from '../../data/images/pairPipeline';
import { channelsFirstValues } from '../../data/images/processor';
import type { IdcSample } from '../../data/types';
import { DEFAULT_CAPTION_DECODING } from '../../defaults';
import { CaptionTokenizer } from '../../model/blip2/tokenizer';
import { writeFileAtomic } from '../../../platform/atomicWrite';
import type { OptionKeys } from '../../../platform/options';
import { Blip2OnnxRunner } from './blip2Onnx';
import type { SessionSettings } from './onnxRuntime';

export interface OnnxCaptionOptions extends SessionSettings {
  /** The split to caption (default 'test'); 'all' for every pair. */
  split?: string;
  batchSize?: number;
  /** New tokens per caption at most (default 24). */
  maxNewTokens?: number;
  /** New tokens before EOS may come (default 0; transformers 4.40's BLIP-2 rule is num_query_tokens). */
  minNewTokens?: number;
  /** A COCO results file to write ([{"image_id", "caption"}]). */
  out?: string;
}

export const ONNX_CAPTION_OPTIONS: OptionKeys<OnnxCaptionOptions> = {
  split: true,
  batchSize: true,
  maxNewTokens: true,
  minNewTokens: true,
  out: true,
  threads: true,
  device: true,
};

export async function captionWithOnnx(modelDir: string, dataset: Pick<Dataset, 'samples'>, options: OnnxCaptionOptions = {}): Promise<Map<string, string>> {
  const split = options.split ?? 'test';
  const samples: IdcSample[] = dataset.samples.filter((s) => split === 'all' || s.split === split);
  if (samples.length === 0) throw new Error(`captionWithOnnx: split: expected a split with pairs, found none in ${JSON.stringify(split)}`);
  const batchSize = options.batchSize ?? 64;
  const maxNewTokens = options.maxNewTokens ?? DEFAULT_CAPTION_DECODING.maxNewTokens;
  const minNewTokens = options.minNewTokens ?? DEFAULT_CAPTION_DECODING.minNewTokens;
  if (!Number.isInteger(minNewTokens) || minNewTokens < 0)
    throw new RangeError(`captionWithOnnx: minNewTokens: expected a whole number >= 0, found ${minNewTokens}`);
  for (const [name, value] of [
    ['batchSize', batchSize],
    ['maxNewTokens', maxNewTokens],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`captionWithOnnx: ${name}: expected a whole number >= 1, found ${value}`);
  }
  const tokenizer = await CaptionTokenizer.load(modelDir);
  const runner = await Blip2OnnxRunner.fromDirectory(modelDir, options);
  try {
    const size = runner.config.vision.imageSize;
    const pipe = new PairPipeline({ width: size, height: size });
    const captions = new Map<string, string>();
    for (let start = 0; start < samples.length; start += batchSize) {
      const prepared = await pipe.prepare(samples.slice(start, start + batchSize), 0);
      const n = prepared.samples.length;
      if (n === 0) continue;
      const ids = await runner.generate(channelsFirstValues(prepared.pixels, n, size), n, { maxNewTokens, minNewTokens });
      prepared.samples.forEach((s, i) => captions.set(s.id, tokenizer.decode(ids[i] as number[])));
    }
    if (options.out)
      await writeFileAtomic(
        options.out,
        `${JSON.stringify(
          [...captions].map(([image_id, caption]) => ({ image_id, caption })),
          null,
          1,
        )}\n`,
      );
    return captions;
  } finally {
    await runner.release();
  }
}
