/**
 * Every tensor of transformers' `Blip2ForConditionalGeneration` (OPT) for a config, by its
 * transformers name and with the shape transformers saves it in, and the layout the model
 * computes with: the same names, each Linear's weight transposed to [in, out] and the patch
 * convolution as a [3 * p * p, width] matrix, since the WASM backend is fast on 2-D matmuls
 * that are not transposed (ops.ts). Files always hold transformers' layout.
 */
import type { NamedTensor } from '../../../platform/safetensors';
import type { Blip2Config } from './config';
import { OPT_POSITION_OFFSET } from './config';

export const VISION = 'vision_model';
export const QFORMER = 'qformer';
export const OPT = 'language_model.model.decoder';
export const LM_HEAD = 'language_model.lm_head.weight';

/** Name -> shape, in transformers' layout, in model order. The tied head is not among them. */
export function parameterShapes(config: Blip2Config): Map<string, number[]> {
  const { vision: v, qformer: q, text: t, numQueryTokens } = config;
  const out = new Map<string, number[]>();
  const linear = (name: string, inputs: number, outputs: number) => {
    out.set(`${name}.weight`, [outputs, inputs]);
    out.set(`${name}.bias`, [outputs]);
  };
  const norm = (name: string, width: number) => {
    out.set(`${name}.weight`, [width]);
    out.set(`${name}.bias`, [width]);
  };
  const grid = v.imageSize / v.patchSize;
  out.set(`${VISION}.embeddings.class_embedding`, [1, 1, v.hiddenSize]);
  out.set(`${VISION}.embeddings.patch_embedding.weight`, [v.hiddenSize, 3, v.patchSize, v.patchSize]);
  out.set(`${VISION}.embeddings.patch_embedding.bias`, [v.hiddenSize]);
  out.set(`${VISION}.embeddings.position_embedding`, [1, grid * grid + 1, v.hiddenSize]);
  for (let i = 0; i < v.numHiddenLayers; i++) {
    const p = `${VISION}.encoder.layers.${i}`;
    norm(`${p}.layer_norm1`, v.hiddenSize);
    linear(`${p}.self_attn.qkv`, v.hiddenSize, 3 * v.hiddenSize);
    linear(`${p}.self_attn.projection`, v.hiddenSize, v.hiddenSize);
    norm(`${p}.layer_norm2`, v.hiddenSize);
    linear(`${p}.mlp.fc1`, v.hiddenSize, v.intermediateSize);
    linear(`${p}.mlp.fc2`, v.intermediateSize, v.hiddenSize);
  }
  norm(`${VISION}.post_layernorm`, v.hiddenSize);

  out.set('query_tokens', [1, numQueryTokens, q.hiddenSize]);
  norm(`${QFORMER}.layernorm`, q.hiddenSize);
  for (let i = 0; i < q.numHiddenLayers; i++) {
    const p = `${QFORMER}.encoder.layer.${i}`;
    const attention = (name: string, keyWidth: number) => {
      linear(`${p}.${name}.attention.query`, q.hiddenSize, q.hiddenSize);
      linear(`${p}.${name}.attention.key`, keyWidth, q.hiddenSize);
      linear(`${p}.${name}.attention.value`, keyWidth, q.hiddenSize);
      linear(`${p}.${name}.output.dense`, q.hiddenSize, q.hiddenSize);
      norm(`${p}.${name}.output.LayerNorm`, q.hiddenSize);
    };
    attention('attention', q.hiddenSize);
    if (i % q.crossAttentionFrequency === 0) attention('crossattention', q.encoderHiddenSize);
    linear(`${p}.intermediate_query.dense`, q.hiddenSize, q.intermediateSize);
    linear(`${p}.output_query.dense`, q.intermediateSize, q.hiddenSize);
    norm(`${p}.output_query.LayerNorm`, q.hiddenSize);
  }
  linear('language_projection', q.hiddenSize, t.hiddenSize);

  out.set(`${OPT}.embed_tokens.weight`, [t.vocabSize, t.hiddenSize]);
  out.set(`${OPT}.embed_positions.weight`, [t.maxPositionEmbeddings + OPT_POSITION_OFFSET, t.hiddenSize]);
  for (let i = 0; i < t.numHiddenLayers; i++) {
    const p = `${OPT}.layers.${i}`;
    norm(`${p}.self_attn_layer_norm`, t.hiddenSize);
    for (const proj of ['q_proj', 'k_proj', 'v_proj', 'out_proj']) linear(`${p}.self_attn.${proj}`, t.hiddenSize, t.hiddenSize);
    norm(`${p}.final_layer_norm`, t.hiddenSize);
    linear(`${p}.fc1`, t.hiddenSize, t.ffnDim);
    linear(`${p}.fc2`, t.ffnDim, t.hiddenSize);
  }
  norm(`${OPT}.final_layer_norm`, t.hiddenSize);
  if (!t.tieWordEmbeddings) out.set(LM_HEAD, [t.vocabSize, t.hiddenSize]);
  return out;
}

/** A Linear's weight (or the untied head), held transposed to [in, out]. */
function isTransposed(name: string, shape: readonly number[]): boolean {
  return shape.length === 2 && name.endsWith('.weight') && !name.endsWith('embed_tokens.weight') && !name.endsWith('embed_positions.weight');
}

function transpose2d(data: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) out[c * rows + r] = data[r * columns + c] as number;
  return out;
}

/** transformers' layout -> the compute layout. */
export function toComputeLayout(name: string, t: NamedTensor): NamedTensor {
  const { shape, data } = t;
  if (isTransposed(name, shape)) return { shape: [shape[1] as number, shape[0] as number], data: transpose2d(data, shape[0] as number, shape[1] as number) };
  if (name.endsWith('patch_embedding.weight')) {
    // [D, 3, p, p] -> [3 * p * p, D]: a patch flattened channel, row, column (patches.ts) times the matrix
    const [d, rest] = [shape[0] as number, data.length / (shape[0] as number)];
    return { shape: [rest, d], data: transpose2d(data, d, rest) };
  }
  // class token [1, 1, D], positions [1, N + 1, D], queries [1, Q, D]: the batch axis dropped
  if (shape.length === 3 && shape[0] === 1) return { shape: [shape[1] as number, shape[2] as number], data };
  return t;
}

/** The compute layout -> transformers' layout, for `name` whose saved shape is `hfShape`. */
export function toTransformersLayout(name: string, t: NamedTensor, hfShape: readonly number[]): NamedTensor {
  const { shape, data } = t;
  if (isTransposed(name, hfShape) || name.endsWith('patch_embedding.weight'))
    return { shape: [...hfShape], data: transpose2d(data, shape[0] as number, shape[1] as number) };
  return { shape: [...hfShape], data };
}
