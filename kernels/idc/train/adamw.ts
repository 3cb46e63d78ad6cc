/**
 * AdamW with the paper's defaults (beta 0.9 / 0.999, eps 1e-8, weight decay 0.01), decoupled
 * weight decay as in PyTorch's AdamW:
 *   w <- w - lr * wd * w;  m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2
 *   w <- w - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * Its state (step, m, v per variable) is plain data, so a checkpoint can hold it exactly.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface AdamWOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  weightDecay?: number;
}

export interface AdamWState {
  step: number;
  /** Per variable name: first and second moments. */
  moments: Map<string, { m: Float32Array; v: Float32Array }>;
}

export class AdamW {
  /** Set before each step by the caller's schedule (schedule.ts). */
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  step = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  constructor(options: AdamWOptions) {
    this.learningRate = options.learningRate;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0.01;
    if (!(this.learningRate > 0)) throw new RangeError(`AdamW: learningRate: expected a positive number, found ${options.learningRate}`);
  }

  private moment(map: Map<string, tf.Variable>, name: string, like: tf.Variable): tf.Variable {
    let s = map.get(name);
    if (!s) {
      const zeros = tf.zerosLike(like);
      s = tf.variable(zeros, false);
      zeros.dispose();
      map.set(name, s);
    }
    return s;
  }

  /** One update of `variables` (by name) with their gradients. */
  apply(variables: ReadonlyMap<string, tf.Variable>, grads: Readonly<Record<string, tf.Tensor>>): void {
    this.step++;
    const { beta1: b1, beta2: b2, epsilon, weightDecay, learningRate: lr } = this;
    const c1 = 1 - b1 ** this.step;
    const c2 = 1 - b2 ** this.step;
    tf.tidy(() => {
      for (const [name, w] of variables) {
        const g = grads[name];
        if (!g) continue;
        const m = this.moment(this.m, name, w);
        const v = this.moment(this.v, name, w);
        m.assign(tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1)));
        v.assign(tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2)));
        const update = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), epsilon));
        w.assign(tf.sub(tf.mul(w, 1 - lr * weightDecay), tf.mul(update, lr)));
      }
    });
  }

  async state(): Promise<AdamWState> {
    const moments = new Map<string, { m: Float32Array; v: Float32Array }>();
    for (const [name, m] of this.m)
      moments.set(name, { m: (await m.data()) as Float32Array, v: (await (this.v.get(name) as tf.Variable).data()) as Float32Array });
    return { step: this.step, moments };
  }

  /** Restores a saved state; `shapes` gives each variable's shape. */
  restore(state: AdamWState, shapes: ReadonlyMap<string, readonly number[]>): void {
    this.dispose();
    this.step = state.step;
    for (const [name, { m, v }] of state.moments) {
      const shape = shapes.get(name);
      if (!shape) throw new Error(`optimizer state: moments for ${name}, which is not a trainable variable`);
      for (const [map, values] of [
        [this.m, m],
        [this.v, v],
      ] as const) {
        const t = tf.tensor(values, [...shape]);
        map.set(name, tf.variable(t, false));
        t.dispose();
      }
    }
  }

  dispose(): void {
    for (const s of [...this.m.values(), ...this.v.values()]) s.dispose();
    this.m.clear();
    this.v.clear();
  }
}
