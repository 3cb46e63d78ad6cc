/**
 * Features of the stages no adapter touches, computed the first time a pair is seen and
 * reused every later epoch. With LoRA on the LLM alone the ViT and the Q-Former are frozen, so
 * a pair's prefix is the same each time (without augmentation): training then runs the decoder
 * only. With LoRA on the Q-Former and the LLM, the ViT's patch features are reused. The losses
 * are those of the full forward pass (`Blip2Idc.lossFrom`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { LRUCache } from 'lru-cache';
import type { Blip2Idc } from '../model/blip2idc';
import { patchGrid } from '../model/config';
import type { LoraModule } from '../model/lora';
import type { IdcSample } from '../data/types';

export type FrozenStage = 'image' | 'prefix';

/** The last stage whose output no adapter in `modules` changes, if any. */
export function frozenStage(modules: readonly LoraModule[]): FrozenStage | undefined {
  if (modules.includes('vit')) return undefined;
  return modules.includes('qformer') ? 'image' : 'prefix';
}

const key = (s: IdcSample) => `${s.split}:${s.id}`;

export class FrozenFeatureCache {
  private readonly cache: LRUCache<string, Float32Array>;

  /** `maxBytes` bounds the memory (default 512 MiB; a pair's prefix is 8 KB at the default size). */
  constructor(
    private readonly model: Blip2Idc,
    readonly stage: FrozenStage,
    maxBytes = 512 * 1024 * 1024,
  ) {
    this.cache = new LRUCache<string, Float32Array>({ maxSize: Math.max(1, maxBytes), sizeCalculation: (v) => Math.max(1, v.byteLength) });
  }

  /** Features [B, T, d] of `samples` (whose patches are `patches`), computed for the batch when any is missing. */
  async features(samples: readonly IdcSample[], patches: tf.Tensor3D): Promise<tf.Tensor3D> {
    const cached = samples.map((s) => this.cache.get(key(s)));
    if (cached.every((c): c is Float32Array => c !== undefined)) {
      const [t, d] = this.shape();
      const flat = new Float32Array(samples.length * t * d);
      cached.forEach((c, i) => flat.set(c, i * t * d));
      return tf.tensor3d(flat, [samples.length, t, d]);
    }
    // no adapter acts before this stage: no dropout, nothing to train, so no gradient either
    const features = tf.tidy(() => {
      const image = this.model.encodeImage(patches);
      return this.stage === 'image' ? image : this.model.queryPrefix(image);
    });
    const values = (await features.data()) as Float32Array;
    const per = values.length / samples.length;
    samples.forEach((s, i) => this.cache.set(key(s), values.slice(i * per, (i + 1) * per)));
    return features;
  }

  private shape(): [number, number] {
    const { config } = this.model;
    return this.stage === 'prefix' ? [config.qformer.queries, config.decoder.dim] : [patchGrid(config).tokens, config.vit.dim];
  }
}
