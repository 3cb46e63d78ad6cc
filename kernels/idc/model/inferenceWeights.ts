/**
 * The weights an inference engine needs: the base with an adapter merged in
 * (W + alpha/r A B), from a live model or from the files a run saved, without touching the
 * model's own weights. Type imports only: the kernel merges files without TensorFlow.js.
 */
import type { Blip2Idc } from './blip2idc';
import { mergedWeight, type LoraSettings } from './lora';
import type { NamedArrays } from './parameters';

/** A copy of `base` with every `<layer>.lora_A` / `.lora_B` pair of `adapter` merged into `<layer>.weight`. */
export function mergeAdapterWeights(
  base: NamedArrays,
  adapter: NamedArrays,
  settings: Pick<LoraSettings, 'rank'> & { alpha: number },
  source = 'adapter',
): NamedArrays {
  const merged: NamedArrays = new Map(base);
  const scale = settings.alpha / settings.rank;
  for (const [name, a] of adapter) {
    if (name.endsWith('.lora_B')) {
      if (!adapter.has(`${name.slice(0, -'.lora_B'.length)}.lora_A`))
        throw new Error(`${source}: expected ${name.slice(0, -'.lora_B'.length)}.lora_A beside ${name}, found none`);
      continue;
    }
    if (!name.endsWith('.lora_A')) throw new Error(`${source}: tensor ${name}: expected <layer>.lora_A or <layer>.lora_B`);
    const layer = name.slice(0, -'.lora_A'.length);
    const b = adapter.get(`${layer}.lora_B`);
    const w = base.get(`${layer}.weight`);
    if (!b) throw new Error(`${source}: expected ${layer}.lora_B beside ${name}, found none`);
    if (!w) throw new Error(`${source}: tensor ${name}: the base model has no layer ${layer}`);
    const [inputs, rank] = a.shape as [number, number];
    const outputs = b.shape[1] as number;
    if (rank !== settings.rank || w.shape[0] !== inputs || w.shape[1] !== outputs || b.shape[0] !== rank) {
      throw new Error(
        `${source}: ${layer}: expected lora_A [${w.shape[0]}, ${settings.rank}] and lora_B [${settings.rank}, ${w.shape[1]}], found [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`,
      );
    }
    merged.set(`${layer}.weight`, { shape: w.shape, data: mergedWeight(w.data, a.data, b.data, inputs, rank, outputs, scale) });
  }
  return merged;
}

export async function inferenceWeights(model: Blip2Idc): Promise<NamedArrays> {
  const base = await model.params.read('base');
  const settings = model.loraSettings;
  if (!settings || model.loraMerged) return base;
  return mergeAdapterWeights(base, await model.params.read('adapter'), settings);
}
