/**
 * BLIP-2 with OPT, as transformers' `Blip2ForConditionalGeneration` computes it:
 *
 *   pixel_values [B, 3, S, S] -> vision encoder (vision.ts)          -> [B, N + 1, D_v]
 *   -> Q-Former queries (qformer.ts) -> language_projection           -> [B, Q, D]
 *   -> OPT over [prefix ; input_ids] (opt.ts)                          -> logits [B, Q + T, V]
 *
 * Weights keep transformers' names (parameters.ts), so a checkpoint saved by transformers
 * loads here and back. `forward` is a pure function of the weights and its inputs: what it
 * records (attentions, hidden states) is asked for per call and returned with the logits.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomic } from '../../../platform/atomicWrite';
import { writeSafetensors, type TensorMap } from '../../../platform/safetensors';
import { Parameters, type NamedArrays } from '../parameters';
import type { Blip2Config } from './config';
import { CONFIG_FILE, readBlip2Folder, WEIGHTS_FILE } from './files';
import type { Recorded, Recording, Weights } from './layers';
import {
  ADAPTER_CONFIG_FILE,
  ADAPTER_WEIGHTS_FILE,
  linearModules,
  linearSize,
  transposedMatrix,
  loraKey,
  mergeLoraAdapter,
  peftAdapterConfig,
  readLoraFolder,
  targetedModules,
  type LoraAdapter,
  type LoraConfig,
} from './lora';
import { dropoutMask, matmul2d } from '../ops';
import { generate, type GenerateInputs, type GenerateOptions } from './generate';
import { optForward } from './opt';
import { parameterShapes, toComputeLayout, toTransformersLayout } from './parameters';
import { languageProjection, qformerForward } from './qformer';
import { visionForward } from './vision';

export interface Blip2Inputs {
  /** [B, 3, S, S], CLIP-normalised (data/images/processor.ts makes them from stacked pairs). */
  pixelValues: tf.Tensor4D | number[][][][];
  /** [B, T] token ids. */
  inputIds: tf.Tensor2D | number[][];
  /** [B, T], 1 for a token and 0 for padding (default all ones). */
  attentionMask?: tf.Tensor2D | number[][];
}

export interface Blip2ForwardOptions {
  /**
   * Training: LoRA dropout on each adapter's input, the masks drawn from `seed` upward in the
   * order the adapters are met, so a pass is reproduced by its seed alone.
   */
  dropout?: { seed: number };
  /** Also return every attention map: `vision.attentions.{l}`, `qformer.attentions.{l}`, `qformer.cross_attentions.{l}`, `language_model.attentions.{l}` ([B, heads, tq, tk]). */
  outputAttentions?: boolean;
  /** Also return every hidden state: `vision.hidden_states.{0..L}`, `qformer.hidden_states.{0..L}`, `language_model.hidden_states.{0..L}`, and `vision.pooler_output`. */
  outputHiddenStates?: boolean;
}

/**
 * What a forward pass returns, by transformers' names: `logits` [B, Q + T, V],
 * `vision.last_hidden_state`, `qformer.last_hidden_state`, `language_projection`, and what the
 * options asked for. The caller disposes them.
 */
export type Blip2Outputs = Recorded;

const asArray = (x: tf.Tensor2D | number[][]): number[][] => (Array.isArray(x) ? x : (x.arraySync() as number[][]));

const toPixels = (p: tf.Tensor4D | number[][][][]): tf.Tensor4D => (p instanceof tf.Tensor ? p : tf.tensor4d(p));

/** The attention mask as rows, all ones when absent; its shape checked against the ids. */
function maskFor(ids: number[][], mask: tf.Tensor2D | number[][] | undefined): number[][] {
  const rows = mask ? asArray(mask) : ids.map((row) => row.map(() => 1));
  if (rows.length !== ids.length || rows.some((row, i) => row.length !== ids[i]?.length))
    throw new RangeError(`Blip2Model: attentionMask: expected the shape of inputIds [${ids.length}, ${ids[0]?.length ?? 0}]`);
  return rows;
}

/** A copy with every object's keys sorted, as Python's json.dumps(sort_keys=True) writes them. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]),
  );
}

/** An attached LoRA adapter: its settings and the modules it adapts (its A and B are adapter parameters). */
interface Attached {
  config: LoraConfig;
  scale: number;
  modules: Set<string>;
}

export class Blip2Model {
  readonly params = new Parameters();
  private lora: Attached | undefined;

  /** `tensors` in transformers' names and layout (as `readBlip2Folder` gives them). */
  constructor(
    readonly config: Blip2Config,
    tensors: TensorMap,
  ) {
    for (const name of parameterShapes(config).keys()) {
      const t = tensors.get(name);
      if (!t) throw new Error(`Blip2Model: expected a tensor named ${name}, found none`);
      const c = toComputeLayout(name, t);
      this.params.add(name, c.shape, c.data);
    }
    // a model read for inference computes no gradient for its weights; training turns this on or attaches adapters
    this.params.baseTrainable = false;
  }

