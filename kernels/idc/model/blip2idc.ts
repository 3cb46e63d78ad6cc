/**
 * BLIP2IDC-mini: the paper's model at a size a CPU trains in minutes.
 *
 *   stacked pair [B, H, W, 3] --patches--> [B, N, p*p*3]
 *   ViT: patch projection + learned positions, pre-LN blocks      -> [B, N, dv]
 *   Q-Former: Q learned queries; self-attention in every block,
 *             cross-attention to the ViT output every crossEvery   -> [B, Q, dq]
 *   projection dq -> dd: the decoder's prefix                      -> [B, Q, dd]
 *   decoder: causal pre-LN blocks over [prefix; tokens], the
 *            prefix visible to every position, tied output head    -> [B, L, V]
 *
 * Every linear goes through `linear()`, which adds a LoRA branch where an adapter is attached.
 */
import * as tf from '@tensorflow/tfjs-core';
import { patchGrid, validateConfig, type ModelConfig } from './config';
import { gridPositions, normalValues, positionCodes, uniformValues } from './init';
import { seedCounterpartHead, seedRectifier, nearIdentity, positionSeeded, queryCentres, SEEDED_ATTENTION_GAIN } from './seeding';
import { loraTargets, validateLora, type LoraSettings } from './lora';
import { attention, causalMask, dense, embed, gelu, layerNorm, maskedCrossEntropy, matmul2d } from './ops';
import { Parameters } from './parameters';
import { SeededRandom } from '../../platform/random';

export interface ForwardOptions {
  /** Training mode: LoRA dropout is applied, with seeds drawn from `dropoutSeed` upward. */
  training?: boolean;
  dropoutSeed?: number;
  /** Keep the ViT's attention weights per layer ([B*heads, N, N]) for the attention maps. */
  captureAttention?: boolean;
}

/** Choices of the seeded start that are off by default (kept to reproduce the README's measurements). */
export interface StartOptions {
  /** Seed the first ViT block's MLP as a rectifier of the correspondence head's difference (seeding.ts). */
  rectifier?: boolean;
}

export interface CaptionBatch {
  /** Patches [B, N, p*p*3] (see `patchify`). */
  patches: tf.Tensor3D;
  /** Decoder input ids [B, L]: <bos> w1 ... */
  inputs: tf.Tensor2D;
  /** Next-token targets [B * L] and their mask (0 on padding). */
  targets: tf.Tensor1D;
  mask: tf.Tensor1D;
}

interface AttachedLora {
  settings: Required<LoraSettings>;
  scale: number;
  layers: Set<string>;
  merged: boolean;
}

export class Blip2Idc {
  readonly config: ModelConfig;
  readonly params = new Parameters();
  private lora: AttachedLora | undefined;
  private dropoutCounter = 0;
  private dropoutBase = 0;
  private training = false;
  private masks = new Map<number, tf.Tensor2D>();
  /** ViT self-attention weights per layer ([B*heads, N, N]) of the last pass with `captureAttention`. */
  capturedAttention: tf.Tensor3D[] = [];
  /** Q-Former cross-attention weights per cross layer ([B*heads, Q, N]) of the same pass. */
  capturedCrossAttention: tf.Tensor3D[] = [];
  private capturing = false;

  constructor(config: ModelConfig, seed = 42, start: StartOptions = {}) {
    this.config = validateConfig(config);
    this.initBase(new SeededRandom(seed), start);
  }

  // ---- parameters ---------------------------------------------------------------------

