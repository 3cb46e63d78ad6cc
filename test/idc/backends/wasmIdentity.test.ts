/**
 * The WASM backend's Identity as useBackend registers it: a clone shares its input's buffer
 * (no copy), lives on after the input is disposed, frees the buffer with the last reference,
 * and autodiff through it (which clones every saved tensor) gives the same gradients.
 */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../kernels/idc/backends/backend';

describe('WASM Identity', () => {
  before(async () => {
    await useBackend('wasm');
  });

  it('shares the buffer, outlives its input and leaves nothing behind', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const y = tf.clone(x);
    assert.equal(y.dataId, x.dataId);
    x.dispose();
    assert.deepEqual(y.arraySync(), [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    y.dispose();
    assert.equal(tf.memory().numTensors, before);
    // strings have no buffer in the WASM heap: cloned by value as before
    const s = tf.tensor1d(['a', 'b'], 'string');
    assert.deepEqual(tf.clone(s).arraySync(), ['a', 'b']);
    s.dispose();
  });

  it('gives the gradients of saved tensors as the CPU backend does, with no tensor left over', async () => {
    const f = (a: tf.Tensor) => tf.sum(tf.mul(tf.sigmoid(tf.matMul(a as tf.Tensor2D, a as tf.Tensor2D, false, true)), tf.sum(a)));
    const values = [0.5, -1, 2, 0.25, -0.75, 1.5];
    const grad = () => {
      const a = tf.tensor2d(values, [2, 3]);
      const g = tf.grad(f)(a);
      const out = g.arraySync() as number[][];
      tf.dispose([a, g]);
      return out;
    };
    const before = tf.memory().numTensors;
    const onWasm = grad();
    assert.equal(tf.memory().numTensors, before);
    await useBackend('cpu');
    const onCpu = grad();
    await useBackend('wasm');
    onWasm.flat().forEach((v, i) => assert.ok(Math.abs(v - (onCpu.flat()[i] as number)) < 1e-5, `element ${i}: ${v} on wasm, ${onCpu.flat()[i]} on cpu`));
  });
});
