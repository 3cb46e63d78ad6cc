/** The seeded dropout positions: their rate, their independence, and their seed alone deciding them. */
import assert from 'node:assert/strict';
import { dropoutPositions } from '../../kernels/platform/random';

describe('dropoutPositions', () => {
  it('drops the share asked for, each value independently (adjacent pairs at rate squared), ascending and in range', () => {
    const count = 200_000;
    for (const rate of [0.05, 0.1, 0.5]) {
      const dropped = dropoutPositions(count, rate, 7);
      const share = dropped.length / count;
      // 200,000 draws: the share is within 4 standard deviations of the rate
      assert.ok(Math.abs(share - rate) < 4 * Math.sqrt((rate * (1 - rate)) / count), `rate ${rate}: dropped ${share}`);
      assert.ok(
        dropped.every((p, i) => p >= 0 && p < count && (i === 0 || p > (dropped[i - 1] as number))),
        `rate ${rate}: positions not ascending within [0, ${count})`,
      );
      // a gap of 0 is as likely as the geometric law says: both of two neighbours dropped at rate^2
      const set = new Set(dropped);
      let pairs = 0;
      for (const p of dropped) if (set.has(p + 1)) pairs++;
      const both = pairs / (count - 1);
      const p2 = rate * rate;
      assert.ok(Math.abs(both - p2) < 4 * Math.sqrt((p2 * (1 - p2)) / count) + 1e-4, `rate ${rate}: neighbours both dropped ${both}, expected ${p2}`);
    }
  });

  it('is decided by its seed alone, and refuses a rate outside [0, 1)', () => {
    assert.deepEqual(dropoutPositions(1000, 0.1, 3), dropoutPositions(1000, 0.1, 3));
    assert.notDeepEqual(dropoutPositions(1000, 0.1, 3), dropoutPositions(1000, 0.1, 4));
    assert.equal(dropoutPositions(1000, 0, 3).length, 0);
    assert.throws(() => dropoutPositions(10, 1, 3), /dropoutPositions: rate: expected a number in \[0, 1\), found 1/);
  });
});