  private initBase(rng: SeededRandom, start: StartOptions): void {
    const { vit, qformer, decoder, vocabSize } = this.config;
    const grid = patchGrid(this.config);
    const p = this.params;
    const normal = (name: string, shape: number[], std = 0.02) =>
      p.add(
        name,
        shape,
        normalValues(
          shape.reduce((a, b) => a * b, 1),
          std,
          rng,
        ),
      );
    const zeros = (name: string, shape: number[]) => p.add(name, shape, new Float32Array(shape.reduce((a, b) => a * b, 1)));
    const ones = (name: string, n: number) => p.add(name, [n], new Float32Array(n).fill(1));
    const linear = (name: string, inputs: number, outputs: number, std = 0.02) => {
      normal(`${name}.weight`, [inputs, outputs], std);
      zeros(`${name}.bias`, [outputs]);
    };
    const norm = (name: string, n: number) => {
      ones(`${name}.gain`, n);
      zeros(`${name}.bias`, [n]);
    };
    const mlp = (name: string, dim: number, ratio: number, layers: number) => {
      linear(`${name}.fc1`, dim, dim * ratio);
      linear(`${name}.fc2`, dim * ratio, dim, 0.02 / Math.sqrt(2 * layers));
    };

    // 1/sqrt(fan-in) for the patch projection: with 0.02 the image barely reaches the decoder
    linear('vit.patch', grid.patchSize, vit.dim, 1 / Math.sqrt(grid.patchSize));
    // Position-seeded start (when the widths allow it): the ViT's learned positions start as
    // 2-D sine-cosine codes, each query starts as the code of its own block of patches, and
    // the first cross-attention's query and key projections start near 2 x identity, so each
    // query at first reads its own region of the pair. From the usual small random start the
    // queries average all 32 patches, a small object is a thirtieth of that average, and the
    // prefix was measured to carry no more about the objects than chance after 1,500 steps.
    const seeded = positionSeeded(this.config);
    if (seeded)
      p.add('vit.pos', [grid.tokens, vit.dim], positionCodes(gridPositions(grid.rows, grid.columns), vit.dim, qformer.heads, grid.rows, grid.columns));
    else normal('vit.pos', [grid.tokens, vit.dim]);
    for (let i = 0; i < vit.layers; i++) {
      const b = `vit.blocks.${i}`;
      norm(`${b}.ln1`, vit.dim);
      linear(`${b}.attn.qkv`, vit.dim, 3 * vit.dim);
      linear(`${b}.attn.out`, vit.dim, vit.dim, 0.02 / Math.sqrt(2 * vit.layers));
      if (seeded && i === 0) {
        // head 0 of the first block starts as a correspondence head: each patch attends to the
        // patch at the same place in the other image and subtracts it (see seeding.ts)
        seedCounterpartHead(this.config, p.get('vit.patch.weight'), p.get(`${b}.attn.qkv.weight`), p.get(`${b}.attn.out.weight`));
      }
      norm(`${b}.ln2`, vit.dim);
      mlp(`${b}.mlp`, vit.dim, vit.mlpRatio, vit.layers);
      // optionally its MLP rectifies the difference the head left (measured: no better, see README)
      if (seeded && i === 0 && start.rectifier === true) seedRectifier(this.config, p.get(`${b}.mlp.fc1.weight`), p.get(`${b}.mlp.fc2.weight`));
    }
    norm('vit.ln', vit.dim);

    if (seeded)
      p.add('qformer.queries', [qformer.queries, qformer.dim], positionCodes(queryCentres(this.config), qformer.dim, qformer.heads, grid.rows, grid.columns));
    else normal('qformer.queries', [qformer.queries, qformer.dim]);
    for (let i = 0; i < qformer.layers; i++) {
      const b = `qformer.blocks.${i}`;
      norm(`${b}.ln_self`, qformer.dim);
      for (const x of ['q', 'k', 'v']) linear(`${b}.self.${x}`, qformer.dim, qformer.dim);
      linear(`${b}.self.out`, qformer.dim, qformer.dim, 0.02 / Math.sqrt(2 * qformer.layers));
      if (i % qformer.crossEvery === 0) {
        norm(`${b}.ln_cross`, qformer.dim);
        if (seeded && i === 0) {
          // q, k: 2 x identity, so queries pick their region; v, out: identity, so what they
          // read reaches the queries at the scale of the position codes instead of a hundredth
          for (const [x, gain] of [
            ['q', SEEDED_ATTENTION_GAIN],
            ['k', SEEDED_ATTENTION_GAIN],
            ['v', 1],
            ['out', 1],
          ] as const) {
            p.add(`${b}.cross.${x}.weight`, [qformer.dim, qformer.dim], nearIdentity(qformer.dim, gain, rng));
            zeros(`${b}.cross.${x}.bias`, [qformer.dim]);
          }
        } else {
          linear(`${b}.cross.q`, qformer.dim, qformer.dim);
          for (const x of ['k', 'v']) linear(`${b}.cross.${x}`, vit.dim, qformer.dim);
          linear(`${b}.cross.out`, qformer.dim, qformer.dim, 0.02 / Math.sqrt(2 * qformer.layers));
        }
      }
      norm(`${b}.ln_mlp`, qformer.dim);
      mlp(`${b}.mlp`, qformer.dim, qformer.mlpRatio, qformer.layers);
    }
    norm('qformer.ln', qformer.dim);
    linear('proj', qformer.dim, decoder.dim);

    normal('decoder.tokens', [vocabSize, decoder.dim]);
    normal('decoder.pos', [qformer.queries + decoder.maxTokens, decoder.dim]);
    for (let i = 0; i < decoder.layers; i++) {
      const b = `decoder.blocks.${i}`;
      norm(`${b}.ln1`, decoder.dim);
      for (const x of ['q', 'k', 'v']) linear(`${b}.attn.${x}`, decoder.dim, decoder.dim);
      linear(`${b}.attn.out`, decoder.dim, decoder.dim, 0.02 / Math.sqrt(2 * decoder.layers));
      norm(`${b}.ln2`, decoder.dim);
      mlp(`${b}.mlp`, decoder.dim, decoder.mlpRatio, decoder.layers);
    }
    norm('decoder.ln', decoder.dim);
  }

