import assert from 'node:assert/strict';
import { useBackend } from '../../../kernels/idc/backends/backend';
import { dropoutMask } from '../../../kernels/idc/model/ops';
import { dropoutPositions } from '../../../kernels/platform/random';

describe('ops.dropoutMask', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`is 0 exactly at the seeded positions and 1 / (1 - rate) elsewhere, in the shape asked for, on ${backend}`, async () => {
      await useBackend(backend);
      const rate = 0.2;
      const mask = dropoutMask([3, 50, 7], rate, 9);
      assert.deepEqual(mask.shape, [3, 50, 7]);
      const values = (await mask.data()) as Float32Array;
      mask.dispose();
      const zeros = [...values.keys()].filter((i) => values[i] === 0);
      assert.deepEqual(zeros, [...dropoutPositions(3 * 50 * 7, rate, 9)]);
      assert.ok(zeros.length > 0);
      assert.ok(values.every((v) => v === 0 || v === Math.fround(1 / (1 - rate))));
      const none = dropoutMask([4, 2], 0, 9);
      assert.deepEqual(await none.data(), new Float32Array(8).fill(1));
      none.dispose();
    });
  }
});
