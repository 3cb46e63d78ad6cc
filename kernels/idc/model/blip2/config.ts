/**
 * A Hugging Face BLIP-2 `config.json` (`Blip2Config.to_dict()`), read into the sizes the model
 * is built from. Only BLIP-2 with an OPT language model is this architecture: the Flan-T5
 * variants, and OPT settings the BLIP-2 checkpoints never use (post-LN OPT-350m, a projected
 * word embedding), are refused by name rather than computed wrongly. The file's whole JSON is
 * kept, so a saved model writes back every field it was loaded with.
 */
import { expectObject, JsonFileError } from '../../../platform/jsonFile';

export interface VisionConfig {
  hiddenSize: number;
  intermediateSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  /** Side of the square input image. */
  imageSize: number;
  patchSize: number;
  layerNormEps: number;
}

export interface QFormerConfig {
  hiddenSize: number;
  intermediateSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  /** Layers i with i % crossAttentionFrequency == 0 attend to the image. */
  crossAttentionFrequency: number;
  /** Width of the image features: the vision model's hidden size. */
  encoderHiddenSize: number;
  layerNormEps: number;
}

export interface OptConfig {
  hiddenSize: number;
  ffnDim: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  vocabSize: number;
  /** Positions the table holds, before OPT's offset of 2 (the table has maxPositionEmbeddings + 2 rows). */
  maxPositionEmbeddings: number;
  padTokenId: number;
  bosTokenId: number;
  eosTokenId: number;
  /** The output head is the token embedding's matrix (OPT's default); else `lm_head.weight` of its own. */
  tieWordEmbeddings: boolean;
}

export interface Blip2Config {
  vision: VisionConfig;
  qformer: QFormerConfig;
  text: OptConfig;
  numQueryTokens: number;
  /** The file's JSON as read, written back on save. */
  json: Record<string, unknown>;
}

/** OPT's position table starts at row 2 (rows 0 and 1 are never a real position). */
export const OPT_POSITION_OFFSET = 2;
/** OPT's LayerNorm epsilon, fixed in its code rather than in the config. */
export const OPT_LAYER_NORM_EPS = 1e-5;

type Section = Record<string, unknown>;