  /** Attaches a fresh adapter (A random, B zero) and freezes the base. */
  attachLora(settings: LoraSettings, seed: number): void {
    if (this.lora) throw new Error('a LoRA adapter is already attached; detach it first');
    const s = validateLora(settings);
    const rng = new SeededRandom(seed);
    const layers = new Set<string>();
    for (const t of loraTargets(this.config, s.modules)) {
      // PEFT's default: A ~ kaiming-uniform(a = sqrt(5)) = U(-1/sqrt(in), 1/sqrt(in)); B = 0
      this.params.add(`${t.layer}.lora_A`, [t.inputs, s.rank], uniformValues(t.inputs * s.rank, 1 / Math.sqrt(t.inputs), rng), 'adapter');
      this.params.add(`${t.layer}.lora_B`, [s.rank, t.outputs], new Float32Array(s.rank * t.outputs), 'adapter');
      layers.add(t.layer);
    }
    this.lora = { settings: s, scale: s.alpha / s.rank, layers, merged: false };
    this.params.baseTrainable = false;
  }

  get loraSettings(): Required<LoraSettings> | undefined {
    return this.lora?.settings;
  }

  /** Whether the attached adapter is merged into the base weights (false when none is attached). */
  get loraMerged(): boolean {
    return this.lora?.merged === true;
  }

  detachLora(): void {
    if (this.lora?.merged) this.unmergeLora();
    this.params.disposeAdapters();
    this.lora = undefined;
    this.params.baseTrainable = true;
  }

  /** W += scale * A B for every target: inference without the extra matmuls. */
  mergeLora(): void {
    this.applyMerge(+1);
  }

  unmergeLora(): void {
    this.applyMerge(-1);
  }

  private applyMerge(sign: 1 | -1): void {
    const lora = this.lora;
    if (!lora) throw new Error('no LoRA adapter is attached');
    if (lora.merged === sign > 0) throw new Error(sign > 0 ? 'the adapter is already merged' : 'the adapter is not merged');
    tf.tidy(() => {
      for (const layer of lora.layers) {
        const w = this.params.get(`${layer}.weight`);
        const delta = tf.mul(tf.matMul(this.params.get(`${layer}.lora_A`), this.params.get(`${layer}.lora_B`)), sign * lora.scale);
        w.assign(tf.add(w, delta));
      }
    });
    lora.merged = sign > 0;
  }

