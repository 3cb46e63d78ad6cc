/**
 * The hand-written gradients of ops.ts against TensorFlow.js's own autodiff of the plain
 * formulation (transposed matmuls, gather, one softmax per head), on the CPU and WASM backends.
 * Shapes are never square, so a transposition in a gradient cannot pass. The loss is a weighted
 * sum of the output with fixed random weights, so every output element has its own slope.
 */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend, type BackendName } from '../../../kernels/idc/backends/backend';
import { attention, bmm, bmmTransposed, dense, embed, geluExact, matmul2d } from '../../../kernels/idc/model/ops';
import { SeededRandom } from '../../../kernels/platform/random';

const rng = new SeededRandom(17);
const randn = (shape: number[]) =>
  tf.tensor(
    Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.between(-1, 1)),
    shape,
  );

/** Values and gradients of `f` and of `reference` at `inputs`, under the same weighted-sum loss. */
function compare(f: (...xs: tf.Tensor[]) => tf.Tensor, reference: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], what: string): void {
  const outShape = tf.tidy(() => reference(...inputs).shape);
  const weights = randn(outShape);
  const loss =
    (g: (...xs: tf.Tensor[]) => tf.Tensor) =>
    (...xs: tf.Tensor[]) =>
      tf.sum(tf.mul(g(...xs), weights)) as tf.Scalar;
  const ours = tf.tidy(() => [
    f(...inputs).arraySync(),
    ...tf
      .grads(loss(f))(inputs)
      .map((g) => g.arraySync()),
  ]);
  const theirs = tf.tidy(() => [
    reference(...inputs).arraySync(),
    ...tf
      .grads(loss(reference))(inputs)
      .map((g) => g.arraySync()),
  ]);
  weights.dispose();
  const names = ['value', ...inputs.map((_, i) => `d/d input ${i}`)];
  ours.forEach((o, k) => {
    const a = (o as number[]).flat(4) as number[];
    const b = (theirs[k] as number[]).flat(4) as number[];
    assert.equal(a.length, b.length, `${what}: ${names[k]}: sizes differ`);
    const worst = Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number)) / Math.max(1, Math.abs(b[i] as number))));
    assert.ok(worst < 2e-5, `${what}: ${names[k]} differs from autodiff by ${worst}`);
  });
}

