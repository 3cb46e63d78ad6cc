/**
 * BLIP2IDC-mini as a BLIP-2 config: the same architecture as BLIP-2 OPT-2.7B at a size a 2-core
 * CPU trains in minutes, written as the `config.json` transformers reads. BLIP-2's ViT takes
 * square images only, so the stacked pair (before on top) is squashed to `imageSize` square, as
 * the paper squashes it to 224 x 224. Weights start from a seeded draw in transformers' own way
 * (normal with std 0.02 for Linear and embedding weights, zero biases, LayerNorms at 1 and 0).
 */
import type { NamedTensor, TensorMap } from '../../../platform/safetensors';
import { SeededRandom } from '../../../platform/random';
import { normalValues } from '../init';
import { parseBlip2Config, type Blip2Config } from './config';
import { parameterShapes } from './parameters';

export interface MiniSizes {
  imageSize: number;
  patchSize: number;
  width: number;
  visionLayers: number;
  qformerLayers: number;
  queries: number;
  textLayers: number;
  heads: number;
  vocabSize: number;
  /** Text positions (caption tokens after the query prefix). */
  maxPositions: number;
}

export const MINI_SIZES: MiniSizes = {
  imageSize: 96,
  patchSize: 16,
  width: 128,
  visionLayers: 4,
  qformerLayers: 2,
  queries: 12,
  textLayers: 3,
  heads: 4,
  vocabSize: 256,
  maxPositions: 64,
};

/** The config.json of a mini BLIP-2 with OPT's special ids (pad 1, BOS and EOS 2). */
export function miniConfigJson(sizes: MiniSizes = MINI_SIZES): Record<string, unknown> {
  const { width, heads } = sizes;
  return {
    architectures: ['Blip2ForConditionalGeneration'],
    model_type: 'blip-2',
    num_query_tokens: sizes.queries,
    initializer_factor: 1.0,
    initializer_range: 0.02,
    tie_word_embeddings: true,
    torch_dtype: 'float32',
    transformers_version: '4.40.2',
    vision_config: {
      model_type: 'blip_2_vision_model',
      hidden_size: width,
      intermediate_size: 4 * width,
      num_hidden_layers: sizes.visionLayers,
      num_attention_heads: heads,
      image_size: sizes.imageSize,
      patch_size: sizes.patchSize,
      hidden_act: 'gelu',
      layer_norm_eps: 1e-6,
      attention_dropout: 0.0,
      qkv_bias: true,
    },
    qformer_config: {
      model_type: 'blip_2_qformer',
      hidden_size: width,
      intermediate_size: 4 * width,
      num_hidden_layers: sizes.qformerLayers,
      num_attention_heads: heads,
      cross_attention_frequency: 2,
      encoder_hidden_size: width,
      hidden_act: 'gelu',
      hidden_dropout_prob: 0.0,
      attention_probs_dropout_prob: 0.0,
      layer_norm_eps: 1e-12,
    },
    text_config: {
      model_type: 'opt',
      hidden_size: width,
      ffn_dim: 4 * width,
      num_hidden_layers: sizes.textLayers,
      num_attention_heads: heads,
      vocab_size: sizes.vocabSize,
      max_position_embeddings: sizes.queries + sizes.maxPositions,
      word_embed_proj_dim: width,
      activation_function: 'relu',
      do_layer_norm_before: true,
      dropout: 0.0,
      attention_dropout: 0.0,
      pad_token_id: 1,
      bos_token_id: 2,
      eos_token_id: 2,
      tie_word_embeddings: true,
    },
  };
}

export function miniConfig(sizes: MiniSizes = MINI_SIZES): Blip2Config {
  return parseBlip2Config(miniConfigJson(sizes), 'the mini BLIP-2 config');
}

/** Seeded weights for `config`, in transformers' names and layout. */
export function initialTensors(config: Blip2Config, seed: number): TensorMap {
  const rng = new SeededRandom(seed);
  const out: TensorMap = new Map();
  for (const [name, shape] of parameterShapes(config)) {
    const count = shape.reduce((a, b) => a * b, 1);
    const isNorm = /(layer_?norm\d?|LayerNorm|post_layernorm|final_layer_norm|self_attn_layer_norm|layernorm)\.(weight|bias)$/.test(name);
    let data: Float32Array;
    if (isNorm) data = new Float32Array(count).fill(name.endsWith('.weight') ? 1 : 0);
    else if (name.endsWith('.bias')) data = new Float32Array(count);
    else data = normalValues(count, 0.02, rng);
    out.set(name, { shape, data } satisfies NamedTensor);
  }
  return out;
}
