/**
 * What the three parts of the model share: named weights in the compute layout, a Linear read
 * by its transformers name, and the record a forward pass writes its intermediate tensors into
 * (under the names of README, "Interop": `vision.attentions.0`, `qformer.hidden_states.1`, ...),
 * passed explicitly so that nothing is captured behind the caller's back.
 */
import * as tf from '@tensorflow/tfjs-core';
import { dense, layerNorm } from '../ops';

/** The weights a forward pass reads; `trainable` says whether gradients reach them. */
export interface Weights {
  get(name: string): tf.Tensor;
  readonly trainable: boolean;
  /** The LoRA branch of the Linear `name` added to `y` (x -> y), or `y` when it has none. */
  adapt(name: string, x: tf.Tensor, y: tf.Tensor): tf.Tensor;
}

/** Tensors recorded by name when asked for; their owner disposes them. */
export type Recorded = Map<string, tf.Tensor>;

export interface Recording {
  attentions: boolean;
  hiddenStates: boolean;
  into: Recorded;
}

/** x [..., in] -> [..., out] through the Linear `name` (weight [in, out], bias [out]) and its adapter. */
export function linear(w: Weights, x: tf.Tensor, name: string): tf.Tensor {
  const y = dense(x, w.get(`${name}.weight`) as tf.Tensor2D, w.get(`${name}.bias`) as tf.Tensor1D, w.trainable);
  return w.adapt(name, x, y);
}

export function norm(w: Weights, x: tf.Tensor, name: string, eps: number): tf.Tensor {
  return layerNorm(x, w.get(`${name}.weight`) as tf.Tensor1D, w.get(`${name}.bias`) as tf.Tensor1D, eps);
}

/** Keeps a copy of `t` under `name` when the recording asks for that kind of tensor. */
export function record(rec: Recording | undefined, kind: 'attentions' | 'hiddenStates' | 'always', name: string, t: tf.Tensor): void {
  if (!rec || (kind !== 'always' && !rec[kind])) return;
  rec.into.get(name)?.dispose();
  rec.into.set(name, tf.keep(t.clone()));
}

/** Attention weights [B * heads, tq, tk] as transformers returns them: [B, heads, tq, tk]. */
export function perHead(weights: tf.Tensor3D, heads: number): tf.Tensor4D {
  const [bh, tq, tk] = weights.shape;
  return tf.reshape(weights, [bh / heads, heads, tq, tk]);
}