describe('ops gradients against TensorFlow.js autodiff', () => {
  for (const backend of ['cpu', 'wasm'] as BackendName[]) {
    describe(`on ${backend}`, () => {
      before(async () => {
        await useBackend(backend);
      });

      it('matmul2d, trainable: both operands', () => {
        const [x, w] = [randn([5, 3]), randn([3, 4])];
        compare(
          (a, b) => matmul2d(a as tf.Tensor2D, b as tf.Tensor2D, true),
          (a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
          [x, w],
          'matmul2d',
        );
        tf.dispose([x, w]);
      });

      it('matmul2d, frozen: the input only', () => {
        const [x, w] = [randn([5, 3]), randn([3, 4])];
        compare(
          (a) => matmul2d(a as tf.Tensor2D, w as tf.Tensor2D, false),
          (a) => tf.matMul(a as tf.Tensor2D, w as tf.Tensor2D),
          [x],
          'matmul2d frozen',
        );
        tf.dispose([x, w]);
      });

      it('bmm: both operands of a batched matmul', () => {
        const [a, c] = [randn([2, 5, 3]), randn([2, 3, 4])];
        compare(
          (p, q) => bmm(p as tf.Tensor3D, q as tf.Tensor3D),
          (p, q) => tf.matMul(p as tf.Tensor3D, q as tf.Tensor3D),
          [a, c],
          'bmm',
        );
        tf.dispose([a, c]);
      });

      it('bmmTransposed: both operands of a batched matmul against the second transposed', () => {
        const [a, c] = [randn([2, 5, 3]), randn([2, 4, 3])];
        compare(
          (p, q) => bmmTransposed(p as tf.Tensor3D, q as tf.Tensor3D),
          (p, q) => tf.matMul(p as tf.Tensor3D, tf.transpose(q, [0, 2, 1]) as tf.Tensor3D),
          [a, c],
          'bmmTransposed',
        );
        tf.dispose([a, c]);
      });

      it('dense, frozen: the input of a linear layer with a bias', () => {
        const [x, w, b] = [randn([2, 3, 4]), randn([4, 6]), randn([6])];
        const plain = (p: tf.Tensor) => tf.add(tf.sum(tf.mul(tf.expandDims(p, -1), w), -2), b);
        compare((p) => dense(p as tf.Tensor, w as tf.Tensor2D, b as tf.Tensor1D, false), plain, [x], 'dense frozen');
        tf.dispose([x, w, b]);
      });

      it('dense: input, weight and bias of a linear layer on a 3-D input', () => {
        const [x, w, b] = [randn([2, 3, 4]), randn([4, 6]), randn([6])];
        // sum over the input axis of x[..., i, None] * w[i, :]: no matmul at all
        const plain = (p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => tf.add(tf.sum(tf.mul(tf.expandDims(p, -1), q), -2), r);
        compare((p, q, r) => dense(p as tf.Tensor, q as tf.Tensor2D, r as tf.Tensor1D, true), plain, [x, w, b], 'dense');
        tf.dispose([x, w, b]);
      });

      it('attention: queries, keys and values, 2 heads, a mask, more keys than queries', () => {
        const [q, k, v] = [randn([2, 3, 8]), randn([2, 5, 8]), randn([2, 5, 8])];
        const mask = tf.tensor2d([0, 0, -1e9, 0, 0, 0, 0, 0, -1e9, 0, 0, 0, 0, 0, 0], [3, 5]);
        const heads = 2;
        // one head at a time: slice the feature axis, softmax(q k^T / sqrt(dh) + mask) v, concatenate
        const plain = (pq: tf.Tensor, pk: tf.Tensor, pv: tf.Tensor) => {
          const dh = 8 / heads;
          const outs = Array.from({ length: heads }, (_, h) => {
            const s = (t: tf.Tensor) => tf.slice(t, [0, 0, h * dh], [-1, -1, dh]) as tf.Tensor3D;
            const scores = tf.add(tf.div(tf.matMul(s(pq), s(pk), false, true), Math.sqrt(dh)), mask);
            return tf.matMul(tf.softmax(scores) as tf.Tensor3D, s(pv));
          });
          return tf.concat(outs, -1);
        };
        compare((pq, pk, pv) => attention(pq as tf.Tensor3D, pk as tf.Tensor3D, pv as tf.Tensor3D, heads, mask).out, plain, [q, k, v], 'attention');
        tf.dispose([q, k, v, mask]);
      });

      it('geluExact: x Phi(x) with its written-out gradient, against autodiff through erf', () => {
        const x = tf.mul(randn([3, 7]), 4);
        compare(
          (p) => geluExact(p),
          (p) => tf.mul(tf.mul(p, 0.5), tf.add(1, tf.erf(tf.mul(p, Math.SQRT1_2)))),
          [x],
          'geluExact',
        );
        x.dispose();
      });

      if (backend === 'cpu') {
        // WASM has no gradient for gather, which is why embed is a one-hot matmul there
        it('embed: the table, against gather', () => {
          const table = randn([7, 3]);
          const ids = tf.tensor2d([0, 3, 6, 3, 1, 5], [2, 3], 'int32');
          compare(
            (t) => embed(ids, t as tf.Tensor2D, true),
            (t) => tf.gather(t, ids),
            [table],
            'embed',
          );
          tf.dispose([table, ids]);
        });
      } else {
        it('embed: the table, against the gradient gather has on the CPU backend', async () => {
          const table = randn([7, 3]);
          const ids = tf.tensor2d([0, 3, 6, 3, 1, 5], [2, 3], 'int32');
          const weights = randn([2, 3, 3]);
          const ours = tf.tidy(() =>
            tf
              .grad((t: tf.Tensor) => tf.sum(tf.mul(embed(ids, t as tf.Tensor2D, true), weights)))(table)
              .arraySync(),
          ) as number[][];
          const [tableData, idsData, weightData] = [table.arraySync(), ids.arraySync(), weights.arraySync()];
          tf.dispose([table, ids, weights]);
          await useBackend('cpu');
          const theirs = tf.tidy(() => {
            const [t, i, w] = [tf.tensor(tableData), tf.tensor(idsData, undefined, 'int32'), tf.tensor(weightData)];
            return tf
              .grad((p: tf.Tensor) => tf.sum(tf.mul(tf.gather(p, i), w)))(t)
              .arraySync();
          }) as number[][];
          await useBackend('wasm');
          ours
            .flat()
            .forEach((v, n) => assert.ok(Math.abs(v - (theirs.flat()[n] as number)) < 2e-5, `embed: d/d table[${n}] = ${v}, gather gives ${theirs.flat()[n]}`));
        });
      }
    });
  }
});
