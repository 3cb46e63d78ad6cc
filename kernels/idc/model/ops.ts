/**
 * The few tensor operations the model is made of, written so the WASM backend is fast and
 * has every gradient. 2-D matmuls reach XNNPACK only untransposed, so they never take a
 * transposition flag and their custom gradients transpose explicitly; batched matmuls
 * (attention) take WASM's plain loop whatever the flags, so there flags replace transposes.
 * Embeddings are one-hot matmuls (WASM's `gather` has no gradient); frozen weights get no
 * gradient computed at all. Everything else is elementwise maths and reductions over the
 * last axis.
 */
import * as tf from '@tensorflow/tfjs-core';
import { dropoutPositions } from '../../platform/random';

/**
 * x [n, in] @ w [in, out] (+ b [out]) -> [n, out]; gradients reach `w` and `b` only when
 * `trainable`. With a bias it is one fused kernel (on WASM, XNNPACK adds the bias in its own
 * loop: one pass over the output fewer). The weight's gradient x^T dy is taken as (dy^T x)^T:
 * bit for bit the same on WASM's XNNPACK at every shape measured (the model's), and 10 to 60%
 * faster there.
 */
function linear2d(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D | undefined, trainable: boolean): tf.Tensor2D {
  const forward = (a: tf.Tensor2D, weight: tf.Tensor2D, bias: tf.Tensor1D | undefined) =>
    bias ? tf.fused.matMul({ a, b: weight, bias }) : tf.matMul(a, weight);
  const inputGrad = (dy: tf.Tensor2D, weight: tf.Tensor2D) => tf.matMul(dy, tf.transpose(weight));
  if (trainable) {
    const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const save = args[args.length - 1] as tf.GradSaveFunc;
      const [a, weight, bias] = args.slice(0, -1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D | undefined];
      save([a, weight]);
      return {
        value: forward(a, weight, bias),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [sa, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
          const g = dy as tf.Tensor2D;
          const grads = [inputGrad(g, sw), tf.transpose(tf.matMul(tf.transpose(g), sa))];
          return bias ? [...grads, tf.sum(g, 0)] : grads;
        },
      };
    });
    return (b ? f(x, w, b) : f(x, w)) as tf.Tensor2D;
  }
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [a, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    // saved, not just closed over: an intermediate `w` (the tied head's transpose) would be
    // disposed with the forward pass before the backward pass reads it
    save([w]);
    return {
      value: forward(a, w, b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [inputGrad(dy as tf.Tensor2D, saved[0] as tf.Tensor2D)],
    };
  });
  return f(x) as tf.Tensor2D;
}

/** x [n, in] @ w [in, out] -> [n, out]; the gradient reaches `w` only when `trainable`. */
export function matmul2d(x: tf.Tensor2D, w: tf.Tensor2D, trainable: boolean): tf.Tensor2D {
  return linear2d(x, w, undefined, trainable);
}

/**
 * a [b, n, k] @ c [b, k, m] -> [b, n, m] (attention's weights @ values), both sides
 * differentiable. Batched matmuls take WASM's plain loop whatever the flags (only 2-D ones
 * reach XNNPACK), and there a transposition flag costs less than a transpose kernel, so the
 * gradients use flags.
 */
export function bmm(a: tf.Tensor3D, c: tf.Tensor3D): tf.Tensor3D {
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, y, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([x, y]);
    return {
      value: tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sy] = saved as [tf.Tensor3D, tf.Tensor3D];
        return [tf.matMul(dy as tf.Tensor3D, sy, false, true), tf.matMul(sx, dy as tf.Tensor3D, true, false)];
      },
    };
  });
  return f(a, c) as tf.Tensor3D;
}

/** a [b, n, k] @ c [b, m, k]^T -> [b, n, m] (attention's scores, q k^T), with flags as in `bmm`. */
export function bmmTransposed(a: tf.Tensor3D, c: tf.Tensor3D): tf.Tensor3D {
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, y, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([x, y]);
    return {
      value: tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D, false, true),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sy] = saved as [tf.Tensor3D, tf.Tensor3D];
        return [tf.matMul(dy as tf.Tensor3D, sy), tf.matMul(dy as tf.Tensor3D, sx, true, false)];
      },
    };
  });
  return f(a, c) as tf.Tensor3D;
}

/** A linear layer on [..., in]: flattened to 2-D for the matmul, shape restored after. */
export function dense(x: tf.Tensor, w: tf.Tensor2D, b: tf.Tensor1D | undefined, trainable: boolean): tf.Tensor {
  const shape = x.shape;
  const flat = tf.reshape(x, [-1, shape[shape.length - 1] as number]) as tf.Tensor2D;
  const y = linear2d(flat, w, b, trainable);
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
 * GELU as BLIP-2's ViT and Q-Former compute it (transformers' "gelu"): x * Phi(x), with erf.
 * The gradient is written out, Phi(x) + x phi(x) from the saved Phi(x), since autodiff through
 * erf and the products runs about twice the kernels. phi's exp(-x^2 / 2) is taken as s / (1 - s)
 * with s = sigmoid(-x^2 / 2), as exact as tf.exp (s <= 1/2, so 1 - s loses nothing; at worst
 * 3.9e-6 relative over |x| <= 13 on CPU and WASM, as tf.exp), since WASM's sigmoid is
 * vectorised where its exp is not (about 7x slower).
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
        const s = tf.sigmoid(tf.mul(tf.square(sx), -0.5));
        const gaussian = tf.div(s, tf.sub(1, s)); // exp(-x^2 / 2)
        return [tf.mul(dy, tf.add(sc, tf.mul(tf.mul(sx, 1 / Math.sqrt(2 * Math.PI)), gaussian)))];
      },
    };
  });
  return f(x);
}

/**
 * An inverted-dropout mask of `shape`: 0 at the positions `dropoutPositions` draws from `seed`,
 * 1 / (1 - rate) elsewhere, made on the backend from the positions alone.
 */
export function dropoutMask(shape: readonly number[], rate: number, seed: number): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const dropped = dropoutPositions(size, rate, seed);
  return tf.tidy(() => tf.reshape(tf.sparseToDense(tf.tensor1d(dropped, 'int32'), tf.scalar(0), [size], tf.scalar(1 / (1 - rate))), [...shape]));
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
  let scores = tf.mul(bmmTransposed(qh, kh), scale) as tf.Tensor3D;
  if (mask) scores = tf.add(scores, mask);
  const weights = tf.softmax(scores) as tf.Tensor3D;
  return { out: mergeHeads(bmm(weights, vh), heads), weights };
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
