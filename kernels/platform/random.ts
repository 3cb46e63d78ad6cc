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
 * Where an inverted dropout of `count` values at `rate` puts its zeros (torch's dropout: each
 * value dropped independently with probability `rate`, the rest scaled by 1 / (1 - rate)),
 * ascending, from a stream seeded by `seed`. The positions are drawn as the gaps between them,
 * which are geometric: a gap is floor(ln V / ln(1 - rate)) for V uniform in (0, 1], so
 * P(gap = k) = (1 - rate)^k rate, the same distribution as one draw per value from a twentieth
 * of the draws at LoRA's 0.05. (A full mask drawn value by value in JavaScript was 7% of a LoRA
 * step; tf.dropout, a float per value and three elementwise ops, a sixth.)
 */
export function dropoutPositions(count: number, rate: number, seed: number): Int32Array {
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`dropoutPositions: rate: expected a number in [0, 1), found ${rate}`);
  if (rate === 0) return new Int32Array(0);
  const out: number[] = [];
  const rng = xoroshiro128plus(seed);
  const logKept = Math.log1p(-rate);
  const gap = () => Math.floor(Math.log(1 - uniformFloat64(rng)) / logKept);
  for (let i = gap(); i < count; i += 1 + gap()) out.push(i);
  return Int32Array.from(out);
}
