/**
 * Caption generation through onnxruntime-node over the graphs of onnxInterface.ts: the image
 * encoded once, the decoder run once over the prefix and <bos>, then one token per step
 * against its key/value cache. Greedy decoding batches the images; beam search runs one
 * image at a time with its beams as the batch, reordering the cache by each beam's parent.
 */
import fs from 'node:fs';
import path from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { advanceBeams, bestBeam, startBeams, type Beam } from '../../model/decoding';
import { readJsonFile } from '../../../platform/jsonFile';
import type { OnnxGraphs } from './exportOnnx';
import { ONNX_FILES, ONNX_NAMES, validateManifest, type OnnxManifest } from './onnxInterface';
import { loadOnnxRuntime, sessionOptions, type OrtModule, type SessionSettings } from './onnxRuntime';

type Feeds = Record<string, Ort.Tensor>;

/** Row-wise log-softmax of `row` (float64 sums). */
function logSoftmax(row: Float32Array): Float64Array {
  let max = -Infinity;
  for (const v of row) if (v > max) max = v;
  let sum = 0;
  for (const v of row) sum += Math.exp(v - max);
  const log = Math.log(sum);
  return Float64Array.from(row, (v) => v - max - log);
}

/** Index of the largest value; the first on ties (as tf.argMax). */
function argMax(values: Float32Array, from: number, length: number): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < length; i++) {
    const v = values[from + i] as number;
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}

function requireNames(session: Ort.InferenceSession, inputs: readonly string[], outputs: readonly string[], source: string): void {
  const missingIn = inputs.filter((n) => !session.inputNames.includes(n));
  const missingOut = outputs.filter((n) => !session.outputNames.includes(n));
  if (missingIn.length > 0 || missingOut.length > 0) {
    const parts = [missingIn.length > 0 ? `inputs ${missingIn.join(', ')}` : '', missingOut.length > 0 ? `outputs ${missingOut.join(', ')}` : ''].filter(
      Boolean,
    );
    throw new Error(
      `${source}: expected the ${parts.join(' and ')} of the IDC Lab ONNX interface; the graph has inputs ${session.inputNames.join(', ')} and outputs ${session.outputNames.join(', ')}`,
    );
  }
}

export class OnnxCaptioner {
  private constructor(
    private readonly ort: OrtModule,
    private readonly vision: Ort.InferenceSession,
    private readonly decoder: Ort.InferenceSession,
    private readonly decoderWithPast: Ort.InferenceSession,
    readonly manifest: OnnxManifest,
    readonly providers: string[],
  ) {}

  /** Sessions over graphs in memory (or read from `source`); throws when the runtime is missing or a graph breaks the interface. */
  static async create(graphs: OnnxGraphs, settings: SessionSettings = {}, source = 'ONNX model'): Promise<OnnxCaptioner> {
    const runtime = await loadOnnxRuntime();
    if ('reason' in runtime) throw new Error(runtime.reason);
    const { ort } = runtime;
    const options = sessionOptions(settings);
    const open = async (bytes: Uint8Array, name: string) => {
      try {
        return await ort.InferenceSession.create(bytes, options);
      } catch (error) {
        throw new Error(`${source}/${name}: onnxruntime could not load the graph: ${(error as Error).message}`);
      }
    };
    const m = graphs.manifest;
    const layers = Array.from({ length: m.decoder.layers }, (_, i) => i);
    const present = layers.flatMap((i) => [ONNX_NAMES.presentKey(i), ONNX_NAMES.presentValue(i)]);
    const opened: Ort.InferenceSession[] = [];
    try {
      for (const [bytes, name] of [
        [graphs.vision, ONNX_FILES.vision],
        [graphs.decoder, ONNX_FILES.decoder],
        [graphs.decoderWithPast, ONNX_FILES.decoderWithPast],
      ] as const)
        opened.push(await open(bytes, name));
    } catch (error) {
      // a later graph failed: the sessions already open would hold their memory until exit
      await Promise.all(opened.map((o) => o.release()));
      throw error;
    }
    const [vision, decoder, withPast] = opened as [Ort.InferenceSession, Ort.InferenceSession, Ort.InferenceSession];
    try {
      requireNames(vision, [ONNX_NAMES.patches], [ONNX_NAMES.prefix], `${source}/${ONNX_FILES.vision}`);
      requireNames(decoder, [ONNX_NAMES.prefix, ONNX_NAMES.inputIds], [ONNX_NAMES.logits, ...present], `${source}/${ONNX_FILES.decoder}`);
      requireNames(
        withPast,
        [ONNX_NAMES.inputIds, ...layers.flatMap((i) => [ONNX_NAMES.pastKey(i), ONNX_NAMES.pastValue(i)])],
        [ONNX_NAMES.logits, ...present],
        `${source}/${ONNX_FILES.decoderWithPast}`,
      );
    } catch (error) {
      await Promise.all([vision.release(), decoder.release(), withPast.release()]);
      throw error;
    }
    return new OnnxCaptioner(ort, vision, decoder, withPast, m, options.executionProviders as string[]);
  }

