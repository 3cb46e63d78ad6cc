/**
 * How much memory a BLIP-2-style model needs, from its shape alone: parameters per module
 * (every weight, bias and layer norm), the model size per dtype as HuggingFace accelerate's
 * estimator prints it (the layout of the paper's supplementary Table 4), LoRA's trainable
 * parameters for the paper's targets, the adapter file and the training memory of LoRA on a
 * frozen float16 model, and how those compare with the paper's LoRA rows.
 *
 * Pure functions over plain data; display belongs to the callers.
 */
import { patchGrid, type ModelConfig } from './config';
import { LORA_MODULES, type LoraModule } from './lora';

/** Which of q, k and v carry a bias in the ViT's fused qkv projection. */
export type QkvBias = 'none' | 'qv' | 'qkv';

export interface VisionShape {
  layers: number;
  width: number;
  /** Hidden size of the MLP. */
  mlp: number;
  patch: number;
  /** Side of a square input, or the width and height of a rectangular one (the mini model's stacked pair). */
  imageSize: number | { width: number; height: number };
  channels: number;
  /** A learned class token, which also takes a position of its own. */
  classToken: boolean;
  /** EVA's fused qkv has no bias of its own but separate q and v biases: 'qv'. */
  qkvBias: QkvBias;
  finalLayerNorm: boolean;
}

export interface QFormerShape {
  layers: number;
  width: number;
  /** Hidden size of the query branch's feed-forward (BLIP-2's text branch is not loaded). */
  mlp: number;
  /** Layers 0, n, 2n ... have cross-attention. */
  crossAttentionEvery: number;
  queries: number;
  /** BLIP-2's embeddings LayerNorm on the queries; the mini model's norm before the projection. */
  finalLayerNorm: boolean;
  /** Width of the image features the cross-attention keys and values read: the ViT's width. */
  encoderWidth: number;
}

/** The Q-Former -> LLM linear (with bias). */
export interface ProjectionShape {
  from: number;
  to: number;
}

/** A pre-LN causal decoder with learned positions: OPT, or the mini model's decoder. */
export interface LlmShape {
  layers: number;
  width: number;
  ffn: number;
  vocab: number;
  /**
   * Rows of the learned position table. OPT's table holds its 2048 positions plus an offset of
   * 2, so 2050; the count only needs the rows, so no OPT flag is needed.
   */
  positions: number;
  /** The output head shares the token embedding's matrix. */
  tiedOutput: boolean;
  /** Count the tied head a second time in the dtype sizes, as accelerate's estimator does. */
  countTiedOutputTwice: boolean;
}

export interface Blip2Shape {
  name: string;
  vision: VisionShape;
  qformer: QFormerShape;
  projection: ProjectionShape;
  llm: LlmShape;
}

/** BLIP-2 OPT-2.7B (Salesforce/blip2-opt-2.7b), from its configuration. */
export const BLIP2_OPT_2_7B: Blip2Shape = {
  name: 'BLIP-2 OPT-2.7B',
  vision: { layers: 39, width: 1408, mlp: 6144, patch: 14, imageSize: 224, channels: 3, classToken: true, qkvBias: 'qv', finalLayerNorm: true },
  qformer: { layers: 12, width: 768, mlp: 3072, crossAttentionEvery: 2, queries: 32, finalLayerNorm: true, encoderWidth: 1408 },
  projection: { from: 768, to: 2560 },
  llm: { layers: 32, width: 2560, ffn: 10240, vocab: 50272, positions: 2050, tiedOutput: true, countTiedOutputTwice: true },
};

