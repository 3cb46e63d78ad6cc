/**
 * LoRA as BLIP2IDC applies it: a low-rank update (x A B) * alpha / r beside a frozen linear,
 * with A random and B zero at the start (so the model starts as the base), dropout on the
 * adapter's input, and no bias. Targets follow the paper: the ViT's fused qkv of every layer;
 * in the Q-Former the cross-attention query and every key and value (self and cross); in the
 * decoder q, k and v of every layer.
 */
import type { ModelConfig } from './config';

export const LORA_MODULES = ['vit', 'qformer', 'llm'] as const;
export type LoraModule = (typeof LORA_MODULES)[number];

export interface LoraSettings {
  rank: number;
  /** Default 2 * rank, as in the paper. */
  alpha?: number;
  /** Default 0.05. */
  dropout?: number;
  modules: readonly LoraModule[];
}

export interface LoraTarget {
  /** The linear layer's weight name, e.g. `vit.blocks.0.attn.qkv`. */
  layer: string;
  module: LoraModule;
  inputs: number;
  outputs: number;
}

/** The sizes that decide which linears LoRA adapts, whatever the model's config format. */
export interface LoraTargetDims {
  vit: { layers: number; width: number };
  qformer: { layers: number; width: number; crossAttentionEvery: number; encoderWidth: number };
  llm: { layers: number; width: number };
}

/**
 * Every linear layer LoRA can adapt, in model order: the one list of targets, which training
 * (loraTargets) and the memory calculator (memory/counts.ts) both read.
 */
export function targetLinears(dims: LoraTargetDims): LoraTarget[] {
  const out: LoraTarget[] = [];
  const { vit, qformer, llm } = dims;
  for (let i = 0; i < vit.layers; i++) out.push({ layer: `vit.blocks.${i}.attn.qkv`, module: 'vit', inputs: vit.width, outputs: 3 * vit.width });
  for (let i = 0; i < qformer.layers; i++) {
    for (const p of ['k', 'v']) out.push({ layer: `qformer.blocks.${i}.self.${p}`, module: 'qformer', inputs: qformer.width, outputs: qformer.width });
    if (i % qformer.crossAttentionEvery === 0) {
      out.push({ layer: `qformer.blocks.${i}.cross.q`, module: 'qformer', inputs: qformer.width, outputs: qformer.width });
      for (const p of ['k', 'v'])
        out.push({ layer: `qformer.blocks.${i}.cross.${p}`, module: 'qformer', inputs: qformer.encoderWidth, outputs: qformer.width });
    }
  }
  for (let i = 0; i < llm.layers; i++)
    for (const p of ['q', 'k', 'v']) out.push({ layer: `decoder.blocks.${i}.attn.${p}`, module: 'llm', inputs: llm.width, outputs: llm.width });
  return out;
}

/** The linear layers LoRA adapts for `modules`, in model order. */
export function loraTargets(config: ModelConfig, modules: readonly LoraModule[]): LoraTarget[] {
  const { vit, qformer, decoder } = config;
  const dims: LoraTargetDims = {
    vit: { layers: vit.layers, width: vit.dim },
    qformer: { layers: qformer.layers, width: qformer.dim, crossAttentionEvery: qformer.crossEvery, encoderWidth: vit.dim },
    llm: { layers: decoder.layers, width: decoder.dim },
  };
  return targetLinears(dims).filter((t) => modules.includes(t.module));
}

/** Trainable parameters of an adapter: r * (in + out) per target. */
export function loraParameterCount(config: ModelConfig, settings: Pick<LoraSettings, 'rank' | 'modules'>): number {
  return loraTargets(config, settings.modules).reduce((n, t) => n + settings.rank * (t.inputs + t.outputs), 0);
}

export function validateLora(settings: LoraSettings): Required<LoraSettings> {
  const { rank } = settings;
  if (!Number.isInteger(rank) || rank <= 0) throw new RangeError(`lora: rank: expected a positive integer, found ${JSON.stringify(rank)}`);
  const modules = settings.modules;
  if (!Array.isArray(modules) || modules.length === 0)
    throw new RangeError(`lora: modules: expected a non-empty list of ${LORA_MODULES.join(', ')}, found ${JSON.stringify(modules)}`);
  for (const m of modules)
    if (!(LORA_MODULES as readonly string[]).includes(m))
      throw new RangeError(`lora: modules: expected ${LORA_MODULES.join(', ')}, found ${JSON.stringify(m)}`);
  const alpha = settings.alpha ?? 2 * rank;
  const dropout = settings.dropout ?? 0.05;
  if (!(alpha > 0)) throw new RangeError(`lora: alpha: expected a positive number, found ${JSON.stringify(alpha)}`);
  if (!(dropout >= 0 && dropout < 1)) throw new RangeError(`lora: dropout: expected a number in [0, 1), found ${JSON.stringify(dropout)}`);
  return { rank, alpha, dropout, modules: [...new Set(modules)] };
}

/**
 * W + (alpha / r) A B for one target, in plain arrays: W [in, out], A [in, r], B [r, out].
 * The merged weight an exported model carries instead of the adapter branch.
 */
export function mergedWeight(w: Float32Array, a: Float32Array, b: Float32Array, inputs: number, rank: number, outputs: number, scale: number): Float32Array {
  if (w.length !== inputs * outputs || a.length !== inputs * rank || b.length !== rank * outputs)
    throw new RangeError(`mergedWeight: expected W ${inputs}x${outputs}, A ${inputs}x${rank}, B ${rank}x${outputs}`);
  const out = Float32Array.from(w);
  for (let i = 0; i < inputs; i++) {
    for (let k = 0; k < rank; k++) {
      const aik = (a[i * rank + k] as number) * scale;
      if (aik === 0) continue;
      for (let j = 0; j < outputs; j++) out[i * outputs + j] = (out[i * outputs + j] as number) + aik * (b[k * outputs + j] as number);
    }
  }
  return out;
}
