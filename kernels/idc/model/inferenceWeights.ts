/**
 * The weights an inference engine needs: the base with the attached adapter merged in
 * (W + alpha/r A B), read back from the backend, without touching the model's own weights.
 */
import type { Blip2Idc } from './blip2idc';
import { mergedWeight } from './lora';
import type { NamedArrays } from './parameters';

export async function inferenceWeights(model: Blip2Idc): Promise<NamedArrays> {
  const base = await model.params.read('base');
  const settings = model.loraSettings;
  if (!settings || model.loraMerged) return base;
  const adapters = await model.params.read('adapter');
  const scale = settings.alpha / settings.rank;
  for (const [name, a] of adapters) {
    if (!name.endsWith('.lora_A')) continue;
    const layer = name.slice(0, -'.lora_A'.length);
    const b = adapters.get(`${layer}.lora_B`);
    const w = base.get(`${layer}.weight`);
    if (!b || !w) throw new Error(`inferenceWeights: the adapter of ${layer} has no lora_B or no base weight`);
    const [inputs, rank] = a.shape as [number, number];
    const outputs = b.shape[1] as number;
    base.set(`${layer}.weight`, { shape: w.shape, data: mergedWeight(w.data, a.data, b.data, inputs, rank, outputs, scale) });
  }
  return base;
}
