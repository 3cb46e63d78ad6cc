/**
 * Greedy captions of a model for samples, read through the image-pair pipeline. ONNX Runtime
 * generates them when it is installed (the model exported in memory, adapter merged; many
 * times faster than TensorFlow.js on WASM, the same captions); TensorFlow.js otherwise.
 */
import type { Blip2Idc } from '../model/blip2idc';
import { greedyDecode } from '../model/decoding';
import { patchify } from '../model/patches';
import type { WordTokenizer } from '../model/tokenizer';
import { PairPipeline } from '../data/images/pairPipeline';
import type { IdcSample } from '../data/types';
import { onnxGraphs } from '../interop/onnx/exportOnnx';
import { OnnxCaptioner } from '../interop/onnx/onnxCaptioner';
import { loadOnnxRuntime } from '../interop/onnx/onnxRuntime';
import { patchTensor } from '../train/captionBatch';

export type CaptionEngine = 'onnxruntime' | 'tfjs';

export interface CaptionOptions {
  /** 'auto' (default): ONNX Runtime when it loads, else TensorFlow.js. */
  engine?: CaptionEngine | 'auto';
  pipeline?: PairPipeline;
  batchSize?: number;
}

export interface CaptionResult {
  /** Greedy captions by sample id. */
  captions: Map<string, string>;
  engine: CaptionEngine;
  /** Why ONNX Runtime was not used, when it was not. */
  fallback?: string;
}

/** Patches [n, N, P] of a prepared batch, for one engine or the other. */
type Generate = (pixels: Float32Array, n: number) => Promise<number[][]>;

async function chooseEngine(
  model: Blip2Idc,
  tokenizer: WordTokenizer,
  wanted: CaptionEngine | 'auto',
): Promise<{ engine: CaptionEngine; generate: Generate; close: () => Promise<void>; fallback?: string }> {
  const { width, height, patch } = model.config.image;
  const tfjs = {
    engine: 'tfjs' as const,
    generate: async (pixels: Float32Array, n: number) => {
      const patches = patchTensor(pixels, n, model.config);
      try {
        return greedyDecode(model, patches);
      } finally {
        patches.dispose();
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
  let captioner: OnnxCaptioner;
  try {
    captioner = await OnnxCaptioner.create(await onnxGraphs(model, tokenizer));
  } catch (error) {
    // a runtime that loads but cannot run this model (a CUDA provider without a GPU, say)
    // must not cost a finished training run its evaluation
    if (wanted === 'onnxruntime') throw error;
    return { ...tfjs, fallback: `ONNX Runtime could not start: ${(error as Error).message.split('\n')[0]}` };
  }
  return {
    engine: 'onnxruntime',
    generate: (pixels, n) => captioner.greedy(patchify(pixels, n, height, width, patch), n),
    close: () => captioner.release(),
  };
}

export async function captionSamples(
  model: Blip2Idc,
  tokenizer: WordTokenizer,
  samples: readonly IdcSample[],
  options: CaptionOptions = {},
): Promise<CaptionResult> {
  const pipe = options.pipeline ?? new PairPipeline({ width: model.config.image.width, height: model.config.image.height });
  const batchSize = options.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`captionSamples: batchSize: expected a whole number >= 1, found ${batchSize}`);
  const { engine, generate, close, fallback } = await chooseEngine(model, tokenizer, options.engine ?? 'auto');
  const captions = new Map<string, string>();
  try {
    for (let start = 0; start < samples.length; start += batchSize) {
      const prepared = await pipe.prepare(samples.slice(start, start + batchSize), 0);
      if (prepared.samples.length === 0) continue;
      const ids = await generate(prepared.pixels, prepared.samples.length);
      prepared.samples.forEach((s, i) => captions.set(s.id, tokenizer.decode(ids[i] as number[])));
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    await close();
  }
  return { captions, engine, ...(fallback ? { fallback } : {}) };
}