function count(section: Section, file: string, prefix: string, key: string): number {
  const value = section[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
    throw new JsonFileError(file, `${prefix}${key}`, `expected a positive integer, found ${JSON.stringify(value)}`);
  return value;
}

function id(section: Section, file: string, prefix: string, key: string): number {
  const value = section[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw new JsonFileError(file, `${prefix}${key}`, `expected a token id, found ${JSON.stringify(value)}`);
  return value;
}

function epsilon(section: Section, file: string, prefix: string, key: string, fallback: number): number {
  const value = section[key] ?? fallback;
  if (typeof value !== 'number' || !(value > 0 && value < 1))
    throw new JsonFileError(file, `${prefix}${key}`, `expected a small positive number, found ${JSON.stringify(value)}`);
  return value;
}

/** A setting that must have the one value this implementation computes (absent: its default). */
function fixed(section: Section, file: string, prefix: string, key: string, expected: unknown, why: string): void {
  const value = section[key] ?? expected;
  if (value !== expected) throw new JsonFileError(file, `${prefix}${key}`, `expected ${JSON.stringify(expected)} (${why}), found ${JSON.stringify(value)}`);
}

function divides(file: string, field: string, width: number, heads: number): void {
  if (width % heads !== 0) throw new JsonFileError(file, field, `expected a divisor of the hidden size ${width}, found ${heads}`);
}

/** Reads and checks the JSON of a BLIP-2 `config.json`; errors name the file and the field. */
export function parseBlip2Config(json: unknown, file: string): Blip2Config {
  const root = expectObject(json, file, '');
  if (root.model_type !== 'blip-2')
    throw new JsonFileError(file, 'model_type', `expected "blip-2" (a Blip2ForConditionalGeneration folder), found ${JSON.stringify(root.model_type)}`);
  const v = expectObject(root.vision_config, file, 'vision_config');
  const q = expectObject(root.qformer_config, file, 'qformer_config');
  const t = expectObject(root.text_config, file, 'text_config');
  if (t.model_type !== 'opt')
    throw new JsonFileError(
      file,
      'text_config.model_type',
      `expected "opt": BLIP-2 with ${typeof t.model_type === 'string' ? `a ${t.model_type} language model (${t.model_type === 't5' ? 'the Flan-T5 variants' : 'not OPT'})` : 'no language model type'} is not supported, only BLIP-2 OPT, found ${JSON.stringify(t.model_type)}`,
    );

  const vp = 'vision_config.';
  fixed(v, file, vp, 'hidden_act', 'gelu', "BLIP-2's ViT uses the exact GELU");
  fixed(v, file, vp, 'qkv_bias', true, 'BLIP-2 checkpoints have q and v biases');
  const vision: VisionConfig = {
    hiddenSize: count(v, file, vp, 'hidden_size'),
    intermediateSize: count(v, file, vp, 'intermediate_size'),
    numHiddenLayers: count(v, file, vp, 'num_hidden_layers'),
    numAttentionHeads: count(v, file, vp, 'num_attention_heads'),
    imageSize: count(v, file, vp, 'image_size'),
    patchSize: count(v, file, vp, 'patch_size'),
    layerNormEps: epsilon(v, file, vp, 'layer_norm_eps', 1e-6),
  };
  divides(file, `${vp}num_attention_heads`, vision.hiddenSize, vision.numAttentionHeads);
  if (vision.imageSize % vision.patchSize !== 0)
    throw new JsonFileError(file, `${vp}patch_size`, `expected a divisor of image_size ${vision.imageSize}, found ${vision.patchSize}`);

  const qp = 'qformer_config.';
  fixed(q, file, qp, 'hidden_act', 'gelu', "BLIP-2's Q-Former uses the exact GELU");
  const qformer: QFormerConfig = {
    hiddenSize: count(q, file, qp, 'hidden_size'),
    intermediateSize: count(q, file, qp, 'intermediate_size'),
    numHiddenLayers: count(q, file, qp, 'num_hidden_layers'),
    numAttentionHeads: count(q, file, qp, 'num_attention_heads'),
    crossAttentionFrequency: count(q, file, qp, 'cross_attention_frequency'),
    encoderHiddenSize: count(q, file, qp, 'encoder_hidden_size'),
    layerNormEps: epsilon(q, file, qp, 'layer_norm_eps', 1e-12),
  };
  divides(file, `${qp}num_attention_heads`, qformer.hiddenSize, qformer.numAttentionHeads);
  if (qformer.encoderHiddenSize !== vision.hiddenSize)
    throw new JsonFileError(file, `${qp}encoder_hidden_size`, `expected the vision hidden size ${vision.hiddenSize}, found ${qformer.encoderHiddenSize}`);

  const tp = 'text_config.';
  fixed(t, file, tp, 'activation_function', 'relu', "OPT's feed-forward");
  fixed(t, file, tp, 'do_layer_norm_before', true, 'pre-LN OPT, as every BLIP-2 checkpoint; OPT-350m is post-LN');
  fixed(t, file, tp, '_remove_final_layer_norm', false, 'OPT with its final LayerNorm');
  fixed(t, file, tp, 'enable_bias', true, 'OPT linears have biases');
  fixed(t, file, tp, 'layer_norm_elementwise_affine', true, 'OPT LayerNorms have a gain and a bias');
  const tie = t.tie_word_embeddings ?? true;
  if (typeof tie !== 'boolean') throw new JsonFileError(file, `${tp}tie_word_embeddings`, `expected true or false, found ${JSON.stringify(tie)}`);
  const text: OptConfig = {
    hiddenSize: count(t, file, tp, 'hidden_size'),
    ffnDim: count(t, file, tp, 'ffn_dim'),
    numHiddenLayers: count(t, file, tp, 'num_hidden_layers'),
    numAttentionHeads: count(t, file, tp, 'num_attention_heads'),
    vocabSize: count(t, file, tp, 'vocab_size'),
    maxPositionEmbeddings: count(t, file, tp, 'max_position_embeddings'),
    padTokenId: id(t, file, tp, 'pad_token_id'),
    bosTokenId: id(t, file, tp, 'bos_token_id'),
    eosTokenId: id(t, file, tp, 'eos_token_id'),
    tieWordEmbeddings: tie,
  };
  fixed(t, file, tp, 'word_embed_proj_dim', text.hiddenSize, 'embeddings as wide as the model, no project_in/out');
  divides(file, `${tp}num_attention_heads`, text.hiddenSize, text.numAttentionHeads);

  return { vision, qformer, text, numQueryTokens: count(root, file, '', 'num_query_tokens'), json: root };
}
