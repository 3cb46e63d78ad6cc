/**
 * What a shape costs: parameters per module (every weight, bias and layer norm), the model
 * size per dtype as Hugging Face accelerate's estimator prints it, and LoRA's trainable
 * parameters, adapter file and training memory on a frozen float16 model.
 */
import { LORA_PARTS as LORA_MODULES, type LoraPart as LoraModule } from '../blip2/lora';
import { fail, imageSides, validateShape, type Blip2Shape, type LlmShape, type QkvBias, type QFormerShape, type VisionShape } from './shapes';

export const MODULES = ['vision', 'qformer', 'projection', 'llm'] as const;
export type ModuleName = (typeof MODULES)[number];

/** `count` copies of `each` parameters (1 for a single tensor group). */
export interface ParameterPart {
  name: string;
  count: number;
  each: number;
  parameters: number;
}

export interface ModuleParameters {
  module: ModuleName;
  parameters: number;
  parts: ParameterPart[];
}

export interface ParameterCounts {
  modules: Record<ModuleName, ModuleParameters>;
  /** Distinct parameters: what the weights file and the GPU hold. */
  total: number;
  /** The tied output head (the token embedding's matrix), 0 when untied. */
  tiedOutput: number;
  /** `total`, plus the tied head again where the shape asks for accelerate's way of counting. */
  counted: number;
}

const linear = (inputs: number, outputs: number, bias = true): number => inputs * outputs + (bias ? outputs : 0);
const layerNorm = (width: number): number => 2 * width;

function part(name: string, each: number, count = 1): ParameterPart {
  return { name, count, each, parameters: each * count };
}

function moduleOf(module: ModuleName, parts: ParameterPart[]): ModuleParameters {
  const kept = parts.filter((p) => p.parameters > 0);
  return { module, parameters: kept.reduce((n, p) => n + p.parameters, 0), parts: kept };
}

const QKV_BIASES: Record<QkvBias, number> = { none: 0, qv: 2, qkv: 3 };

/** A pre-LN ViT block: LN, fused qkv (+ its biases), output projection, LN, MLP. */
function visionLayer(v: VisionShape): number {
  const w = v.width;
  return layerNorm(w) + linear(w, 3 * w, false) + QKV_BIASES[v.qkvBias] * w + linear(w, w) + layerNorm(w) + linear(w, v.mlp) + linear(v.mlp, w);
}

function visionParameters(v: VisionShape): ModuleParameters {
  const { width, height } = imageSides(v);
  const tokens = (width / v.patch) * (height / v.patch) + (v.classToken ? 1 : 0);
  return moduleOf('vision', [
    part('patch embedding', linear(v.channels * v.patch * v.patch, v.width)),
    part('class token', v.classToken ? v.width : 0),
    part('positions', tokens * v.width),
    part('layer', visionLayer(v), v.layers),
    part('final layer norm', v.finalLayerNorm ? layerNorm(v.width) : 0),
  ]);
}

function crossLayers(q: QFormerShape): number {
  return Math.ceil(q.layers / q.crossAttentionEvery);
}

/** A Q-Former layer: self-attention, cross-attention to the image where it has one, query FFN; a LN each. */
function qformerLayer(q: QFormerShape, cross: boolean): number {
  const w = q.width;
  const self = 4 * linear(w, w) + layerNorm(w);
  const crossAttention = cross ? linear(w, w) + 2 * linear(q.encoderWidth, w) + linear(w, w) + layerNorm(w) : 0;
  return self + crossAttention + linear(w, q.mlp) + linear(q.mlp, w) + layerNorm(w);
}

function qformerParameters(q: QFormerShape): ModuleParameters {
  const withCross = crossLayers(q);
  return moduleOf('qformer', [
    part('query tokens', q.queries * q.width),
    part('layer with cross-attention', qformerLayer(q, true), withCross),
    part('layer without cross-attention', qformerLayer(q, false), q.layers - withCross),
    part('layer norm', q.finalLayerNorm ? layerNorm(q.width) : 0),
  ]);
}

