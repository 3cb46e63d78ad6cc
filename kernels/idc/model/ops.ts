/**
 * The few tensor operations the model is made of, written so the WASM backend is fast and
 * has every gradient: matmuls are 2-D (or batched 3-D) and never transposed by flag, with a
 * custom gradient that transposes explicitly (the backend's transposed matmuls are slow);
 * embeddings are one-hot matmuls (WASM's `gather` has no gradient); frozen weights get no
 * gradient computed at all. Everything else is elementwise maths and reductions over the
 * last axis.
 */
import * as tf from '@tensorflow/tfjs-core';

/** x [n, in] @ w [in, out] -> [n, out]; the gradient reaches `w` only when `trainable`. */
export function matmul2d(x: tf.Tensor2D, w: tf.Tensor2D, trainable: boolean): tf.Tensor2D {
  if (trainable) {
    const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
      save([a, b]);
      return {
        value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
          return [tf.matMul(dy as tf.Tensor2D, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy as tf.Tensor2D)];
        },
      };
    });
    return f(x, w) as tf.Tensor2D;
  }
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [a, save] = args as [tf.Tensor, tf.GradSaveFunc];
    // saved, not just closed over: an intermediate `w` (the tied head's transpose) would be
    // disposed with the forward pass before the backward pass reads it
    save([w]);
    return {
      value: tf.matMul(a as tf.Tensor2D, w),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.matMul(dy as tf.Tensor2D, tf.transpose(saved[0] as tf.Tensor2D))],
    };
  });
  return f(x) as tf.Tensor2D;
}

/** a [b, n, k] @ c [b, k, m] -> [b, n, m] (attention), both sides differentiable. */
export function bmm(a: tf.Tensor3D, c: tf.Tensor3D): tf.Tensor3D {
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, y, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([x, y]);
    return {
      value: tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sy] = saved as [tf.Tensor3D, tf.Tensor3D];
        return [tf.matMul(dy as tf.Tensor3D, tf.transpose(sy, [0, 2, 1])), tf.matMul(tf.transpose(sx, [0, 2, 1]), dy as tf.Tensor3D)];
      },
    };
  });
  return f(a, c) as tf.Tensor3D;
}

/** A linear layer on [..., in]: flattened to 2-D for the matmul, shape restored after. */
export function dense(x: tf.Tensor, w: tf.Tensor2D, b: tf.Tensor1D | undefined, trainable: boolean): tf.Tensor {
  const shape = x.shape;
  const inner = shape[shape.length - 1] as number;
  let y: tf.Tensor = matmul2d(tf.reshape(x, [-1, inner]) as tf.Tensor2D, w, trainable);
  if (b) y = tf.add(y, b);
  return tf.reshape(y, [...shape.slice(0, -1), w.shape[1]]);
}

/** Token ids [b, t] -> embeddings [b, t, d] as one-hot @ table. */
export function embed(ids: tf.Tensor2D, table: tf.Tensor2D, trainable: boolean): tf.Tensor3D {
  const [b, t] = ids.shape;
  const oneHot = tf.cast(tf.oneHot(tf.reshape(ids, [-1]) as tf.Tensor1D, table.shape[0]), 'float32') as tf.Tensor2D;
  return tf.reshape(matmul2d(oneHot, table, trainable), [b, t, table.shape[1]]);
}

export function layerNorm(x: tf.Tensor, gain: tf.Tensor1D, bias: tf.Tensor1D, eps = 1e-5): tf.Tensor {
  const mean = tf.mean(x, -1, true);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), -1, true);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, eps))), gain), bias);
}

