/**
 * Named weights of the model. The base weights and the LoRA adapters are kept apart: the
 * base is frozen while an adapter trains, and only adapters are saved per run.
 */
import * as tf from '@tensorflow/tfjs-core';

export type NamedArrays = Map<string, { shape: number[]; data: Float32Array }>;

let instances = 0;

export class Parameters {
  /** tfjs variable names are global to the engine: each model's get a prefix of their own. */
  private readonly prefix = `m${++instances}`;
  readonly base = new Map<string, tf.Variable>();
  readonly adapters = new Map<string, tf.Variable>();
  /** Whether gradients reach the base weights (pretraining) or only the adapters. */
  baseTrainable = true;

  add(name: string, shape: number[], data: Float32Array, kind: 'base' | 'adapter' = 'base'): tf.Variable {
    const map = kind === 'base' ? this.base : this.adapters;
    if (map.has(name)) throw new Error(`parameter ${name} is defined twice`);
    const initial = tf.tensor(data, shape);
    const variable = tf.variable(initial, true, `${this.prefix}/${kind}/${name}`);
    initial.dispose(); // the variable holds its own reference to the data
    map.set(name, variable);
    return variable;
  }

  get(name: string): tf.Variable {
    const v = this.base.get(name) ?? this.adapters.get(name);
    if (!v) throw new Error(`no parameter named ${name}`);
    return v;
  }

  has(name: string): boolean {
    return this.base.has(name) || this.adapters.has(name);
  }

  trainable(): tf.Variable[] {
    return [...(this.baseTrainable ? this.base.values() : []), ...this.adapters.values()];
  }

  count(kind: 'base' | 'adapter'): number {
    let n = 0;
    for (const v of (kind === 'base' ? this.base : this.adapters).values()) n += v.size;
    return n;
  }

  /** Values read back from the backend, for saving. */
  async read(kind: 'base' | 'adapter'): Promise<NamedArrays> {
    const out: NamedArrays = new Map();
    for (const [name, v] of kind === 'base' ? this.base : this.adapters) out.set(name, { shape: [...v.shape], data: (await v.data()) as Float32Array });
    return out;
  }

  /** Assigns saved values to existing parameters; names and shapes must match exactly. */
  assign(values: NamedArrays, kind: 'base' | 'adapter', source: string): void {
    const map = kind === 'base' ? this.base : this.adapters;
    for (const name of map.keys()) if (!values.has(name)) throw new Error(`${source}: expected a tensor named ${name}, found none`);
    for (const [name, value] of values) {
      const v = map.get(name);
      if (!v) throw new Error(`${source}: tensor ${name} is not a ${kind === 'base' ? 'model weight' : 'adapter weight'} of this model`);
      if (v.shape.join('x') !== value.shape.join('x'))
        throw new Error(`${source}: tensor ${name}: expected shape [${v.shape.join(', ')}], found [${value.shape.join(', ')}]`);
      const t = tf.tensor(value.data, value.shape);
      v.assign(t);
      t.dispose();
    }
  }

  disposeAdapters(): void {
    for (const v of this.adapters.values()) v.dispose();
    this.adapters.clear();
  }

  dispose(): void {
    this.disposeAdapters();
    for (const v of this.base.values()) v.dispose();
    this.base.clear();
  }
}