/** A pre-LN decoder layer: LN, q/k/v/out with biases, LN, fc1/fc2 with biases. */
function llmLayer(l: LlmShape): number {
  const w = l.width;
  return layerNorm(w) + 4 * linear(w, w) + layerNorm(w) + linear(w, l.ffn) + linear(l.ffn, w);
}

function llmParameters(l: LlmShape): ModuleParameters {
  return moduleOf('llm', [
    part('token embedding', l.vocab * l.width),
    part('positions', l.positions * l.width),
    part('layer', llmLayer(l), l.layers),
    part('final layer norm', layerNorm(l.width)),
    part('output head', l.tiedOutput ? 0 : linear(l.width, l.vocab, false)),
  ]);
}

export function countParameters(shape: Blip2Shape): ParameterCounts {
  validateShape(shape);
  const modules: Record<ModuleName, ModuleParameters> = {
    vision: visionParameters(shape.vision),
    qformer: qformerParameters(shape.qformer),
    projection: moduleOf('projection', [part('linear', linear(shape.projection.from, shape.projection.to))]),
    llm: llmParameters(shape.llm),
  };
  const total = MODULES.reduce((n, m) => n + modules[m].parameters, 0);
  const tiedOutput = shape.llm.tiedOutput ? shape.llm.vocab * shape.llm.width : 0;
  return { modules, total, tiedOutput, counted: total + (shape.llm.countTiedOutputTwice ? tiedOutput : 0) };
}

export const DTYPES = ['float32', 'float16', 'int8', 'int4'] as const;
export type Dtype = (typeof DTYPES)[number];
export const BYTES_PER_PARAMETER: Record<Dtype, number> = { float32: 4, float16: 2, int8: 1, int4: 0.5 };

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'];

/** Python's round(x, 2) on a non-negative float: the exact binary value, ties to even. */
function pythonRound2(x: number): number {
  if (!Number.isFinite(x) || x >= 1e21) return x; // toFixed switches to exponents there
  // toFixed(100) is the exact decimal expansion of any double of this size
  const [whole, fraction] = x.toFixed(100).split('.') as [string, string];
  const rest = fraction.slice(2);
  const kept = BigInt(whole + fraction.slice(0, 2));
  const tie = rest[0] === '5' && /^0*$/.test(rest.slice(1));
  const up = rest[0] !== undefined && (rest[0] > '5' || (rest[0] === '5' && (!tie || kept % 2n === 1n)));
  return Number(kept + (up ? 1n : 0n)) / 100;
}

/**
 * accelerate's `convert_bytes`: divide by 1024 until under 1024, then `f"{round(size, 2)} {unit}"`.
 * Its sizes are Python floats (so 2.0 prints "2.0") except the float32 byte count, an int.
 */
export function formatAccelerate(bytes: number, pythonInt = false): string {
  let size = bytes;
  for (const [i, unit] of UNITS.entries()) {
    if (size < 1024) return `${pythonRepr(pythonRound2(size), pythonInt && i === 0)} ${unit}`;
    size /= 1024;
  }
  return `${pythonRepr(pythonRound2(size), false)} PB`;
}

function pythonRepr(value: number, isInt: boolean): string {
  return !isInt && Number.isInteger(value) ? `${value}.0` : String(value);
}

export interface DtypeRow {
  dtype: Dtype;
  bytesPerParameter: number;
  modelBytes: number;
  /** accelerate's "training using Adam": 4 x the model (weights, gradients, two Adam moments). */
  trainingBytes: number;
  /** As accelerate prints them: GiB written "GB". */
  modelSize: string;
  trainingSize: string;
}

export function dtypeRows(shape: Blip2Shape): DtypeRow[] {
  const { counted } = countParameters(shape);
  return DTYPES.map((dtype) => {
    const bytesPerParameter = BYTES_PER_PARAMETER[dtype];
    const modelBytes = counted * bytesPerParameter;
    const trainingBytes = 4 * modelBytes;
    const isInt = dtype === 'float32'; // the others are divided, which makes Python floats
    return {
      dtype,
      bytesPerParameter,
      modelBytes,
      trainingBytes,
      modelSize: formatAccelerate(modelBytes, isInt),
      trainingSize: formatAccelerate(trainingBytes, isInt),
    };
  });
}

