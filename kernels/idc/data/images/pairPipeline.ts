/**
 * The image-pair pipeline: decode both images, stack them (reference on top, resized first
 * where the format asks), optionally augment, resize to the model's input (bicubic, aspect not
 * kept) and CLIP-normalise into a batch tensor (layout in normalize.ts: NHWC float32).
 *
 * Work runs a bounded number of pairs at a time (sharp decodes off the main thread). Prepared
 * tensors are cached by the images' contents and the settings, so a second epoch without
 * augmentation decodes nothing; with augmentation the stacked image is cached and only the
 * augmentation and the resize run again. A pair that cannot be prepared is skipped and
 * reported (or stops the batch under the `fail` policy).
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import pLimit from 'p-limit';
import { augment, validateAugment, type AugmentOptions } from './augment';
import { ImageDecoder, DEFAULT_MAX_PIXELS } from './decode';
import { ImageBytesReader, ImageError, sourceName } from './imageBytes';
import { CLIP_MEAN, CLIP_STD, normalizeInto } from './normalize';
import type { RawImage } from '../../../platform/rawImage';
import { resizeRaw, stackPair } from './stack';
import { ProblemLog } from '../problems';
import { hashSeed, SeededRandom } from '../../../platform/random';
import type { DataProblem, ErrorPolicy, IdcSample, ImageSource } from '../types';
import { throwIfInterrupted } from '../../../outputs/cellContext';
import { checkOptions, type OptionKeys } from '../../../platform/options';

export interface PipelineOptions {
  /** Model input width (default 64). */
  width?: number;
  /** Model input height, both halves (default 128: two 64x64 images). */
  height?: number;
  mean?: readonly [number, number, number];
  std?: readonly [number, number, number];
  /** Augmentation (default none; training passes `{}` for the paper's). */
  augment?: AugmentOptions | false;
  /** Seed of the augmentation draws: the same seed, epoch and sample give the same image. */
  seed?: number;
  /** Pairs prepared at once (default 4). */
  concurrency?: number;
  /** Bytes the cache may hold (default 256 MiB). */
  cacheBytes?: number;
  /** Decompression-bomb limit, pixels per image (default 50 million). */
  maxPixels?: number;
  onError?: ErrorPolicy;
  /** The dataset folder image files must stay inside (set by `dataset.pipeline()`). */
  root?: string;
}

const PIPELINE_OPTIONS: OptionKeys<PipelineOptions> = {
  width: true,
  height: true,
  mean: true,
  std: true,
  augment: true,
  seed: true,
  concurrency: true,
  cacheBytes: true,
  maxPixels: true,
  onError: true,
  root: true,
};

export interface PreparedBatch {
  /** [n, height, width, 3], CLIP-normalised; see normalize.ts for the layout. */
  pixels: Float32Array;
  shape: [number, number, number, 3];
  /** The samples in the tensor, in order (skipped ones left out). */
  samples: IdcSample[];
  /** Problems of the samples skipped in this batch. */
  skipped: DataProblem[];
}

export interface BatchOptions {
  batchSize: number;
  /** Shuffle the order with this seed (per epoch); default: keep the order. */
  shuffleSeed?: number;
  epoch?: number;
}

type CacheValue = Float32Array | RawImage;

export class PairPipeline {
  readonly width: number;
  readonly height: number;
  readonly problems: ProblemLog;
  private readonly mean: readonly number[];
  private readonly std: readonly number[];
  private readonly augmentation: ReturnType<typeof validateAugment> | undefined;
  private readonly seed: number;
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly decoder: ImageDecoder;
  private readonly cache: LRUCache<string, CacheValue>;
  private readonly settingsKey: string;

  constructor(options: PipelineOptions = {}, problems?: ProblemLog) {
    checkOptions('idc.data.PairPipeline', options, PIPELINE_OPTIONS);
    this.width = positiveInteger(options.width ?? 64, 'width');
    this.height = positiveInteger(options.height ?? 128, 'height');
    this.mean = options.mean ?? CLIP_MEAN;
    this.std = options.std ?? CLIP_STD;
    this.augmentation = options.augment === undefined || options.augment === false ? undefined : validateAugment(options.augment);
    this.seed = options.seed ?? 42;
    this.limit = pLimit(positiveInteger(options.concurrency ?? 4, 'concurrency'));
    this.decoder = new ImageDecoder(options.maxPixels ?? DEFAULT_MAX_PIXELS, new ImageBytesReader(options.root));
    this.problems = problems ?? new ProblemLog(options.onError ?? 'skip');
    this.cache = new LRUCache<string, CacheValue>({
      maxSize: Math.max(1, options.cacheBytes ?? 256 * 1024 * 1024),
      sizeCalculation: (v) => Math.max(1, v instanceof Float32Array ? v.byteLength : v.data.byteLength),
    });
    this.settingsKey = JSON.stringify([this.width, this.height, this.mean, this.std]);
  }