  /** A folder in the layout of onnxInterface.ts, written here or by another tool. */
  static async fromDirectory(dir: string, settings: SessionSettings = {}): Promise<OnnxCaptioner> {
    const manifestFile = path.join(dir, ONNX_FILES.manifest);
    const manifest = validateManifest(await readJsonFile(manifestFile), manifestFile);
    const read = async (name: string) => {
      const file = path.join(dir, name);
      try {
        return new Uint8Array(await fs.promises.readFile(file));
      } catch (error) {
        throw new Error(`${file}: cannot read the graph: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
    };
    const graphs: OnnxGraphs = {
      vision: await read(ONNX_FILES.vision),
      decoder: await read(ONNX_FILES.decoder),
      decoderWithPast: await read(ONNX_FILES.decoderWithPast),
      manifest,
    };
    return OnnxCaptioner.create(graphs, settings, dir);
  }

  private get patchShape(): [number, number] {
    const { width, height, patch } = this.manifest.image;
    return [(width / patch) * (height / patch), patch * patch * 3];
  }

  private ids(rows: readonly (readonly number[])[]): Ort.Tensor {
    const t = rows[0]?.length ?? 0;
    return new this.ort.Tensor(
      'int64',
      BigInt64Array.from(rows.flat(), (v) => BigInt(v)),
      [rows.length, t],
    );
  }

  /** patches [n, N, P] (patchify's layout) -> prefix [n, Q, dd]. */
  async encode(patches: Float32Array, n: number): Promise<Ort.Tensor> {
    const [tokens, size] = this.patchShape;
    if (patches.length !== n * tokens * size) throw new RangeError(`OnnxCaptioner: expected ${n} x ${tokens} x ${size} patch values, found ${patches.length}`);
    const out = await this.vision.run({ [ONNX_NAMES.patches]: new this.ort.Tensor('float32', patches, [n, tokens, size]) });
    return out[ONNX_NAMES.prefix] as Ort.Tensor;
  }

  /** Teacher-forced logits [n, T, V] for token rows of one length: the parity check with TensorFlow.js. */
  async logits(patches: Float32Array, n: number, ids: readonly (readonly number[])[]): Promise<Float32Array> {
    const length = ids[0]?.length ?? 0;
    if (ids.length !== n || ids.some((row) => row.length !== length))
      throw new RangeError(
        `OnnxCaptioner.logits: ids: expected ${n} rows of one length, found ${ids.length} rows of lengths ${[...new Set(ids.map((r) => r.length))].join(', ')}`,
      );
    this.checkMaxTokens(length);
    const prefix = await this.encode(patches, n);
    const out = await this.decoder.run({ [ONNX_NAMES.prefix]: prefix, [ONNX_NAMES.inputIds]: this.ids(ids) });
    return (out[ONNX_NAMES.logits] as Ort.Tensor).data as Float32Array;
  }

  /**
   * The same logits as `logits`, computed as generation does: the first token with the
   * prefix, then one token at a time against the key/value cache (the cache's parity check).
   */
  async cachedLogits(patches: Float32Array, n: number, ids: readonly (readonly number[])[]): Promise<Float32Array> {
    const length = ids[0]?.length ?? 0;
    this.checkMaxTokens(length);
    const vocab = this.manifest.vocabSize;
    const outRows = new Float32Array(n * length * vocab);
    let out = await this.decoder.run({ [ONNX_NAMES.prefix]: await this.encode(patches, n), [ONNX_NAMES.inputIds]: this.ids(ids.map((r) => [r[0] as number])) });
    for (let t = 0; t < length; t++) {
      if (t > 0) out = await this.decoderWithPast.run({ [ONNX_NAMES.inputIds]: this.ids(ids.map((r) => [r[t] as number])), ...this.pastFeeds(out) });
      const step = (out[ONNX_NAMES.logits] as Ort.Tensor).data as Float32Array; // [n, 1, V]
      for (let i = 0; i < n; i++) outRows.set(step.subarray(i * vocab, (i + 1) * vocab), (i * length + t) * vocab);
    }
    return outRows;
  }

  private pastFeeds(out: Ort.InferenceSession.ReturnType): Feeds {
    const feeds: Feeds = {};
    for (let i = 0; i < this.manifest.decoder.layers; i++) {
      feeds[ONNX_NAMES.pastKey(i)] = out[ONNX_NAMES.presentKey(i)] as Ort.Tensor;
      feeds[ONNX_NAMES.pastValue(i)] = out[ONNX_NAMES.presentValue(i)] as Ort.Tensor;
    }
    return feeds;
  }

  /** The decoder's positions bound a caption's length: more would index past its position table. */
  private checkMaxTokens(maxTokens: number): void {
    const most = this.manifest.decoder.maxTokens;
    if (!Number.isInteger(maxTokens) || maxTokens < 1 || maxTokens > most)
      throw new RangeError(`OnnxCaptioner: maxTokens: expected a whole number from 1 to ${most} (the decoder's positions), found ${maxTokens}`);
  }

  /** Greedy token ids per image (as `greedyDecode`): up to `maxTokens`, <pad> after <eos>. */
  async greedy(patches: Float32Array, n: number, maxTokens = this.manifest.decoder.maxTokens): Promise<number[][]> {
    this.checkMaxTokens(maxTokens);
    const { bos, eos, pad } = this.manifest.special;
    const vocab = this.manifest.vocabSize;
    const prefix = await this.encode(patches, n);
    const rows: number[][] = Array.from({ length: n }, () => []);
    const done = new Array<boolean>(n).fill(false);
    let out = await this.decoder.run({ [ONNX_NAMES.prefix]: prefix, [ONNX_NAMES.inputIds]: this.ids(rows.map(() => [bos])) });
    for (let t = 0; t < maxTokens; t++) {
      // the logits of the last position of each row: [n, T, V] with T the tokens of this call
      const logits = (out[ONNX_NAMES.logits] as Ort.Tensor).data as Float32Array;
      const stride = logits.length / n;
      for (let i = 0; i < n; i++) {
        const id = done[i] ? pad : argMax(logits, i * stride + stride - vocab, vocab);
        (rows[i] as number[]).push(id);
        if (id === eos) done[i] = true;
      }
      if (done.every(Boolean) || t + 1 >= maxTokens) break;
      out = await this.decoderWithPast.run({ [ONNX_NAMES.inputIds]: this.ids(rows.map((r) => [r[r.length - 1] as number])), ...this.pastFeeds(out) });
    }
    return rows;
  }

  /** Beam search per image (as `beamDecode`): the winner by length-normalised log-probability. */
  async beam(patches: Float32Array, n: number, beams = 3, maxTokens = this.manifest.decoder.maxTokens): Promise<number[][]> {
    this.checkMaxTokens(maxTokens);
    if (!Number.isInteger(beams) || beams < 1) throw new RangeError(`OnnxCaptioner: beams: expected a whole number >= 1, found ${beams}`);
    const [tokens, size] = this.patchShape;
    const vocab = this.manifest.vocabSize;
    const results: number[][] = [];
    for (let image = 0; image < n; image++) {
      const prefix = await this.encode(patches.subarray(image * tokens * size, (image + 1) * tokens * size), 1);
      let live: Beam[] = startBeams();
      const finished: Beam[] = [];
      let out = await this.decoder.run({ [ONNX_NAMES.prefix]: prefix, [ONNX_NAMES.inputIds]: this.ids([[this.manifest.special.bos]]) });
      for (let t = 0; t < maxTokens && live.length > 0; t++) {
        const logits = (out[ONNX_NAMES.logits] as Ort.Tensor).data as Float32Array;
        const stride = logits.length / live.length;
        const rows = live.map((_, k) => logSoftmax(logits.subarray(k * stride + stride - vocab, (k + 1) * stride)));
        live = advanceBeams(live, rows, beams, finished);
        if (live.length === 0 || t + 1 >= maxTokens) break;
        out = await this.decoderWithPast.run({
          [ONNX_NAMES.inputIds]: this.ids(live.map((b) => [b.ids[b.ids.length - 1] as number])),
          ...this.reorder(
            this.pastFeeds(out),
            live.map((b) => b.parent),
          ),
        });
      }
      results.push(bestBeam(finished, live));
    }
    return results;
  }

  /** The cache rows of each beam's parent: [b, H, P, dh] -> [parents.length, H, P, dh]. */
  private reorder(feeds: Feeds, parents: readonly number[]): Feeds {
    const out: Feeds = {};
    for (const [name, tensor] of Object.entries(feeds)) {
      const [b, h, p, d] = tensor.dims as [number, number, number, number];
      const row = h * p * d;
      const data = tensor.data as Float32Array;
      const picked = new Float32Array(parents.length * row);
      parents.forEach((parent, k) => {
        if (parent >= b) throw new RangeError(`beam parent ${parent} outside the ${b} live beams`);
        picked.set(data.subarray(parent * row, (parent + 1) * row), k * row);
      });
      out[name] = new this.ort.Tensor('float32', picked, [parents.length, h, p, d]);
    }
    return out;
  }

  async release(): Promise<void> {
    await Promise.all([this.vision.release(), this.decoder.release(), this.decoderWithPast.release()]);
  }
}
