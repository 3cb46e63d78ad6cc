/**
 * The shape of a BLIP-2-style model as the memory calculator reads it: the sizes that decide
 * its parameter count, for BLIP-2 OPT-2.7B (the Salesforce checkpoint's) and for any BLIP-2
 * (OPT) Hugging Face config (BLIP2IDC-mini included), and the check that names the first bad field of one typed by hand.
 */
import type { Blip2Config } from '../blip2/config';
import { OPT_POSITION_OFFSET } from '../blip2/config';

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

/**
 * The shape of a BLIP-2 (OPT) model from its Hugging Face config. transformers 4.35 and later
 * keep the ViT's qkv bias as one tensor [q | k | v] (the k part zero in released checkpoints),
 * so it counts three biases, as the saved file holds them; the Salesforce checkpoint's own
 * count (BLIP2_OPT_2_7B) keeps q and v apart.
 */
export function blip2Shape(config: Blip2Config, name: string): Blip2Shape {
  const { vision: v, qformer: q, text: t } = config;
  return {
    name,
    vision: {
      layers: v.numHiddenLayers,
      width: v.hiddenSize,
      mlp: v.intermediateSize,
      patch: v.patchSize,
      imageSize: v.imageSize,
      channels: 3,
      classToken: true,
      qkvBias: 'qkv',
      finalLayerNorm: true,
    },
    qformer: {
      layers: q.numHiddenLayers,
      width: q.hiddenSize,
      mlp: q.intermediateSize,
      crossAttentionEvery: q.crossAttentionFrequency,
      queries: config.numQueryTokens,
      finalLayerNorm: true,
      encoderWidth: q.encoderHiddenSize,
    },
    projection: { from: q.hiddenSize, to: t.hiddenSize },
    llm: {
      layers: t.numHiddenLayers,
      width: t.hiddenSize,
      ffn: t.ffnDim,
      vocab: t.vocabSize,
      positions: t.maxPositionEmbeddings + OPT_POSITION_OFFSET,
      tiedOutput: t.tieWordEmbeddings,
      countTiedOutputTwice: false,
    },
  };
}

export function fail(field: string, expected: string, found: unknown): never {
  throw new RangeError(`memory: ${field}: expected ${expected}, found ${JSON.stringify(found)}`);
}

function positive(value: unknown, field: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) fail(field, 'a positive integer', value);
}

function flag(value: unknown, field: string): void {
  if (typeof value !== 'boolean') fail(field, 'true or false', value);
}

export function imageSides(vision: VisionShape): { width: number; height: number } {
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
  if (width % vision.patch !== 0 || height % vision.patch !== 0)
    fail('vision.patch', `a divisor of the image width ${width} and height ${height}`, vision.patch);
  // the modules feed each other directly: a mismatch is a typo, not another architecture
  if (qformer.encoderWidth !== vision.width) fail('qformer.encoderWidth', `the vision width ${vision.width}`, qformer.encoderWidth);
  if (projection.from !== qformer.width) fail('projection.from', `the Q-Former width ${qformer.width}`, projection.from);
  if (projection.to !== llm.width) fail('projection.to', `the LLM width ${llm.width}`, projection.to);
  return shape;
}