/** The shape of BLIP2IDC-mini (kernels/idc/model/blip2idc.ts) for a config. */
export function miniShape(config: ModelConfig): Blip2Shape {
  const { image, vit, qformer, decoder } = config;
  return {
    name: 'BLIP2IDC-mini',
    vision: { layers: vit.layers, width: vit.dim, mlp: vit.dim * vit.mlpRatio, patch: image.patch, imageSize: { width: image.width, height: image.height }, channels: patchGrid(config).patchSize / (image.patch * image.patch), classToken: false, qkvBias: 'qkv', finalLayerNorm: true },
    qformer: { layers: qformer.layers, width: qformer.dim, mlp: qformer.dim * qformer.mlpRatio, crossAttentionEvery: qformer.crossEvery, queries: qformer.queries, finalLayerNorm: true, encoderWidth: vit.dim },
    projection: { from: qformer.dim, to: decoder.dim },
    // the position table covers the query prefix and the caption tokens
    llm: { layers: decoder.layers, width: decoder.dim, ffn: decoder.dim * decoder.mlpRatio, vocab: config.vocabSize, positions: qformer.queries + decoder.maxTokens, tiedOutput: true, countTiedOutputTwice: false },
  };
}

// ---- validation ---------------------------------------------------------------------------

function fail(field: string, expected: string, found: unknown): never {
  throw new RangeError(`memory: ${field}: expected ${expected}, found ${JSON.stringify(found)}`);
}

function positive(value: unknown, field: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) fail(field, 'a positive integer', value);
}

function flag(value: unknown, field: string): void {
  if (typeof value !== 'boolean') fail(field, 'true or false', value);
}

function imageSides(vision: VisionShape): { width: number; height: number } {
  const size = vision.imageSize;
  return typeof size === 'number' ? { width: size, height: size } : size;
}

/** Checks a shape (typed in code or read from JSON) and names the first bad field. */
export function validateShape(shape: Blip2Shape): Blip2Shape {
  const parts = shape as unknown as Record<string, Record<string, unknown> | undefined>;
  for (const [section, counts, flags] of [
    ['vision', ['layers', 'width', 'mlp', 'patch', 'channels'], ['classToken', 'finalLayerNorm']],
    ['qformer', ['layers', 'width', 'mlp', 'crossAttentionEvery', 'queries', 'encoderWidth'], ['finalLayerNorm']],
    ['projection', ['from', 'to'], []],
    ['llm', ['layers', 'width', 'ffn', 'vocab', 'positions'], ['tiedOutput', 'countTiedOutputTwice']],
  ] as const) {
    const part = parts[section];
    if (typeof part !== 'object' || part === null) fail(section, 'an object', part);
    for (const f of counts) positive(part[f], `${section}.${f}`);
    for (const f of flags) flag(part[f], `${section}.${f}`);
  }
  const { vision, qformer, projection, llm } = shape;
  if (!['none', 'qv', 'qkv'].includes(vision.qkvBias)) fail('vision.qkvBias', "'none', 'qv' or 'qkv'", vision.qkvBias);
  const size = vision.imageSize;
  if (typeof size === 'number') positive(size, 'vision.imageSize');
  else if (typeof size === 'object' && size !== null) {
    positive(size.width, 'vision.imageSize.width');
    positive(size.height, 'vision.imageSize.height');
  } else fail('vision.imageSize', 'a positive integer or {width, height}', size);
  const { width, height } = imageSides(vision);
  if (width % vision.patch !== 0 || height % vision.patch !== 0) fail('vision.patch', `a divisor of the image width ${width} and height ${height}`, vision.patch);
  // the modules feed each other directly: a mismatch is a typo, not another architecture
  if (qformer.encoderWidth !== vision.width) fail('qformer.encoderWidth', `the vision width ${vision.width}`, qformer.encoderWidth);
  if (projection.from !== qformer.width) fail('projection.from', `the Q-Former width ${qformer.width}`, projection.from);
  if (projection.to !== llm.width) fail('projection.to', `the LLM width ${llm.width}`, projection.to);
  return shape;
}

// ---- parameters ---------------------------------------------------------------------------

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