  /** A transformers BLIP-2 (OPT) folder: config.json and model.safetensors (or its shards), and optionally a PEFT LoRA folder. */
  static async load(folder: string, options: { adapter?: string } = {}): Promise<Blip2Model> {
    const { config, tensors } = await readBlip2Folder(folder);
    const model = new Blip2Model(config, tensors);
    if (options.adapter !== undefined) {
      try {
        model.attachLora(await readLoraFolder(options.adapter, config));
      } catch (error) {
        model.dispose();
        throw error;
      }
    }
    return model;
  }

  /** The attached adapter's settings, or undefined. */
  get loraConfig(): LoraConfig | undefined {
    return this.lora?.config;
  }

  /** Attaches a LoRA adapter in PEFT's layout (one at a time); its A and B become the trainable adapter parameters. */
  attachLora(adapter: LoraAdapter): void {
    if (this.lora) throw new Error('Blip2Model.attachLora: an adapter is attached already; detach it first');
    const modules = targetedModules(adapter.config.targetModules, linearModules(this.config));
    for (const m of modules) {
      const { inputs, outputs } = linearSize(this.config, m);
      const a = adapter.tensors.get(loraKey(m, 'A'));
      const b = adapter.tensors.get(loraKey(m, 'B'));
      if (!a || !b || a.shape.join('x') !== `${adapter.config.r}x${inputs}` || b.shape.join('x') !== `${outputs}x${adapter.config.r}`)
        throw new Error(`Blip2Model.attachLora: ${m}: expected lora_A [${adapter.config.r}, ${inputs}] and lora_B [${outputs}, ${adapter.config.r}]`);
      const [ta, tb] = [transposedMatrix(a), transposedMatrix(b)];
      this.params.add(`${m}.lora_A`, ta.shape, ta.data, 'adapter');
      this.params.add(`${m}.lora_B`, tb.shape, tb.data, 'adapter');
    }
    this.lora = { config: adapter.config, scale: adapter.config.loraAlpha / adapter.config.r, modules: new Set(modules) };
  }

  detachLora(): void {
    this.params.disposeAdapters();
    this.lora = undefined;
  }

  /** The weights one pass reads; its dropout draws are numbered within the pass. */
  private weights(dropout?: { seed: number }): Weights {
    const params = this.params;
    const lora = this.lora;
    let draws = 0;
    return {
      get: (name) => params.get(name),
      trainable: params.baseTrainable,
      // y + (alpha / r) * (dropout(x) A^T) B^T, x flattened to 2-D for the matmuls; the scale
      // multiplies the r-wide product, the narrowest tensor of the branch
      adapt: (name, x, y) => {
        if (!lora?.modules.has(name)) return y;
        const rate = lora.config.loraDropout;
        const input = dropout && rate > 0 ? tf.mul(x, dropoutMask(x.shape, rate, dropout.seed + draws++)) : x;
        const inner = x.shape[x.shape.length - 1] as number;
        const down = matmul2d(tf.reshape(input, [-1, inner]) as tf.Tensor2D, params.get(`${name}.lora_A`) as tf.Tensor2D, true);
        const up = matmul2d(tf.mul(down, lora.scale), params.get(`${name}.lora_B`) as tf.Tensor2D, true);
        return tf.add(y, tf.reshape(up, y.shape));
      },
    };
  }

  /**
   * Generation as transformers' `generate` (generate.ts; beams by beamSearch.ts), inputs and
   * settings in one object: `{pixelValues, inputIds?, attentionMask?,
   * maxNewTokens, minNewTokens?, numBeams?}` -> `{sequences}`, BOS then the new tokens.
   */
  generate(args: GenerateInputs & GenerateOptions): { sequences: number[][] } {
    const { pixelValues, inputIds, attentionMask, ...options } = args;
    return generate(this, { pixelValues, inputIds, attentionMask }, options);
  }

  forward(inputs: Blip2Inputs, options: Blip2ForwardOptions = {}): Blip2Outputs {
    return this.forwardFrom({ pixelValues: inputs.pixelValues }, inputs, options);
  }

  /**
   * The forward pass from the pixels, or from a stage's output computed before (`image`: the
   * vision encoder's [B, N + 1, D_v]; `prefix`: the projected queries [B, Q, D]): the frozen
   * stages of a LoRA run give the same output every epoch, so training reuses them. The logits
   * are those of the whole pass, dropout draws included, when the stage's output is the same.
   */
  forwardFrom(
    start: { pixelValues: tf.Tensor4D | number[][][][] } | { image: tf.Tensor3D } | { prefix: tf.Tensor3D },
    inputs: Pick<Blip2Inputs, 'inputIds' | 'attentionMask'>,
    options: Blip2ForwardOptions = {},
  ): Blip2Outputs {
    const ids = asArray(inputs.inputIds);
    const mask = maskFor(ids, inputs.attentionMask);
    const rec: Recording = { attentions: options.outputAttentions === true, hiddenStates: options.outputHiddenStates === true, into: new Map() };
    const logits = tf.tidy(() => {
      const w = this.weights(options.dropout);
      let prefix: tf.Tensor3D;
      if ('prefix' in start) prefix = start.prefix;
      else {
        const image = 'image' in start ? start.image : visionForward(w, this.config.vision, toPixels(start.pixelValues), rec);
        prefix = languageProjection(w, qformerForward(w, this.config.qformer, image, rec), rec);
      }
      return optForward(w, this.config.text, { prefix, inputIds: ids, attentionMask: mask }, rec);
    });
    return new Map([['logits', logits as tf.Tensor], ...rec.into]);
  }

