/**
 * A seeded random stream for everything data-side (splits, the synthetic generator,
 * augmentation): the same seed gives the same numbers on every machine.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

export class SeededRandom {
  private readonly rng: ReturnType<typeof xoroshiro128plus>;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new RangeError(`seed: expected an integer, found ${seed}`);
    this.rng = xoroshiro128plus(seed);
  }

  /** An integer in [low, high], both included. */
  int(low: number, high: number): number {
    return uniformInt(this.rng, low, high);
  }

  /** A float in [0, 1). */
  float(): number {
    return uniformFloat64(this.rng);
  }

  /** A float in [low, high). */
  between(low: number, high: number): number {
    return low + (high - low) * this.float();
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick: no items to pick from');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffled<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }
}

/** FNV-1a over a string: a 32-bit seed for draws keyed by names ("seed:epoch:sample"). */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h | 0;
}

/**
 * An inverted-dropout mask of `count` values, as torch's dropout scales: 0 with probability
 * `rate`, else 1 / (1 - rate). One 32-bit draw per value from its own seeded stream, compared
 * with rate * 2^32: tf.dropout draws a float per value through tf.randomUniform's generator and
 * then runs three elementwise ops to make the same mask, which was a sixth of a LoRA step.
 */
export function dropoutMask(count: number, rate: number, seed: number): Float32Array {
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`dropoutMask: rate: expected a number in [0, 1), found ${rate}`);
  const rng = xoroshiro128plus(seed);
  const kept = 1 / (1 - rate);
  const threshold = rate * 2 ** 32;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = rng.next() >>> 0 >= threshold ? kept : 0;
  return out;
}