  // ---- forward ------------------------------------------------------------------------

  private w(name: string): tf.Tensor2D {
    return this.params.get(name) as tf.Tensor as tf.Tensor2D;
  }

  private v1(name: string): tf.Tensor1D {
    return this.params.get(name) as tf.Tensor as tf.Tensor1D;
  }

  /** y = x W + b, plus the LoRA branch when `name` is adapted: (dropout(x) A B) * alpha / r. */
  private linear(x: tf.Tensor, name: string): tf.Tensor {
    const trainBase = this.params.baseTrainable;
    let y = dense(x, this.w(`${name}.weight`), this.v1(`${name}.bias`), trainBase);
    const lora = this.lora;
    if (lora && !lora.merged && lora.layers.has(name)) {
      const rate = lora.settings.dropout;
      const input = this.training && rate > 0 ? tf.dropout(x, rate, undefined, this.dropoutBase + this.dropoutCounter++) : x;
      const low = dense(input, this.w(`${name}.lora_A`), undefined, true);
      y = tf.add(y, tf.mul(dense(low, this.w(`${name}.lora_B`), undefined, true), lora.scale));
    }
    return y;
  }

  /**
   * The ViT's fused qkv projection (one weight [d, 3d], one LoRA target), computed as three
   * products with column blocks of the weight: splitting the [B, N, 3d] activation costs more
   * on WASM than slicing the small weight.
   */
  private fusedQkv(x: tf.Tensor, name: string, d: number): [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D] {
    const trainBase = this.params.baseTrainable;
    const w = this.w(`${name}.weight`);
    const b = this.v1(`${name}.bias`);
    const lora = this.lora;
    const adapted = lora && !lora.merged && lora.layers.has(name);
    let low: tf.Tensor | undefined;
    if (adapted) {
      const rate = lora.settings.dropout;
      const input = this.training && rate > 0 ? tf.dropout(x, rate, undefined, this.dropoutBase + this.dropoutCounter++) : x;
      low = dense(input, this.w(`${name}.lora_A`), undefined, true);
    }
    const parts = [0, 1, 2].map((i) => {
      let y = dense(x, tf.slice(w, [0, i * d], [-1, d]) as tf.Tensor2D, tf.slice(b, [i * d], [d]) as tf.Tensor1D, trainBase);
      if (adapted && low) {
        const bBlock = tf.slice(this.w(`${name}.lora_B`), [0, i * d], [-1, d]) as tf.Tensor2D;
        y = tf.add(y, tf.mul(dense(low, bBlock, undefined, true), lora.scale));
      }
      return y as tf.Tensor3D;
    });
    return parts as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
  }

  private norm(x: tf.Tensor, name: string): tf.Tensor {
    return layerNorm(x, this.v1(`${name}.gain`), this.v1(`${name}.bias`));
  }

  private mlp(x: tf.Tensor, name: string): tf.Tensor {
    return this.linear(gelu(this.linear(x, `${name}.fc1`)), `${name}.fc2`);
  }

  private causal(t: number, prefix: number): tf.Tensor2D {
    const key = t * 10_000 + prefix;
    let m = this.masks.get(key);
    if (!m) {
      m = tf.keep(causalMask(t, prefix));
      this.masks.set(key, m);
    }
    return m;
  }

  /** Patches [B, N, P] -> the decoder's prefix [B, Q, dd]. */
  encode(patches: tf.Tensor3D, options: ForwardOptions = {}): tf.Tensor3D {
    return this.queryPrefix(this.encodeImage(patches, options));
  }