/** Bytes per trainable parameter: float32 weight, gradient and two Adam moments. */
export const ADAM_BYTES_PER_PARAMETER = 16;
/** Bytes per frozen parameter of the float16 base. */
export const FROZEN_BYTES_PER_PARAMETER = 2;

export function validateRank(rank: unknown): number {
  if (typeof rank !== 'number' || !Number.isInteger(rank) || rank <= 0) fail('rank', 'a positive integer', rank);
  return rank;
}

export function validateTargets(targets: unknown): LoraModule[] {
  const expected = LORA_MODULES.join(', ');
  if (!Array.isArray(targets) || targets.length === 0) fail('targets', `a non-empty list of ${expected}`, targets);
  for (const [i, t] of targets.entries()) if (!(LORA_MODULES as readonly unknown[]).includes(t)) fail(`targets[${i}]`, `one of ${expected}`, t);
  return LORA_MODULES.filter((m) => targets.includes(m));
}

/**
 * Trainable parameters per unit of rank: r * (in + out) summed over the Linears BLIP2IDC's
 * target_modules pick (blip2idcTargetModules in model/blip2/lora.ts): the ViT's fused `qkv`;
 * the Q-Former's self-attention `key` and `value`, and its cross-attention `query`, `key` and
 * `value`; the OPT decoder's `q_proj`, `k_proj` and `v_proj`.
 */
export function loraPerRank(shape: Blip2Shape): Record<LoraModule, number> {
  validateShape(shape);
  const { vision: v, qformer: q, llm: l } = shape;
  const perRank: Record<LoraModule, number> = { vit: 0, qformer: 0, llm: 0 };
  perRank.vit = v.layers * (v.width + 3 * v.width);
  for (let i = 0; i < q.layers; i++) {
    perRank.qformer += 2 * (q.width + q.width);
    if (i % q.crossAttentionEvery === 0) perRank.qformer += q.width + q.width + 2 * (q.encoderWidth + q.width);
  }
  perRank.llm = l.layers * 3 * (l.width + l.width);
  return perRank;
}

export interface LoraCount extends Record<LoraModule, number> {
  rank: number;
  targets: LoraModule[];
  total: number;
  /** Share of all parameters once the adapter is attached, as PEFT prints "trainable%". */
  share: number;
}

export function loraParameters(shape: Blip2Shape, rank: number, targets: readonly LoraModule[] = LORA_MODULES): LoraCount {
  validateRank(rank);
  const chosen = validateTargets(targets);
  const perRank = loraPerRank(shape);
  const counts = Object.fromEntries(LORA_MODULES.map((m) => [m, chosen.includes(m) ? rank * perRank[m] : 0])) as Record<LoraModule, number>;
  const total = LORA_MODULES.reduce((n, m) => n + counts[m], 0);
  return { rank, targets: chosen, ...counts, total, share: total / (countParameters(shape).total + total) };
}

export interface LoraMemory {
  /** The adapter's weights as PEFT saves them (float32), and in float16; the file's JSON header is left out. */
  adapterFloat32Bytes: number;
  adapterFloat16Bytes: number;
  /** The float16 base, each tied matrix once (it is one tensor on the GPU). */
  frozenBytes: number;
  /** Adapter weights, their gradients and two Adam moments, in float32. */
  optimizerBytes: number;
  /** frozenBytes + optimizerBytes; activations are not in it. */
  trainingBytes: number;
}

export function loraMemory(shape: Blip2Shape, rank: number, targets: readonly LoraModule[] = LORA_MODULES): LoraMemory {
  const { total } = loraParameters(shape, rank, targets);
  const frozenBytes = countParameters(shape).total * FROZEN_BYTES_PER_PARAMETER;
  const optimizerBytes = total * ADAM_BYTES_PER_PARAMETER;
  return { adapterFloat32Bytes: 4 * total, adapterFloat16Bytes: 2 * total, frozenBytes, optimizerBytes, trainingBytes: frozenBytes + optimizerBytes };
}