  /** Whether a pair's pixels change from epoch to epoch (augmentation on). */
  get augments(): boolean {
    return this.augmentation !== undefined;
  }

  /** Prepares `samples` as one batch. */
  async prepare(samples: readonly IdcSample[], epoch = 0): Promise<PreparedBatch> {
    const size = this.width * this.height * 3;
    const results = await Promise.all(samples.map((s) => this.limit(() => this.preparedPixels(s, epoch))));
    const kept: IdcSample[] = [];
    const skipped: DataProblem[] = [];
    results.forEach((r, i) => {
      if (r instanceof Float32Array) kept.push(samples[i] as IdcSample);
      else {
        this.problems.report(r);
        skipped.push(r);
      }
    });
    const pixels = new Float32Array(kept.length * size);
    let k = 0;
    for (const r of results) if (r instanceof Float32Array) pixels.set(r, size * k++);
    return { pixels, shape: [kept.length, this.height, this.width, 3], samples: kept, skipped };
  }

  /** Batches over `samples` (shuffled per epoch when asked); a batch is prepared while the previous one is used. */
  async *batches(samples: readonly IdcSample[], options: BatchOptions): AsyncGenerator<PreparedBatch> {
    const batchSize = positiveInteger(options.batchSize, 'batchSize');
    const epoch = options.epoch ?? 0;
    const order = options.shuffleSeed === undefined ? [...samples] : new SeededRandom(hashSeed(`${options.shuffleSeed}:${epoch}`)).shuffled(samples);
    let next = order.length > 0 ? this.prepare(order.slice(0, batchSize), epoch) : undefined;
    try {
      for (let start = 0; next; start += batchSize) {
        const current = await next;
        const following = start + batchSize;
        next = following < order.length ? this.prepare(order.slice(following, following + batchSize), epoch) : undefined;
        throwIfInterrupted();
        yield current;
      }
    } finally {
      // A consumer that stops early (break, an interrupt) leaves the prefetched batch behind:
      // its failure, if any, belongs to nobody and must not surface as an unhandled rejection.
      next?.catch(() => undefined);
    }
  }

  /** The stacked pair at full size (for displays): reference on top. */
  async stacked(sample: IdcSample): Promise<RawImage> {
    const [before, after] = await Promise.all([this.decoder.decode(sample.before), this.decoder.decode(sample.after)]);
    return stackPair(before, after, sample.resize, { before: sourceName(sample.before), after: sourceName(sample.after) });
  }

  /** Entries and bytes in the cache. */
  get cacheStats(): { entries: number; bytes: number } {
    return { entries: this.cache.size, bytes: this.cache.calculatedSize };
  }

  private async preparedPixels(sample: IdcSample, epoch: number): Promise<Float32Array | DataProblem> {
    try {
      const [before, after] = await Promise.all([this.encoded(sample.before), this.encoded(sample.after)]);
      const stackKey = `${before.hash}:${after.hash}:${sample.resize}`;
      const preparedKey = `${stackKey}:${this.settingsKey}`;
      if (!this.augmentation) {
        const hit = this.cache.get(preparedKey);
        if (hit instanceof Float32Array) return hit;
      }
      let stacked = this.cache.get(stackKey);
      if (!(stacked && !(stacked instanceof Float32Array))) {
        const [top, bottom] = await Promise.all([this.decode(sample.before, before.bytes), this.decode(sample.after, after.bytes)]);
        stacked = await stackPair(top, bottom, sample.resize, { before: sourceName(sample.before), after: sourceName(sample.after) });
        if (this.augmentation) this.cache.set(stackKey, stacked);
      }
      const image = this.augmentation ? await augment(stacked, new SeededRandom(hashSeed(`${this.seed}:${epoch}:${sample.id}`)), this.augmentation) : stacked;
      const resized = await resizeRaw(image, this.width, this.height);
      const pixels = new Float32Array(this.width * this.height * 3);
      normalizeInto(resized, pixels, 0, this.mean, this.std);
      if (!this.augmentation) this.cache.set(preparedKey, pixels);
      return pixels;
    } catch (error) {
      if (!(error instanceof ImageError)) throw error;
      // reported by prepare(), in sample order: concurrent work finishes in any order
      return { file: error.file, field: error.field, reason: error.reason, sample: sample.id };
    }
  }

  private async encoded(source: ImageSource): Promise<{ bytes: Uint8Array; hash: string }> {
    const bytes = source.kind === 'raw' ? source.data : await this.decoder.encoded(source);
    const hash = createHash('sha1').update(bytes);
    if (source.kind === 'raw') hash.update(`${source.width}x${source.height}`);
    return { bytes, hash: hash.digest('base64') };
  }

  private decode(source: ImageSource, bytes: Uint8Array): Promise<RawImage> {
    return source.kind === 'raw' ? this.decoder.decode(source) : this.decoder.decodeBytes(bytes, source);
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name}: expected a positive integer, found ${value}`);
  return value;
}
