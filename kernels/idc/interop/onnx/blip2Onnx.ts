/**
 * BLIP-2 (OPT) through onnxruntime-node: the graphs of blip2Graphs.ts made from a model (its
 * adapter merged), the image encoded once, the language model run over the prefix and the
 * prompt, then one token per step against its key/value cache. Greedy decoding as
 * model/blip2/generate.ts does it: BOS plus the new tokens, EOS banned for the first
 * `num_query_tokens` of them, finished sequences padded.
 */
import type * as Ort from 'onnxruntime-node';
import type { Blip2Config } from '../../model/blip2/config';
import type { Blip2Model } from '../../model/blip2/model';
import { BLIP2_ONNX_NAMES, blip2DecoderGraph, blip2VisionGraph } from './blip2Graphs';
import { loadOnnxRuntime, sessionOptions, type OrtModule, type SessionSettings } from './onnxRuntime';

export interface Blip2OnnxGraphs {
  config: Blip2Config;
  vision: Uint8Array;
  decoder: Uint8Array;
  decoderWithPast: Uint8Array;
}

export async function blip2OnnxGraphs(model: Blip2Model): Promise<Blip2OnnxGraphs> {
  const weights = await model.mergedWeights();
  return {
    config: model.config,
    vision: blip2VisionGraph(model.config, weights),
    decoder: blip2DecoderGraph(model.config, weights, false),
    decoderWithPast: blip2DecoderGraph(model.config, weights, true),
  };
}

type Feeds = Record<string, Ort.Tensor>;

export class Blip2OnnxRunner {
  private constructor(
    private readonly ort: OrtModule,
    readonly config: Blip2Config,
    private readonly vision: Ort.InferenceSession,
    private readonly decoder: Ort.InferenceSession,
    private readonly decoderWithPast: Ort.InferenceSession,
  ) {}

  static async create(graphs: Blip2OnnxGraphs, settings: SessionSettings = {}): Promise<Blip2OnnxRunner> {
    const runtime = await loadOnnxRuntime();
    if ('reason' in runtime) throw new Error(runtime.reason);
    const { ort } = runtime;
    const options = sessionOptions(settings);
    const sessions = await Promise.all([graphs.vision, graphs.decoder, graphs.decoderWithPast].map((bytes) => ort.InferenceSession.create(bytes, options)));
    return new Blip2OnnxRunner(ort, graphs.config, ...(sessions as [Ort.InferenceSession, Ort.InferenceSession, Ort.InferenceSession]));
  }

  private ints(rows: readonly (readonly number[])[]): Ort.Tensor {
    return new this.ort.Tensor(
      'int64',
      BigInt64Array.from(rows.flat(), (v) => BigInt(v)),
      [rows.length, rows[0]?.length ?? 0],
    );
  }

  /** The prefix [B, Q, D] of pixel values [B, 3, S, S] (channels first, CLIP-normalised). */
  async prefix(pixelValues: Float32Array, batch: number): Promise<Ort.Tensor> {
    const s = this.config.vision.imageSize;
    const out = await this.vision.run({ [BLIP2_ONNX_NAMES.pixelValues]: new this.ort.Tensor('float32', pixelValues, [batch, 3, s, s]) });
    return out[BLIP2_ONNX_NAMES.prefix] as Ort.Tensor;
  }

  /** Logits [B, Q + T, V] over the prefix and `ids` (text mask `mask`, default ones), and the cache. */
  async logits(prefix: Ort.Tensor, ids: readonly (readonly number[])[], mask?: readonly (readonly number[])[]): Promise<{ logits: Ort.Tensor; cache: Feeds }> {
    const q = this.config.numQueryTokens;
    const full = ids.map((row, b) => [...new Array<number>(q).fill(1), ...(mask?.[b] ?? row.map(() => 1))]);
    const out = await this.decoder.run({
      [BLIP2_ONNX_NAMES.prefix]: prefix,
      [BLIP2_ONNX_NAMES.inputIds]: this.ints(ids),
      [BLIP2_ONNX_NAMES.attentionMask]: this.ints(full),
    });
    return { logits: out[BLIP2_ONNX_NAMES.logits] as Ort.Tensor, cache: this.cacheOf(out) };
  }

  private cacheOf(out: Ort.InferenceSession.ReturnType): Feeds {
    const cache: Feeds = {};
    for (let i = 0; i < this.config.text.numHiddenLayers; i++) {
      cache[BLIP2_ONNX_NAMES.pastKey(i)] = out[BLIP2_ONNX_NAMES.presentKey(i)] as Ort.Tensor;
      cache[BLIP2_ONNX_NAMES.pastValue(i)] = out[BLIP2_ONNX_NAMES.presentValue(i)] as Ort.Tensor;
    }
    return cache;
  }

  /** Greedy ids: BOS then up to `maxNewTokens` new tokens per image (the prompt, default BOS, not repeated). */
  async generate(
    pixelValues: Float32Array,
    batch: number,
    options: { maxNewTokens: number; inputIds?: number[][]; attentionMask?: number[][] },
  ): Promise<number[][]> {
    const { bosTokenId: bos, eosTokenId: eos, padTokenId: pad, vocabSize } = this.config.text;
    const prefix = await this.prefix(pixelValues, batch);
    const ids = options.inputIds ?? Array.from({ length: batch }, () => [bos]);
    const mask = [
      ...(options.attentionMask ?? ids.map((row) => row.map(() => 1))).map((row) => [...new Array<number>(this.config.numQueryTokens).fill(1), ...row]),
    ];
    let { logits, cache } = await this.logits(prefix, ids, options.attentionMask);
    const produced: number[][] = Array.from({ length: batch }, () => []);
    const finished = new Array<boolean>(batch).fill(false);
    for (let step = 0; step < options.maxNewTokens && !finished.every(Boolean); step++) {
      const data = logits.data as Float32Array;
      const positions = logits.dims[1] as number;
      const next = produced.map((row, b) => {
        let token = pad;
        if (!finished[b]) {
          const from = (b * positions + positions - 1) * vocabSize;
          token = 0;
          let best = Number.NEGATIVE_INFINITY;
          for (let v = 0; v < vocabSize; v++) {
            if (v === eos && step < this.config.numQueryTokens) continue;
            const value = data[from + v] as number;
            if (value > best) {
              best = value;
              token = v;
            }
          }
          if (token === eos) finished[b] = true;
        }
        row.push(token);
        mask[b]?.push(1);
        return token;
      });
      if (step + 1 === options.maxNewTokens || finished.every(Boolean)) break;
      const out = await this.decoderWithPast.run({
        ...cache,
        [BLIP2_ONNX_NAMES.inputIds]: this.ints(next.map((t) => [t])),
        [BLIP2_ONNX_NAMES.attentionMask]: this.ints(mask),
      });
      logits = out[BLIP2_ONNX_NAMES.logits] as Ort.Tensor;
      cache = this.cacheOf(out);
    }
    return produced.map((row) => [bos, ...row]);
  }

  async release(): Promise<void> {
    await Promise.all([this.vision.release(), this.decoder.release(), this.decoderWithPast.release()]);
  }
}