/**
 * GELU, tanh approximation (GPT-2's; the mini model's feed-forward uses it, where OPT's is
 * ReLU), written as x * sigmoid(2u) since 0.5 (1 + tanh u) = sigmoid(2u): the same function,
 * but WASM's sigmoid is vectorised and its tanh is not (30x slower, about a tenth of a
 * training step). x^3 as products: pow is slow too.
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(2 * Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.mul(tf.mul(x, x), x))));
  return tf.mul(x, tf.sigmoid(inner));
}

/**
 * GELU as BLIP-2's ViT and Q-Former compute it (transformers' "gelu"): x * Phi(x), with erf.
 * The gradient is written out, Phi(x) + x phi(x) from the saved Phi(x), since autodiff through
 * erf and the products runs about twice the kernels.
 */
export function geluExact(x: tf.Tensor): tf.Tensor {
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const cdf = tf.mul(tf.add(1, tf.erf(tf.mul(input, Math.SQRT1_2))), 0.5);
    save([input, cdf]);
    return {
      value: tf.mul(input, cdf),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sc] = saved as [tf.Tensor, tf.Tensor];
        const pdf = tf.mul(tf.exp(tf.mul(tf.square(sx), -0.5)), 1 / Math.sqrt(2 * Math.PI));
        return [tf.mul(dy, tf.add(sc, tf.mul(sx, pdf)))];
      },
    };
  });
  return f(x);
}

/** [b, t, d] -> [b * heads, t, d / heads] */
export function splitHeads(x: tf.Tensor3D, heads: number): tf.Tensor3D {
  const [b, t, d] = x.shape;
  return tf.reshape(tf.transpose(tf.reshape(x, [b, t, heads, d / heads]), [0, 2, 1, 3]), [b * heads, t, d / heads]);
}

/** [b * heads, t, dh] -> [b, t, heads * dh] */
export function mergeHeads(x: tf.Tensor3D, heads: number): tf.Tensor3D {
  const [bh, t, dh] = x.shape;
  const b = bh / heads;
  return tf.reshape(tf.transpose(tf.reshape(x, [b, heads, t, dh]), [0, 2, 1, 3]), [b, t, heads * dh]);
}

/**
 * Scaled dot-product attention of q [b, tq, d] over k, v [b, tk, d]; `mask` [tq, tk] (the same
 * for every sequence) or [b*heads, tq, tk] is added to the scores (0 or a large negative).
 * Returns the output and the weights [b*heads, tq, tk].
 */
export function attention(
  q: tf.Tensor3D,
  k: tf.Tensor3D,
  v: tf.Tensor3D,
  heads: number,
  mask?: tf.Tensor2D | tf.Tensor3D,
): { out: tf.Tensor3D; weights: tf.Tensor3D } {
  const [qh, kh, vh] = [splitHeads(q, heads), splitHeads(k, heads), splitHeads(v, heads)];
  const scale = 1 / Math.sqrt(q.shape[2] / heads);
  let scores = tf.mul(bmm(qh, tf.transpose(kh, [0, 2, 1])), scale) as tf.Tensor3D;
  if (mask) scores = tf.add(scores, mask);
  const weights = tf.softmax(scores) as tf.Tensor3D;
  return { out: mergeHeads(bmm(weights, vh), heads), weights };
}

/** Additive causal mask [t, t]: 0 where key <= query, -1e9 after. `prefix` leading tokens are visible to all. */
export function causalMask(t: number, prefix = 0): tf.Tensor2D {
  const values = new Float32Array(t * t);
  for (let i = 0; i < t; i++) for (let j = 0; j < t; j++) values[i * t + j] = j <= i || j < prefix ? 0 : -1e9;
  return tf.tensor2d(values, [t, t]);
}

/**
 * Mean cross-entropy of logits [n, v] against target ids [n], over the positions where
 * `mask` [n] is 1 (padding is 0).
 */
export function maskedCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D, mask: tf.Tensor1D): tf.Scalar {
  const logProbs = tf.logSoftmax(logits);
  const picked = tf.sum(tf.mul(logProbs, tf.cast(tf.oneHot(targets, logits.shape[1]), 'float32')), -1);
  return tf.div(tf.neg(tf.sum(tf.mul(picked, mask))), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
}
