/**
 * Greedy captions of a BLIP-2 model for samples, read through the image-pair pipeline (the
 * pair stacked and squashed to the model's square image size, CLIP-normalised). ONNX Runtime
 * generates them when it is installed (the model exported in memory, its adapter merged; many
 * times faster than TensorFlow.js on WASM, the same ids); TensorFlow.js otherwise.
 */
import * as tf from '@tensorflow/tfjs-core';
import { PairPipeline } from '../data/images/pairPipeline';
import { channelsFirstValues } from '../data/images/processor';
import type { IdcSample } from '../data/types';
import { DEFAULT_CAPTION_DECODING } from '../defaults';
import { blip2OnnxGraphs, Blip2OnnxRunner } from '../interop/onnx/blip2Onnx';
import { loadOnnxRuntime } from '../interop/onnx/onnxRuntime';
import { generate } from '../model/blip2/generate';
import type { Blip2Model } from '../model/blip2/model';
import type { CaptionTokenizer } from '../model/blip2/tokenizer';

export type CaptionEngine = 'onnxruntime' | 'tfjs';

export interface CaptionOptions {
  /** 'auto' (default): ONNX Runtime when it loads, else TensorFlow.js. */
  engine?: CaptionEngine | 'auto';
  pipeline?: PairPipeline;
  batchSize?: number;
  /** Decoding (default DEFAULT_CAPTION_DECODING: at most 24 new tokens, EOS allowed from the first). */
  maxNewTokens?: number;
  minNewTokens?: number;
}

export interface CaptionResult {
  /** Greedy captions by sample id. */
  captions: Map<string, string>;
  engine: CaptionEngine;
  /** Why ONNX Runtime was not used, when it was not. */
  fallback?: string;
}

/** Greedy ids (BOS first) of pixel values [n, 3, S, S] (channels first, flat). */
type Generate = (pixelValues: Float32Array, n: number) => Promise<number[][]>;

async function chooseEngine(
  model: Blip2Model,
  wanted: CaptionEngine | 'auto',
  decoding: { maxNewTokens: number; minNewTokens: number },
): Promise<{ engine: CaptionEngine; generate: Generate; close: () => Promise<void>; fallback?: string }> {
  const size = model.config.vision.imageSize;
  const tfjs = {
    engine: 'tfjs' as const,
    generate: async (pixels: Float32Array, n: number) => {
      const pixelValues = tf.tensor4d(pixels, [n, 3, size, size]);
      try {
        return generate(model, { pixelValues }, decoding).sequences;
      } finally {
        pixelValues.dispose();
      }
    },
    close: async () => undefined,
  };
  if (wanted === 'tfjs') return tfjs;
  const runtime = await loadOnnxRuntime();
  if ('reason' in runtime) {
    if (wanted === 'onnxruntime') throw new Error(runtime.reason);
    return { ...tfjs, fallback: runtime.reason };
  }
  let runner: Blip2OnnxRunner;
  try {
    runner = await Blip2OnnxRunner.create(await blip2OnnxGraphs(model));
  } catch (error) {
    // a runtime that loads but cannot run this model (a CUDA provider without a GPU, say)
    // must not cost a finished training run its evaluation
    if (wanted === 'onnxruntime') throw error;
    return { ...tfjs, fallback: `ONNX Runtime could not start: ${(error as Error).message.split('\n')[0]}` };
  }
  return {
    engine: 'onnxruntime',
    generate: (pixels, n) => runner.generate(pixels, n, decoding),
    close: () => runner.release(),
  };
}

export async function captionSamples(
  model: Blip2Model,
  tokenizer: CaptionTokenizer,
  samples: readonly IdcSample[],
  options: CaptionOptions = {},
): Promise<CaptionResult> {
  const size = model.config.vision.imageSize;
  const pipe = options.pipeline ?? new PairPipeline({ width: size, height: size });
  const batchSize = options.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`captionSamples: batchSize: expected a whole number >= 1, found ${batchSize}`);
  const {
    engine,
    generate: run,
    close,
    fallback,
  } = await chooseEngine(model, options.engine ?? 'auto', {
    maxNewTokens: options.maxNewTokens ?? DEFAULT_CAPTION_DECODING.maxNewTokens,
    minNewTokens: options.minNewTokens ?? DEFAULT_CAPTION_DECODING.minNewTokens,
  });
  const captions = new Map<string, string>();
  try {
    for (let start = 0; start < samples.length; start += batchSize) {
      const prepared = await pipe.prepare(samples.slice(start, start + batchSize), 0);
      const n = prepared.samples.length;
      if (n === 0) continue;
      const ids = await run(channelsFirstValues(prepared.pixels, n, size), n);
      prepared.samples.forEach((s, i) => captions.set(s.id, tokenizer.decode(ids[i] as number[])));
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    await close();
  }
  return { captions, engine, ...(fallback ? { fallback } : {}) };
}
