/**
 * The OPT decoder (transformers' `OPTForCausalLM`) over BLIP-2's prefix:
 *
 *   x = [prefix [B, Q, D] ; embed_tokens(input_ids) [B, T, D]]      -> [B, L, D], L = Q + T
 *   mask m = [1 .. 1 ; attention_mask]; positions = cumsum(m) * m - 1 + 2 (masked positions read row 1)
 *   x += embed_positions[positions]
 *   L pre-LN layers: x += out_proj(causal attention(LN x)), x += fc2(relu(fc1(LN x)))
 *     (the prefix is causal like every other position; padded keys are masked)
 *   final LayerNorm; logits = x @ embed_tokens^T (the head tied to the embedding)
 */
import * as tf from '@tensorflow/tfjs-core';
import { OPT_LAYER_NORM_EPS, OPT_POSITION_OFFSET, type OptConfig } from './config';
import { linear, norm, perHead, record, type Recording, type Weights } from './layers';
import { attention, embed, matmul2d } from '../ops';
import { LM_HEAD, OPT } from './parameters';

/** Masked scores: large enough that softmax gives them exactly 0, far from float32's end. */
const MASKED = -1e9;

/** The full mask [B][L]: ones for the Q prefix positions, then the text's attention mask. */
export function prefixedMask(prefix: number, attentionMask: readonly (readonly number[])[]): number[][] {
  return attentionMask.map((row) => [...new Array<number>(prefix).fill(1), ...row]);
}

/** OPT's positions for a mask [B][L]: cumsum(m) * m - 1 + offset 2, so position 0 is row 2 and a masked one row 1. */
export function optPositions(mask: readonly (readonly number[])[]): number[][] {
  return mask.map((row) => {
    let sum = 0;
    return row.map((m) => {
      sum += m;
      return sum * m - 1 + OPT_POSITION_OFFSET;
    });
  });
}

/** Additive attention mask [B * heads, L, L]: 0 where the key is not after the query and not padding. */
export function causalPaddingMask(mask: readonly (readonly number[])[], heads: number): tf.Tensor3D {
  const b = mask.length;
  const l = mask[0]?.length ?? 0;
  const values = new Float32Array(b * heads * l * l);
  for (let s = 0; s < b; s++) {
    const row = mask[s] as readonly number[];
    for (let h = 0; h < heads; h++) {
      const base = (s * heads + h) * l * l;
      for (let i = 0; i < l; i++) for (let j = 0; j < l; j++) values[base + i * l + j] = j <= i && row[j] !== 0 ? 0 : MASKED;
    }
  }
  return tf.tensor3d(values, [b * heads, l, l]);
}

/** Rows of `table` [V, D] for ids [B, L]: a gather when frozen, a one-hot matmul when trained (WASM's gather has no gradient). */
function lookup(w: Weights, table: string, ids: readonly (readonly number[])[]): tf.Tensor3D {
  const t = w.get(table) as tf.Tensor2D;
  const idTensor = tf.tensor2d(ids as number[][], [ids.length, ids[0]?.length ?? 0], 'int32');
  return w.trainable ? embed(idTensor, t, true) : (tf.reshape(tf.gather(t, idTensor), [ids.length, ids[0]?.length ?? 0, t.shape[1]]) as tf.Tensor3D);
}

export interface OptInputs {
  /** The projected queries [B, Q, D]. */
  prefix: tf.Tensor3D;
  inputIds: readonly (readonly number[])[];
  attentionMask: readonly (readonly number[])[];
}

/** Logits [B, Q + T, V] of the next token at every position. */
export function optForward(w: Weights, config: OptConfig, inputs: OptInputs, rec?: Recording): tf.Tensor3D {
  const { hiddenSize: d, numAttentionHeads: heads } = config;
  const [b, q] = inputs.prefix.shape;
  const mask = prefixedMask(q, inputs.attentionMask);
  const l = mask[0]?.length ?? 0;
  let x = tf.concat([inputs.prefix, lookup(w, `${OPT}.embed_tokens.weight`, inputs.inputIds)], 1) as tf.Tensor3D;
  x = tf.add(x, lookup(w, `${OPT}.embed_positions.weight`, optPositions(mask)));
  const additive = causalPaddingMask(mask, heads);
  for (let i = 0; i < config.numHiddenLayers; i++) {
    record(rec, 'hiddenStates', `language_model.hidden_states.${i}`, x);
    const p = `${OPT}.layers.${i}`;
    const y = norm(w, x, `${p}.self_attn_layer_norm`, OPT_LAYER_NORM_EPS);
    const a = attention(
      linear(w, y, `${p}.self_attn.q_proj`) as tf.Tensor3D,
      linear(w, y, `${p}.self_attn.k_proj`) as tf.Tensor3D,
      linear(w, y, `${p}.self_attn.v_proj`) as tf.Tensor3D,
      heads,
      additive,
    );
    record(rec, 'attentions', `language_model.attentions.${i}`, perHead(a.weights, heads));
    x = tf.add(x, linear(w, a.out, `${p}.self_attn.out_proj`));
    const f = linear(w, tf.relu(linear(w, norm(w, x, `${p}.final_layer_norm`, OPT_LAYER_NORM_EPS), `${p}.fc1`)), `${p}.fc2`);
    x = tf.add(x, f);
  }
  x = norm(w, x, `${OPT}.final_layer_norm`, OPT_LAYER_NORM_EPS) as tf.Tensor3D;
  record(rec, 'hiddenStates', `language_model.hidden_states.${config.numHiddenLayers}`, x);
  const head = config.tieWordEmbeddings ? tf.transpose(w.get(`${OPT}.embed_tokens.weight`)) : w.get(LM_HEAD); // [D, V]
  return tf.reshape(matmul2d(tf.reshape(x, [b * l, d]) as tf.Tensor2D, head as tf.Tensor2D, w.trainable), [b, l, config.vocabSize]);
}
