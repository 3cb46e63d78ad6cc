/**
 * BLIP-2 (OPT) through onnxruntime-node: the graphs of blip2Graphs.ts made from a model (its
 * adapter merged), the image encoded once, the language model run over the prefix and the
 * prompt, then one token per step against its key/value cache. Greedy decoding as
 * model/blip2/generate.ts does it: BOS plus the new tokens, EOS banned for the first
 * `num_query_tokens` of them, finished sequences padded.
 */
import fs from 'node:fs';
import path from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { readJsonFile } from '../../../platform/jsonFile';
import { parseBlip2Config, type Blip2Config } from '../../model/blip2/config';
import { CONFIG_FILE } from '../../model/blip2/files';
import type { NamedArrays } from '../../model/parameters';
import type { Blip2Model } from '../../model/blip2/model';
import { blip2DecoderGraph, blip2VisionGraph } from './blip2Graphs';
import { ONNX_FILES, ONNX_NAMES, validateManifest, type OnnxManifest } from './onnxInterface';
import { loadOnnxRuntime, sessionOptions, type OrtModule, type SessionSettings } from './onnxRuntime';

export interface Blip2OnnxGraphs {
  config: Blip2Config;
  vision: Uint8Array;
  decoder: Uint8Array;
  decoderWithPast: Uint8Array;
}

/** The graphs of a config and its weights in the compute layout (an adapter already merged). */
export function graphsOfWeights(config: Blip2Config, weights: NamedArrays): Blip2OnnxGraphs {
  return {
    config,
    vision: blip2VisionGraph(config, weights),
    decoder: blip2DecoderGraph(config, weights, false),
    decoderWithPast: blip2DecoderGraph(config, weights, true),
  };
}

/** The graphs of a model in memory, its adapter merged. */
export async function blip2OnnxGraphs(model: Blip2Model): Promise<Blip2OnnxGraphs> {
  return graphsOfWeights(model.config, await model.mergedWeights());
}

async function readGraph(file: string): Promise<Uint8Array> {
  try {
    return await fs.promises.readFile(file);
  } catch (error) {
    throw new Error(`${file}: cannot read the graph: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** The graphs of an exported folder (onnxInterface.ts): config.json, idc_onnx.json and the three graphs. */
export async function readOnnxFolder(dir: string): Promise<Blip2OnnxGraphs & { manifest: OnnxManifest }> {
  const manifestFile = path.join(dir, ONNX_FILES.manifest);
  const manifest = validateManifest(await readJsonFile(manifestFile), manifestFile);
  const configFile = path.join(dir, CONFIG_FILE);
  const config = parseBlip2Config(await readJsonFile(configFile), configFile);
  const [vision, decoder, decoderWithPast] = await Promise.all(
    [ONNX_FILES.vision, ONNX_FILES.decoder, ONNX_FILES.decoderWithPast].map((name) => readGraph(path.join(dir, name))),
  );
  return { config, manifest, vision: vision as Uint8Array, decoder: decoder as Uint8Array, decoderWithPast: decoderWithPast as Uint8Array };
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

  /** A runner of an exported folder (onnxInterface.ts), checked file by file. */
  static async fromDirectory(dir: string, settings: SessionSettings = {}): Promise<Blip2OnnxRunner> {
    return Blip2OnnxRunner.create(await readOnnxFolder(dir), settings);
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
    const out = await this.vision.run({ [ONNX_NAMES.pixelValues]: new this.ort.Tensor('float32', pixelValues, [batch, 3, s, s]) });
    return out[ONNX_NAMES.prefix] as Ort.Tensor;
  }

  /** Logits [B, Q + T, V] over the prefix and `ids` (text mask `mask`, default ones), and the cache. */
  async logits(prefix: Ort.Tensor, ids: readonly (readonly number[])[], mask?: readonly (readonly number[])[]): Promise<{ logits: Ort.Tensor; cache: Feeds }> {
    const q = this.config.numQueryTokens;
    const full = ids.map((row, b) => [...new Array<number>(q).fill(1), ...(mask?.[b] ?? row.map(() => 1))]);
    const out = await this.decoder.run({
      [ONNX_NAMES.prefix]: prefix,
      [ONNX_NAMES.inputIds]: this.ints(ids),
      [ONNX_NAMES.attentionMask]: this.ints(full),
    });
    return { logits: out[ONNX_NAMES.logits] as Ort.Tensor, cache: this.cacheOf(out) };
  }

  private cacheOf(out: Ort.InferenceSession.ReturnType): Feeds {
    const cache: Feeds = {};
    for (let i = 0; i < this.config.text.numHiddenLayers; i++) {
      cache[ONNX_NAMES.pastKey(i)] = out[ONNX_NAMES.presentKey(i)] as Ort.Tensor;
      cache[ONNX_NAMES.pastValue(i)] = out[ONNX_NAMES.presentValue(i)] as Ort.Tensor;
    }
    return cache;
  }

  /** Greedy ids: BOS then up to `maxNewTokens` new tokens per image (the prompt, default BOS, not repeated). */
  async generate(
    pixelValues: Float32Array,
    batch: number,
    options: { maxNewTokens: number; minNewTokens?: number; inputIds?: number[][]; attentionMask?: number[][] },
  ): Promise<number[][]> {
    const { bosTokenId: bos, eosTokenId: eos, padTokenId: pad, vocabSize } = this.config.text;
    // EOS banned for the first minNewTokens (default num_query_tokens, as generate.ts)
    const minNewTokens = options.minNewTokens ?? this.config.numQueryTokens;
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
            if (v === eos && step < minNewTokens) continue;
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
        [ONNX_NAMES.inputIds]: this.ints(next.map((t) => [t])),
        [ONNX_NAMES.attentionMask]: this.ints(mask),
      });
      logits = out[ONNX_NAMES.logits] as Ort.Tensor;
      cache = this.cacheOf(out);
    }
    return produced.map((row) => [bos, ...row]);
  }

  async release(): Promise<void> {
    await Promise.all([this.vision.release(), this.decoder.release(), this.decoderWithPast.release()]);
  }
}
