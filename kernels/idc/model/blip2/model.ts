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
import * as tf from '@tensorflow/tfjs-core';
import type { TensorMap } from '../../../platform/safetensors';
import { Parameters } from '../parameters';
import type { Blip2Config } from './config';
import { readBlip2Folder } from './files';
import type { Recorded, Recording, Weights } from './layers';
import { optForward } from './opt';
import { parameterShapes, toComputeLayout } from './parameters';
import { languageProjection, qformerForward } from './qformer';
import { visionForward } from './vision';

export interface Blip2Inputs {
  /** [B, 3, S, S], CLIP-normalised (processing.ts makes them from an image pair). */
  pixelValues: tf.Tensor4D | number[][][][];
  /** [B, T] token ids. */
  inputIds: tf.Tensor2D | number[][];
  /** [B, T], 1 for a token and 0 for padding (default all ones). */
  attentionMask?: tf.Tensor2D | number[][];
}

export interface Blip2ForwardOptions {
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

export class Blip2Model {
  readonly params = new Parameters();

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

  /** A transformers BLIP-2 (OPT) folder: config.json and model.safetensors (or its shards). */
  static async load(folder: string): Promise<Blip2Model> {
    const { config, tensors } = await readBlip2Folder(folder);
    return new Blip2Model(config, tensors);
  }

  private weights(): Weights {
    const params = this.params;
    return { get: (name) => params.get(name), trainable: params.baseTrainable, adapt: (_name, _x, y) => y };
  }

  forward(inputs: Blip2Inputs, options: Blip2ForwardOptions = {}): Blip2Outputs {
    const ids = asArray(inputs.inputIds);
    const mask = inputs.attentionMask ? asArray(inputs.attentionMask) : ids.map((row) => row.map(() => 1));
    if (mask.length !== ids.length || mask.some((row, i) => row.length !== ids[i]?.length))
      throw new RangeError(`Blip2Model.forward: attentionMask: expected the shape of inputIds [${ids.length}, ${ids[0]?.length ?? 0}]`);
    const rec: Recording = { attentions: options.outputAttentions === true, hiddenStates: options.outputHiddenStates === true, into: new Map() };
    const logits = tf.tidy(() => {
      const pixels = inputs.pixelValues instanceof tf.Tensor ? inputs.pixelValues : tf.tensor4d(inputs.pixelValues);
      const w = this.weights();
      const image = visionForward(w, this.config.vision, pixels, rec);
      const prefix = languageProjection(w, qformerForward(w, this.config.qformer, image, rec), rec);
      return optForward(w, this.config.text, { prefix, inputIds: ids, attentionMask: mask }, rec);
    });
    return new Map([['logits', logits as tf.Tensor], ...rec.into]);
  }

  dispose(): void {
    this.params.dispose();
  }
}
