/** The seeded dropout mask: its rate, its scale, and its seed alone deciding it. */
import assert from 'node:assert/strict';
import { dropoutMask } from '../../kernels/platform/random';

describe('dropoutMask', () => {
  it('drops the share asked for and scales the rest by 1 / (1 - rate), as inverted dropout does', () => {
    for (const rate of [0.05, 0.1, 0.5]) {
      const mask = dropoutMask(200_000, rate, 7);
      const dropped = mask.filter((v) => v === 0).length / mask.length;
      // 200,000 draws: the share is within 4 standard deviations of the rate
      assert.ok(Math.abs(dropped - rate) < 4 * Math.sqrt((rate * (1 - rate)) / mask.length), `rate ${rate}: dropped ${dropped}`);
      assert.ok(mask.every((v) => v === 0 || v === Math.fround(1 / (1 - rate))));
    }
  });

  it('is decided by its seed alone, and refuses a rate outside [0, 1)', () => {
    assert.deepEqual(dropoutMask(1000, 0.1, 3), dropoutMask(1000, 0.1, 3));
    assert.notDeepEqual(dropoutMask(1000, 0.1, 3), dropoutMask(1000, 0.1, 4));
    assert.ok(dropoutMask(1000, 0, 3).every((v) => v === 1));
    assert.throws(() => dropoutMask(10, 1, 3), /dropoutMask: rate: expected a number in \[0, 1\), found 1/);
  });
});