  /** ViT: patches [B, N, P] -> patch features [B, N, dv] (after the final norm). */
  encodeImage(patches: tf.Tensor3D, options: ForwardOptions = {}): tf.Tensor3D {
    this.begin(options);
    const { vit } = this.config;
    // ViT: [B, N, P] -> [B, N, dv]
    let x = tf.add(this.linear(patches, 'vit.patch'), this.params.get('vit.pos')) as tf.Tensor3D;
    this.capturing = options.captureAttention === true;
    if (this.capturing) this.disposeCaptured();
    for (let i = 0; i < vit.layers; i++) {
      const blk = `vit.blocks.${i}`;
      const [q, k, v] = this.fusedQkv(this.norm(x, `${blk}.ln1`), `${blk}.attn.qkv`, vit.dim); // 3 x [B, N, dv]
      const { out, weights } = attention(q, k, v, vit.heads);
      if (options.captureAttention) this.capturedAttention.push(tf.keep(weights));
      x = tf.add(x, this.linear(out, `${blk}.attn.out`)) as tf.Tensor3D;
      x = tf.add(x, this.mlp(this.norm(x, `${blk}.ln2`), `${blk}.mlp`)) as tf.Tensor3D;
    }
    return this.norm(x, 'vit.ln') as tf.Tensor3D;
  }

  /** Q-Former and projection: patch features [B, N, dv] -> the decoder's prefix [B, Q, dd]. */
  queryPrefix(image: tf.Tensor3D): tf.Tensor3D {
    const { qformer } = this.config;
    const [b] = image.shape;
    // Q-Former: [Q, dq] queries -> [B, Q, dq]
    let h = tf.tile(tf.expandDims(this.params.get('qformer.queries'), 0), [b, 1, 1]) as tf.Tensor3D;
    for (let i = 0; i < qformer.layers; i++) {
      const blk = `qformer.blocks.${i}`;
      const n = this.norm(h, `${blk}.ln_self`);
      const self = attention(
        this.linear(n, `${blk}.self.q`) as tf.Tensor3D,
        this.linear(n, `${blk}.self.k`) as tf.Tensor3D,
        this.linear(n, `${blk}.self.v`) as tf.Tensor3D,
        qformer.heads,
      );
      h = tf.add(h, this.linear(self.out, `${blk}.self.out`)) as tf.Tensor3D;
      if (i % qformer.crossEvery === 0) {
        const c = this.norm(h, `${blk}.ln_cross`);
        const cross = attention(
          this.linear(c, `${blk}.cross.q`) as tf.Tensor3D,
          this.linear(image, `${blk}.cross.k`) as tf.Tensor3D,
          this.linear(image, `${blk}.cross.v`) as tf.Tensor3D,
          qformer.heads,
        );
        if (this.capturing) this.capturedCrossAttention.push(tf.keep(cross.weights));
        h = tf.add(h, this.linear(cross.out, `${blk}.cross.out`)) as tf.Tensor3D;
      }
      h = tf.add(h, this.mlp(this.norm(h, `${blk}.ln_mlp`), `${blk}.mlp`)) as tf.Tensor3D;
    }
    return this.linear(this.norm(h, 'qformer.ln'), 'proj') as tf.Tensor3D; // [B, Q, dd]
  }