// ---- sizes per dtype ----------------------------------------------------------------------

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
    return { dtype, bytesPerParameter, modelBytes, trainingBytes, modelSize: formatAccelerate(modelBytes, isInt), trainingSize: formatAccelerate(trainingBytes, isInt) };
  });
}

// ---- LoRA ---------------------------------------------------------------------------------

export { LORA_MODULES, type LoraModule };

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
 * Trainable parameters per unit of rank (r * (in + out) per adapted linear): the ViT's fused
 * qkv; the Q-Former's cross-attention query and every key and value; the LLM's q, k and v.
 */
export function loraPerRank(shape: Blip2Shape): Record<LoraModule, number> {
  validateShape(shape);
  const { vision: v, qformer: q, llm: l } = shape;
  const selfKeyValue = 2 * (q.width + q.width);
  const crossQuery = q.width + q.width;
  const crossKeyValue = 2 * (q.encoderWidth + q.width);
  return {
    vit: v.layers * (v.width + 3 * v.width),
    qformer: q.layers * selfKeyValue + crossLayers(q) * (crossQuery + crossKeyValue),
    llm: l.layers * 3 * (l.width + l.width),
  };
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

// ---- the paper's rows ---------------------------------------------------------------------

/** Supplementary Table 4, dtype rows (accelerate's strings). */
export const PAPER_DTYPE_ROWS: readonly { dtype: Dtype; modelSize: string; trainingSize: string }[] = [
  { dtype: 'float32', modelSize: '14.43 GB', trainingSize: '57.72 GB' },
  { dtype: 'float16', modelSize: '7.21 GB', trainingSize: '28.86 GB' },
  { dtype: 'int8', modelSize: '3.61 GB', trainingSize: '14.43 GB' },
  { dtype: 'int4', modelSize: '1.8 GB', trainingSize: '7.21 GB' },
];

/** Supplementary Table 4, LoRA rows on float16 BLIP-2 OPT-2.7B, batch size 1. */
export const PAPER_LORA_ROWS: readonly { rank: number; adapterMB: number; trainingGB: number }[] = [
  { rank: 8, adapterMB: 20, trainingGB: 8.65 },
  { rank: 16, adapterMB: 40, trainingGB: 8.75 },
  { rank: 32, adapterMB: 80, trainingGB: 8.95 },
];

const MB = 1e6;
const MIB = 2 ** 20;
const GB = 1e9;
const GIB = 2 ** 30;

export type GigaUnit = 'GB' | 'GiB';

export interface PaperComparison {
  rank: number;
  trainable: number;
  paperAdapterMB: number;
  adapterFloat32Bytes: number;
  adapterFloat16Bytes: number;
  /** The computed size nearest the paper's figure, e.g. "float32 MiB". */
  adapterNearest: string;
  adapterNote: string;
  paperTrainingGB: number;
  frozenBytes: number;
  optimizerBytes: number;
  trainingBytes: number;
  /** The unit in which the computed steps between ranks match the paper's at its precision. */
  unit: GigaUnit;
  /** Paper minus computed, in `unit`: what a parameter count cannot give. */
  residual: number;
  /** Step from the previous rank's row, paper and computed (in `unit`); null on the first row. */
  paperStep: number | null;
  computedStep: number | null;
  trainingNote: string;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
const fixed2 = (x: number): string => x.toFixed(2);

export function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function adapterNote(paperMB: number, fp32: number, fp16: number, scalesWithRank: boolean): { nearest: string; note: string } {
  const candidates = [
    { label: 'float32 MiB', value: fp32 / MIB },
    { label: 'float32 MB', value: fp32 / MB },
    { label: 'float16 MiB', value: fp16 / MIB },
    { label: 'float16 MB', value: fp16 / MB },
  ];
  const nearest = candidates.reduce((best, c) => (Math.abs(Math.log(paperMB / c.value)) < Math.abs(Math.log(paperMB / best.value)) ? c : best));
  const direction = paperMB < nearest.value ? 'down' : 'up';
  const note =
    `Computed ${fixed2(fp32 / MB)} MB (${fixed2(fp32 / MIB)} MiB) in float32 as PEFT saves it and ${fixed2(fp16 / MB)} MB (${fixed2(fp16 / MIB)} MiB) in float16; ` +
    `the paper's ${paperMB} MB is ${fixed2(paperMB / nearest.value)} x the nearest of these, the ${nearest.label} figure, so it is most plausibly that file size rounded ${direction} to a round number` +
    (scalesWithRank ? ', and it grows in proportion to the rank as the computed size does.' : ', although it does not grow in proportion to the rank as the computed size does.');
  return { nearest: nearest.label, note };
}

/** The unit in which every computed step between the paper's ranks rounds to the paper's step. */
function matchingUnit(steps: readonly { paper: number; bytes: number }[]): { unit: GigaUnit; matched: boolean } {
  for (const [unit, scale] of [['GB', GB], ['GiB', GIB]] as const) {
    if (steps.every((s) => round2(s.bytes / scale) === round2(s.paper))) return { unit, matched: true };
  }
  return { unit: 'GiB', matched: false };
}

/** Computed figures beside the paper's LoRA rows, each difference explained in a sentence. */
export function compareWithPaper(shape: Blip2Shape = BLIP2_OPT_2_7B): PaperComparison[] {
  const rows = PAPER_LORA_ROWS.map((p) => ({ paper: p, count: loraParameters(shape, p.rank), memory: loraMemory(shape, p.rank) }));
  const steps = rows.slice(1).map((r, i) => ({ paper: r.paper.trainingGB - (rows[i]?.paper.trainingGB ?? 0), bytes: r.memory.optimizerBytes - (rows[i]?.memory.optimizerBytes ?? 0) }));
  const { unit, matched } = matchingUnit(steps);
  const unitText = `${unit === 'GB' ? '10^9' : '2^30'} bytes, ${matched ? "the unit in which the steps between ranks match the paper's" : 'though no unit makes the steps between ranks match the paper\'s'}`;
  const scale = unit === 'GB' ? GB : GIB;
  const first = rows[0];
  return rows.map(({ paper, count, memory }, i) => {
    const scales = first !== undefined && paper.adapterMB / first.paper.adapterMB === count.total / first.count.total;
    const adapter = adapterNote(paper.adapterMB, memory.adapterFloat32Bytes, memory.adapterFloat16Bytes, scales);
    const residual = paper.trainingGB - memory.trainingBytes / scale;
    const previous = rows[i - 1];
    const paperStep = previous ? round2(paper.trainingGB - previous.paper.trainingGB) : null;
    const computedStep = previous ? (memory.optimizerBytes - previous.memory.optimizerBytes) / scale : null;
    const stepText =
      previous && paperStep !== null && computedStep !== null
        ? `; the step from rank ${previous.paper.rank} is ${fixed2(paperStep)} GB in the paper and ${fixed2(computedStep)} ${unit} computed, ${round2(computedStep) === paperStep ? 'matching' : 'not matching'} the optimizer-state growth of ${groupDigits(count.total - previous.count.total)} parameters x ${ADAM_BYTES_PER_PARAMETER} bytes`
        : '';
    const trainingNote =
      `Computed ${fixed2(memory.trainingBytes / scale)} ${unit} (${unitText}) = frozen float16 weights ${fixed2(memory.frozenBytes / scale)} ${unit} + ${fixed2(memory.optimizerBytes / scale)} ${unit} for ${groupDigits(count.total)} LoRA parameters x ${ADAM_BYTES_PER_PARAMETER} bytes (float32 weight, gradient, two Adam moments)` +
      `${stepText}; the remaining ${fixed2(residual)} ${unit} of the paper's ${paper.trainingGB} GB is activations at batch size 1, the CUDA context and the allocator's cache, which a parameter count cannot give.`;
    return {
      rank: paper.rank,
      trainable: count.total,
      paperAdapterMB: paper.adapterMB,
      adapterFloat32Bytes: memory.adapterFloat32Bytes,
      adapterFloat16Bytes: memory.adapterFloat16Bytes,
      adapterNearest: adapter.nearest,
      adapterNote: adapter.note,
      paperTrainingGB: paper.trainingGB,
      frozenBytes: memory.frozenBytes,
      optimizerBytes: memory.optimizerBytes,
      trainingBytes: memory.trainingBytes,
      unit,
      residual,
      paperStep,
      computedStep,
      trainingNote,
    };
  });
}

/** Whether the paper's LoRA rows apply: the shape counts as BLIP-2 OPT-2.7B does. */
export function isPaperModel(shape: Blip2Shape): boolean {
  const a = loraPerRank(shape);
  const b = loraPerRank(BLIP2_OPT_2_7B);
  return countParameters(shape).counted === countParameters(BLIP2_OPT_2_7B).counted && LORA_MODULES.every((m) => a[m] === b[m]);
}

// ---- rows and text ------------------------------------------------------------------------

export interface ParameterRow {
  module: ModuleName | 'total' | 'tied output again' | 'counted by accelerate';
  /** '' on a module's own row, the part's name on its breakdown rows. */
  part: string;
  count: number;
  parameters: number;
  /** Of the distinct total. */
  share: number;
}

export interface LoraRow {
  rank: number;
  vit: number;
  qformer: number;
  llm: number;
  trainable: number;
  share: number;
  adapterFloat32Bytes: number;
  adapterFloat16Bytes: number;
  trainingBytes: number;
}

export interface MemoryRows {
  shape: string;
  targets: LoraModule[];
  parameters: ParameterRow[];
  dtypes: DtypeRow[];
  lora: LoraRow[];
  /** Only for a shape that counts as BLIP-2 OPT-2.7B, with all three targets. */
  paper: PaperComparison[] | null;
}

export function parameterRows(shape: Blip2Shape): ParameterRow[] {
  const counts = countParameters(shape);
  const share = (n: number): number => n / counts.total;
  const rows: ParameterRow[] = [];
  for (const m of MODULES) {
    const mod = counts.modules[m];
    rows.push({ module: m, part: '', count: 1, parameters: mod.parameters, share: share(mod.parameters) });
    for (const p of mod.parts) rows.push({ module: m, part: p.name, count: p.count, parameters: p.parameters, share: share(p.parameters) });
  }
  rows.push({ module: 'total', part: '', count: 1, parameters: counts.total, share: 1 });
  if (counts.counted !== counts.total) {
    rows.push({ module: 'tied output again', part: '', count: 1, parameters: counts.counted - counts.total, share: share(counts.counted - counts.total) });
    rows.push({ module: 'counted by accelerate', part: '', count: 1, parameters: counts.counted, share: share(counts.counted) });
  }
  return rows;
}

export function memoryRows(shape: Blip2Shape, ranks: readonly number[] = [8, 16, 32], targets: readonly LoraModule[] = LORA_MODULES): MemoryRows {
  if (!Array.isArray(ranks)) fail('ranks', 'a list of positive integers', ranks);
  ranks.forEach((r, i) => {
    if (typeof r !== 'number' || !Number.isInteger(r) || r <= 0) fail(`ranks[${i}]`, 'a positive integer', r);
  });
  const chosen = validateTargets(targets);
  const lora = ranks.map((rank): LoraRow => {
    const c = loraParameters(shape, rank, chosen);
    const m = loraMemory(shape, rank, chosen);
    return { rank, vit: c.vit, qformer: c.qformer, llm: c.llm, trainable: c.total, share: c.share, adapterFloat32Bytes: m.adapterFloat32Bytes, adapterFloat16Bytes: m.adapterFloat16Bytes, trainingBytes: m.trainingBytes };
  });
  const paper = isPaperModel(shape) && chosen.length === LORA_MODULES.length ? compareWithPaper(shape) : null;
  return { shape: shape.name, targets: chosen, parameters: parameterRows(shape), dtypes: dtypeRows(shape), lora, paper };
}

/** Columns padded to their widest cell; numbers right-aligned. */
function textTable(header: readonly string[], rows: readonly (readonly string[])[], right: readonly boolean[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => (right[c] ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const percent = (x: number, digits = 2): string => `${(100 * x).toFixed(digits)}%`;
const megabytes = (bytes: number): string => `${fixed2(bytes / MB)} MB (${fixed2(bytes / MIB)} MiB)`;
const gigabytes = (bytes: number): string => `${fixed2(bytes / GIB)} GiB (${fixed2(bytes / GB)} GB)`;

/** The whole calculation as plain text: parameters, dtype sizes, LoRA per rank and, for BLIP-2 OPT-2.7B, the paper's rows. */
export function memoryReportText(shape: Blip2Shape, ranks: readonly number[] = [8, 16, 32], targets: readonly LoraModule[] = LORA_MODULES): string {
  const rows = memoryRows(shape, ranks, targets);
  const paperDtype = rows.paper ? new Map(PAPER_DTYPE_ROWS.map((p) => [p.dtype, p])) : null;
  const sections = [
    `Memory of ${rows.shape}`,
    'Parameters\n' +
      textTable(
        ['module', 'part', 'count', 'parameters', 'share'],
        rows.parameters.map((r) => [r.part ? '' : r.module, r.part, r.part && r.count > 1 ? `${r.count} x ${groupDigits(r.parameters / r.count)}` : '', groupDigits(r.parameters), percent(r.share)]),
        [false, false, true, true, true],
      ),
    "Model size per dtype (accelerate's estimator: GiB written GB; training using Adam = 4 x the model)\n" +
      textTable(
        ['dtype', 'model size', 'training using Adam', ...(paperDtype ? ['paper'] : [])],
        rows.dtypes.map((d) => {
          const p = paperDtype?.get(d.dtype);
          return [d.dtype, d.modelSize, d.trainingSize, ...(p ? [`${p.modelSize} / ${p.trainingSize}`] : [])];
        }),
        [false, true, true, true],
      ),
    `LoRA on ${rows.targets.join(', ')} (float16 base frozen; training = frozen weights + trainable parameters x ${ADAM_BYTES_PER_PARAMETER} bytes, activations not included)\n` +
      textTable(
        ['rank', 'vit', 'qformer', 'llm', 'trainable', 'share', 'adapter float32', 'adapter float16', 'training'],
        rows.lora.map((l) => [String(l.rank), groupDigits(l.vit), groupDigits(l.qformer), groupDigits(l.llm), groupDigits(l.trainable), percent(l.share, 3), megabytes(l.adapterFloat32Bytes), megabytes(l.adapterFloat16Bytes), gigabytes(l.trainingBytes)]),
        [true, true, true, true, true, true, true, true, true],
      ),
  ];
  if (rows.paper) {
    sections.push(
      'Compared with the paper (supplementary Table 4, LoRA rows)\n' +
        textTable(
          ['rank', 'adapter paper', 'adapter float32', 'training paper', 'training computed', 'residual'],
          rows.paper.map((p) => {
            const scale = p.unit === 'GB' ? GB : GIB;
            return [String(p.rank), `${p.paperAdapterMB} MB`, megabytes(p.adapterFloat32Bytes), `${p.paperTrainingGB} GB`, `${fixed2(p.trainingBytes / scale)} ${p.unit}`, `${fixed2(p.residual)} ${p.unit}`];
          }),
          [true, true, true, true, true, true],
        ) +
        '\n\n' +
        rows.paper.map((p) => `rank ${p.rank}, adapter: ${p.adapterNote}\nrank ${p.rank}, training: ${p.trainingNote}`).join('\n'),
    );
  }
  return sections.join('\n\n') + '\n';
}
