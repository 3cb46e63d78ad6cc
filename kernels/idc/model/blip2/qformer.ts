/**
 * BLIP-2's Q-Former (transformers' `Blip2QFormerModel`, the query branch) and the projection
 * into the language model:
 *
 *   query_tokens [Q, H] -> LayerNorm                               -> [B, Q, H]
 *   L BERT post-LN layers:
 *     x = LN(x + dense(self-attention(x)))
 *     x = LN(x + dense(cross-attention(x, image)))  on layers i % cross_attention_frequency == 0
 *     x = LN(x + output_query(gelu(intermediate_query(x))))
 *   (no final LayerNorm)                                           -> [B, Q, H]
 *   language_projection                                            -> [B, Q, D_text]
 */
import * as tf from '@tensorflow/tfjs-core';
import type { QFormerConfig } from './config';
import { linear, norm, perHead, record, type Recording, type Weights } from './layers';
import { attention, geluExact } from '../ops';
import { QFORMER } from './parameters';

/** One BERT attention block: LN(x + dense(softmax(q k^T / sqrt(dh)) v)), keys and values from `source`. */
function bertAttention(
  w: Weights,
  config: QFormerConfig,
  x: tf.Tensor3D,
  source: tf.Tensor3D,
  p: string,
  rec: Recording | undefined,
  tag: string,
): tf.Tensor3D {
  const heads = config.numAttentionHeads;
  const q = linear(w, x, `${p}.attention.query`) as tf.Tensor3D;
  const k = linear(w, source, `${p}.attention.key`) as tf.Tensor3D;
  const v = linear(w, source, `${p}.attention.value`) as tf.Tensor3D;
  const a = attention(q, k, v, heads);
  record(rec, 'attentions', tag, perHead(a.weights, heads));
  return norm(w, tf.add(linear(w, a.out, `${p}.output.dense`), x), `${p}.output.LayerNorm`, config.layerNormEps) as tf.Tensor3D;
}

/** image [B, N + 1, D_vision] -> query outputs [B, Q, H]. */
export function qformerForward(w: Weights, config: QFormerConfig, image: tf.Tensor3D, rec?: Recording): tf.Tensor3D {
  const b = image.shape[0];
  const queries = w.get('query_tokens') as tf.Tensor2D; // [Q, H]
  const [q, h] = queries.shape;
  let x = norm(w, tf.broadcastTo(tf.reshape(queries, [1, q, h]), [b, q, h]), `${QFORMER}.layernorm`, config.layerNormEps) as tf.Tensor3D;
  record(rec, 'hiddenStates', 'qformer.hidden_states.0', x);
  for (let i = 0; i < config.numHiddenLayers; i++) {
    const p = `${QFORMER}.encoder.layer.${i}`;
    x = bertAttention(w, config, x, x, `${p}.attention`, rec, `qformer.attentions.${i}`);
    if (i % config.crossAttentionFrequency === 0) x = bertAttention(w, config, x, image, `${p}.crossattention`, rec, `qformer.cross_attentions.${i}`);
    const ffn = linear(w, geluExact(linear(w, x, `${p}.intermediate_query.dense`)), `${p}.output_query.dense`);
    x = norm(w, tf.add(ffn, x), `${p}.output_query.LayerNorm`, config.layerNormEps) as tf.Tensor3D;
    record(rec, 'hiddenStates', `qformer.hidden_states.${i + 1}`, x);
  }
  record(rec, 'always', 'qformer.last_hidden_state', x);
  return x;
}

/** Query outputs [B, Q, H] -> the language model's prefix [B, Q, D_text]. */
export function languageProjection(w: Weights, x: tf.Tensor3D, rec?: Recording): tf.Tensor3D {
  const y = linear(w, x, 'language_projection') as tf.Tensor3D;
  record(rec, 'always', 'language_projection', y);
  return y;
}