  /** The vision encoder's output [B, N + 1, D_v] (post-LayerNorm): what the Q-Former reads. */
  imageOf(pixelValues: tf.Tensor4D | number[][][][]): tf.Tensor3D {
    return tf.tidy(() => visionForward(this.weights(), this.config.vision, toPixels(pixelValues)));
  }

  /** The language model's prefix [B, Q, D]: the image through the vision encoder, the Q-Former and the projection. */
  prefixOf(pixelValues: tf.Tensor4D | number[][][][], rec?: Recording): tf.Tensor3D {
    return tf.tidy(() => {
      const w = this.weights();
      return languageProjection(w, qformerForward(w, this.config.qformer, visionForward(w, this.config.vision, toPixels(pixelValues), rec), rec), rec);
    });
  }

  /** Logits of the next token [B, V] after `ids` (mask `mask`), given the prefix. */
  nextTokenLogits(prefix: tf.Tensor3D, ids: readonly (readonly number[])[], mask: readonly (readonly number[])[]): tf.Tensor2D {
    return tf.tidy(() => {
      const logits = optForward(this.weights(), this.config.text, { prefix, inputIds: ids, attentionMask: mask });
      const [b, l, v] = logits.shape;
      return tf.reshape(tf.slice(logits, [0, l - 1, 0], [b, 1, v]), [b, v]) as tf.Tensor2D;
    });
  }

  /** The weights in the compute layout (Linear [in, out]) with the attached adapter merged in: W + (alpha / r) A^T B^T. */
  async mergedWeights(): Promise<NamedArrays> {
    const base = await this.params.read('base');
    const adapter = await this.loraAdapter();
    // the one merge (lora.ts), shared with the export from files
    return adapter ? mergeLoraAdapter(this.config, base, adapter) : base;
  }

  /** The attached adapter in PEFT's keys and layout (A [r, in], B [out, r]), or undefined. */
  private async loraAdapter(): Promise<LoraAdapter | undefined> {
    const lora = this.lora;
    if (!lora) return undefined;
    const tensors: TensorMap = new Map();
    const values = await this.params.read('adapter');
    for (const m of lora.modules) {
      for (const part of ['A', 'B'] as const)
        tensors.set(loraKey(m, part), transposedMatrix(values.get(`${m}.lora_${part}`) as { shape: number[]; data: Float32Array }));
    }
    return { config: lora.config, tensors };
  }

  /** The weights in transformers' names and layout (the tied head left out, as transformers saves it). */
  async tensors(): Promise<TensorMap> {
    const out: TensorMap = new Map();
    const base = await this.params.read('base');
    for (const [name, shape] of parameterShapes(this.config))
      out.set(name, toTransformersLayout(name, base.get(name) as { shape: number[]; data: Float32Array }, shape));
    return out;
  }

  /**
   * Writes a folder `Blip2ForConditionalGeneration.from_pretrained` reads: config.json (sorted
   * keys, as transformers writes it), generation_config.json and model.safetensors (float32,
   * metadata format "pt", which transformers requires). Each file is written atomically.
   */
  async save(folder: string): Promise<void> {
    await fs.promises.mkdir(folder, { recursive: true });
    await writeFileAtomic(path.join(folder, CONFIG_FILE), `${JSON.stringify(sortedKeys(this.config.json), null, 2)}\n`);
    const { bosTokenId, eosTokenId, padTokenId } = this.config.text;
    const generation = {
      _from_model_config: true,
      bos_token_id: bosTokenId,
      eos_token_id: eosTokenId,
      pad_token_id: padTokenId,
      transformers_version: this.config.json.transformers_version ?? '4.40.2',
    };
    await writeFileAtomic(path.join(folder, 'generation_config.json'), `${JSON.stringify(generation, null, 2)}\n`);
    await writeSafetensors(path.join(folder, WEIGHTS_FILE), await this.tensors(), { format: 'pt' });
  }

  /** Writes the attached adapter as PEFT's `save_pretrained` does: adapter_config.json and adapter_model.safetensors. */
  async saveLora(folder: string, options: { baseModel?: string } = {}): Promise<void> {
    const adapter = await this.loraAdapter();
    if (!adapter) throw new Error('Blip2Model.saveLora: no adapter is attached');
    await fs.promises.mkdir(folder, { recursive: true });
    await writeFileAtomic(path.join(folder, ADAPTER_CONFIG_FILE), `${JSON.stringify(peftAdapterConfig(adapter.config, options.baseModel ?? null), null, 2)}\n`);
    await writeSafetensors(path.join(folder, ADAPTER_WEIGHTS_FILE), adapter.tensors, { format: 'pt' });
  }

  dispose(): void {
    this.params.dispose();
  }
}
