/**
 * The captioning losses over BLIP-2's logits [B, Q + T, V] for text ids [B, T]: the logits of
 * the text positions predict the next id, as transformers' Blip2ForConditionalGeneration does
 * (`logits[:, -T:]`, shifted by one).
 *
 * - `blip2idc`: BLIP2IDC's training loss: labels = the input ids, padding included (OPT's pad
 *   id is its EOS, so a padded caption goes on predicting EOS), the mean over every label.
 * - `masked`: the mean over real tokens only (labels where the attention mask is 1).
 */
import * as tf from '@tensorflow/tfjs-core';

export type CaptionLoss = 'blip2idc' | 'masked';

/** Mean cross-entropy of the next-token predictions; `mask` [B][T] weighs the labels (all ones: every label). */
export function captionLoss(logits: tf.Tensor3D, inputIds: readonly (readonly number[])[], mask?: readonly (readonly number[])[]): tf.Scalar {
  return tf.tidy(() => {
    const [b, l, v] = logits.shape;
    const t = inputIds[0]?.length ?? 0;
    const text = tf.slice(logits, [0, l - t, 0], [b, t - 1, v]); // predictions for ids[:, 1:]
    const flat = tf.reshape(text, [b * (t - 1), v]) as tf.Tensor2D;
    const labels = tf.tensor1d(
      inputIds.flatMap((row) => row.slice(1)),
      'int32',
    );
    const weights = tf.tensor1d(mask ? mask.flatMap((row) => row.slice(1)) : new Array<number>(b * (t - 1)).fill(1));
    const picked = tf.sum(tf.mul(tf.logSoftmax(flat), tf.oneHot(labels, v)), -1);
    return tf.div(tf.neg(tf.sum(tf.mul(picked, weights))), tf.maximum(tf.sum(weights), 1)) as tf.Scalar;
  });
}