  /** Prefix [B, Q, dd] and token ids [B, L] -> logits [B, L, V] for the next token at each position. */
  decode(prefix: tf.Tensor3D, ids: tf.Tensor2D, options: ForwardOptions = {}): tf.Tensor3D {
    this.begin(options, false);
    const { decoder, qformer } = this.config;
    const [b, l] = ids.shape;
    const q = qformer.queries;
    const tokens = embed(ids, this.w('decoder.tokens'), this.params.baseTrainable);
    let x = tf.concat([prefix, tokens], 1) as tf.Tensor3D; // [B, Q + L, dd]
    x = tf.add(x, tf.slice(this.params.get('decoder.pos'), [0, 0], [q + l, decoder.dim])) as tf.Tensor3D;
    const mask = this.causal(q + l, q);
    for (let i = 0; i < decoder.layers; i++) {
      const blk = `decoder.blocks.${i}`;
      const n = this.norm(x, `${blk}.ln1`);
      const { out } = attention(
        this.linear(n, `${blk}.attn.q`) as tf.Tensor3D,
        this.linear(n, `${blk}.attn.k`) as tf.Tensor3D,
        this.linear(n, `${blk}.attn.v`) as tf.Tensor3D,
        decoder.heads,
        mask,
      );
      x = tf.add(x, this.linear(out, `${blk}.attn.out`)) as tf.Tensor3D;
      x = tf.add(x, this.mlp(this.norm(x, `${blk}.ln2`), `${blk}.mlp`)) as tf.Tensor3D;
    }
    const text = tf.slice(this.norm(x, 'decoder.ln'), [0, q, 0], [b, l, decoder.dim]); // [B, L, dd]
    // tied head: logits = h E^T, with E^T made explicitly (2-D untransposed matmul)
    const logits = matmul2d(tf.reshape(text, [b * l, decoder.dim]) as tf.Tensor2D, tf.transpose(this.w('decoder.tokens')), this.params.baseTrainable);
    return tf.reshape(logits, [b, l, this.config.vocabSize]) as tf.Tensor3D;
  }

  /** Mean next-token cross-entropy of a batch. */
  loss(batch: CaptionBatch, options: ForwardOptions = {}): tf.Scalar {
    return this.captionLoss(this.encode(batch.patches, options), batch, options);
  }

  /**
   * The same loss from the output of a stage that no adapter touches, computed earlier
   * (`FrozenFeatureCache`): `image` is the ViT's patch features [B, N, dv] (the Q-Former runs
   * here), `prefix` the Q-Former's projected output [B, Q, dd]. Equal to `loss` on the patches
   * those features came from, dropout draws included.
   */
  lossFrom(stage: 'image' | 'prefix', features: tf.Tensor3D, batch: Omit<CaptionBatch, 'patches'>, options: ForwardOptions = {}): tf.Scalar {
    this.begin(options);
    return this.captionLoss(stage === 'prefix' ? features : this.queryPrefix(features), batch, options);
  }

  private captionLoss(prefix: tf.Tensor3D, batch: Omit<CaptionBatch, 'patches'>, options: ForwardOptions): tf.Scalar {
    const logits = this.decode(prefix, batch.inputs, { ...options, dropoutSeed: (options.dropoutSeed ?? 0) + 100_000 });
    return maskedCrossEntropy(tf.reshape(logits, [-1, this.config.vocabSize]) as tf.Tensor2D, batch.targets, batch.mask);
  }

  /**
   * Text-only language-model loss: the decoder reads a zero prefix (no image), standing in
   * for the LLM's text pretraining so the decoder knows the words adaptation will need.
   */
  textLoss(inputs: tf.Tensor2D, targets: tf.Tensor1D, mask: tf.Tensor1D, options: ForwardOptions = {}): tf.Scalar {
    const prefix = tf.zeros([inputs.shape[0], this.config.qformer.queries, this.config.decoder.dim]) as tf.Tensor3D;
    const logits = this.decode(prefix, inputs, options);
    return maskedCrossEntropy(tf.reshape(logits, [-1, this.config.vocabSize]) as tf.Tensor2D, targets, mask);
  }

  private begin(options: ForwardOptions, resetAttention = true): void {
    this.training = options.training === true;
    this.dropoutBase = options.dropoutSeed ?? 0;
    this.dropoutCounter = 0;
    if (resetAttention && !options.captureAttention) this.disposeCaptured();
  }

  disposeCaptured(): void {
    for (const t of [...this.capturedAttention, ...this.capturedCrossAttention]) t.dispose();
    this.capturedAttention = [];
    this.capturedCrossAttention = [];
  }

  dispose(): void {
    this.disposeCaptured();
    for (const m of this.masks.values()) m.dispose();
    this.masks.clear();
    this.params.dispose();
  }
}
