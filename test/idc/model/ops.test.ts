import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../kernels/idc/backends/backend';
import { gelu } from '../../../kernels/idc/model/ops';

/** GELU's tanh approximation as GPT-2 writes it, in plain numbers. */
function geluTanh(x: number): number {
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
}

/** Its derivative by central differences in float64. */
function geluTanhSlope(x: number): number {
  const h = 1e-5;
  return (geluTanh(x + h) - geluTanh(x - h)) / (2 * h);
}

describe('ops.gelu', () => {
  const xs = Array.from({ length: 161 }, (_, i) => -8 + i * 0.1);
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`is the tanh approximation, value and gradient, on ${backend}`, async () => {
      await useBackend(backend);
      const x = tf.tensor1d(xs);
      const y = (await gelu(x).data()) as Float32Array;
      const dy = (await tf
        .grad((t: tf.Tensor) => tf.sum(gelu(t)))(x)
        .data()) as Float32Array;
      x.dispose();
      xs.forEach((v, i) => {
        assert.ok(Math.abs((y[i] as number) - geluTanh(v)) < 2e-6 * Math.max(1, Math.abs(v)), `gelu(${v.toFixed(1)}) = ${y[i]}, expected ${geluTanh(v)}`);
        assert.ok(Math.abs((dy[i] as number) - geluTanhSlope(v)) < 2e-5, `gelu'(${v.toFixed(1)}) = ${dy[i]}, expected ${geluTanhSlope(v)}`);
      });
      assert.equal(y[80], 0); // gelu(0)
      assert.ok(Math.abs((y[100] as number) - 1.9545977) < 1e-5); // gelu(2), GPT-2's approximation
    });
  }
});
