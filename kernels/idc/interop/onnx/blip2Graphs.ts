/**
 * BLIP-2 (OPT) as ONNX graphs, written op for op as model/blip2 computes it (an adapter merged
 * into the weights):
 *
 * the vision encoder (ViT, Q-Former, projection), the decoder over the prefix and the prompt,
 * and the decoder over a key/value cache, under the names of onnxInterface.ts.
 */
import type { Blip2Config } from '../../model/blip2/config';
import { OPT_LAYER_NORM_EPS } from '../../model/blip2/config';
import { LM_HEAD, OPT, QFORMER, VISION } from '../../model/blip2/parameters';
import type { NamedArrays } from '../../model/parameters';
import { GraphBuilder } from './graphBuilder';
import { ONNX_NAMES } from './onnxInterface';

const MASKED = -1e9; // model/blip2/opt.ts

/** The blocks of the three graphs over one builder; each weight added once, under its transformers name. */
class Ops {
  private readonly added = new Set<string>();

  constructor(
    readonly g: GraphBuilder,
    /** Weights in the compute layout (Linear [in, out]), adapter merged. */
    private readonly weights: NamedArrays,
  ) {}

  weight(name: string, dims?: readonly number[]): string {
    if (!this.added.has(name)) {
      const w = this.weights.get(name);
      if (!w) throw new Error(`ONNX export: expected a weight named ${name}, found none`);
      this.g.weight(name, dims ?? w.shape, w.data);
      this.added.add(name);
    }
    return name;
  }

  linear(x: string, name: string): string {
    return this.g.op('Add', [this.g.op('MatMul', [x, this.weight(`${name}.weight`)]), this.weight(`${name}.bias`)]);
  }

  norm(x: string, name: string, eps: number): string {
    return this.g.op('LayerNormalization', [x, this.weight(`${name}.weight`), this.weight(`${name}.bias`)], { axis: -1, epsilon: { float: eps } });
  }

  /** [B, T, H*dh] -> [B, H, T, dh] */
  heads(x: string, heads: number, dh: number): string {
    return this.g.op('Transpose', [this.g.op('Reshape', [x, this.g.ints([0, 0, heads, dh])])], { perm: [0, 2, 1, 3] });
  }

  /** [B, H, T, dh] -> [B, T, H*dh] */
  merge(x: string, heads: number, dh: number): string {
    return this.g.op('Reshape', [this.g.op('Transpose', [x], { perm: [0, 2, 1, 3] }), this.g.ints([0, 0, heads * dh])]);
  }

  /** softmax(q k^T / sqrt(dh) + mask) v over [B, H, T, dh]. */
  attend(q: string, k: string, v: string, dh: number, mask?: string): string {
    let scores = this.g.op('Mul', [this.g.op('MatMul', [q, this.g.op('Transpose', [k], { perm: [0, 1, 3, 2] })]), this.g.scalar(1 / Math.sqrt(dh))]);
    if (mask) scores = this.g.op('Add', [scores, mask]);
    return this.g.op('MatMul', [this.g.op('Softmax', [scores], { axis: -1 }), v]);
  }

  attention(q: string, k: string, v: string, heads: number, width: number): string {
    const dh = width / heads;
    return this.merge(this.attend(this.heads(q, heads, dh), this.heads(k, heads, dh), this.heads(v, heads, dh), dh), heads, dh);
  }

  /** Axis `axis` of x's shape, as a 1-element int64 tensor. */
  dim(x: string, axis: number): string {
    return this.g.op('Shape', [x], { start: axis, end: axis + 1 });
  }
}

export function blip2VisionGraph(config: Blip2Config, weights: NamedArrays): Uint8Array {
  const g = new GraphBuilder('blip2_vision_encoder');
  const m = new Ops(g, weights);
  const { vision: v, qformer: q, text: t, numQueryTokens } = config;
  const grid = v.imageSize / v.patchSize;
  const pixels = g.input(ONNX_NAMES.pixelValues, 'float32', ['batch', 3, v.imageSize, v.imageSize]);
  const batch = m.dim(pixels, 0);

  // patches [B, N, 3 p p], each flattened channel, row, column (the convolution's weight order)
  const split = g.op('Reshape', [pixels, g.ints([0, 3, grid, v.patchSize, grid, v.patchSize])]);
  const patches = g.op('Reshape', [g.op('Transpose', [split], { perm: [0, 2, 4, 1, 3, 5] }), g.ints([0, grid * grid, 3 * v.patchSize * v.patchSize])]);
  const embedded = m.linear(patches, `${VISION}.embeddings.patch_embedding`);
  const cls = g.op('Expand', [
    m.weight(`${VISION}.embeddings.class_embedding`, [1, 1, v.hiddenSize]),
    g.op('Concat', [batch, g.ints([1, v.hiddenSize])], { axis: 0 }),
  ]);
  let x = g.op('Add', [g.op('Concat', [cls, embedded], { axis: 1 }), m.weight(`${VISION}.embeddings.position_embedding`)]);
  const thirds = g.ints([v.hiddenSize, v.hiddenSize, v.hiddenSize]);
  for (let i = 0; i < v.numHiddenLayers; i++) {
    const p = `${VISION}.encoder.layers.${i}`;
    const [qq, kk, vv] = g.opMulti('Split', [m.linear(m.norm(x, `${p}.layer_norm1`, v.layerNormEps), `${p}.self_attn.qkv`), thirds], 3, { axis: -1 }) as [
      string,
      string,
      string,
    ];
    x = g.op('Add', [x, m.linear(m.attention(qq, kk, vv, v.numAttentionHeads, v.hiddenSize), `${p}.self_attn.projection`)]);
    const h = g.op('Gelu', [m.linear(m.norm(x, `${p}.layer_norm2`, v.layerNormEps), `${p}.mlp.fc1`)]);
    x = g.op('Add', [x, m.linear(h, `${p}.mlp.fc2`)]);
  }
  const image = m.norm(x, `${VISION}.post_layernorm`, v.layerNormEps);

  let h = m.norm(
    g.op('Expand', [m.weight('query_tokens', [1, numQueryTokens, q.hiddenSize]), g.op('Concat', [batch, g.ints([numQueryTokens, q.hiddenSize])], { axis: 0 })]),
    `${QFORMER}.layernorm`,
    q.layerNormEps,
  );
  const bert = (x0: string, source: string, p: string) => {
    const a = m.attention(
      m.linear(x0, `${p}.attention.query`),
      m.linear(source, `${p}.attention.key`),
      m.linear(source, `${p}.attention.value`),
      q.numAttentionHeads,
      q.hiddenSize,
    );
    return m.norm(g.op('Add', [m.linear(a, `${p}.output.dense`), x0]), `${p}.output.LayerNorm`, q.layerNormEps);
  };
  for (let i = 0; i < q.numHiddenLayers; i++) {
    const p = `${QFORMER}.encoder.layer.${i}`;
    h = bert(h, h, `${p}.attention`);
    if (i % q.crossAttentionFrequency === 0) h = bert(h, image, `${p}.crossattention`);
    const f = m.linear(g.op('Gelu', [m.linear(h, `${p}.intermediate_query.dense`)]), `${p}.output_query.dense`);
    h = m.norm(g.op('Add', [f, h]), `${p}.output_query.LayerNorm`, q.layerNormEps);
  }
  g.output(m.linear(h, 'language_projection'), ONNX_NAMES.prefix, 'float32', ['batch', numQueryTokens, t.hiddenSize]);
  return g.toBytes('BLIP-2 (OPT) vision encoder, Q-Former and projection (idc-lab)');
}

export function blip2DecoderGraph(config: Blip2Config, weights: NamedArrays, withPast: boolean): Uint8Array {
  const g = new GraphBuilder(withPast ? 'blip2_decoder_with_past' : 'blip2_decoder');
  const m = new Ops(g, weights);
  const { text: t, numQueryTokens } = config;
  const heads = t.numAttentionHeads;
  const dh = t.hiddenSize / heads;
  const prefix = withPast ? undefined : g.input(ONNX_NAMES.prefix, 'float32', ['batch', numQueryTokens, t.hiddenSize]);
  const ids = g.input(ONNX_NAMES.inputIds, 'int64', ['batch', 'tokens']);
  const mask = g.input(ONNX_NAMES.attentionMask, 'int64', ['batch', 'length']);
  const past = withPast
    ? Array.from({ length: t.numHiddenLayers }, (_, i) => ({
        key: g.input(ONNX_NAMES.pastKey(i), 'float32', ['batch', heads, 'past', dh]),
        value: g.input(ONNX_NAMES.pastValue(i), 'float32', ['batch', heads, 'past', dh]),
      }))
    : undefined;

  const axis0 = g.ints([0], 'axis_0');
  const scalar = (v: string) => g.op('Squeeze', [v, axis0]); // [1] -> []
  const tokens = g.op('Gather', [m.weight(`${OPT}.embed_tokens.weight`), ids], { axis: 0 });
  let x = prefix ? g.op('Concat', [prefix, tokens], { axis: 1 }) : tokens; // [B, T', D]
  // positions of the positions computed here: OPT's cumsum(m) * m - 1 + 2 over the whole mask, its last T' columns
  const length = m.dim(mask, 1);
  const start = g.op('Sub', [length, m.dim(x, 1)]);
  const cumulative = g.op('CumSum', [mask, scalar(g.ints([1], 'cumsum_axis'))]);
  const positions = g.op('Add', [g.op('Mul', [cumulative, mask]), g.ints([1], 'offset_minus_one_plus_two')]);
  const here = g.op('Slice', [positions, start, length, g.ints([1], 'slice_axis')]);
  x = g.op('Add', [x, g.op('Gather', [m.weight(`${OPT}.embed_positions.weight`), here], { axis: 0 })]);

  // additive mask [B, 1, T', L]: a key after the query, or a padded key, is masked
  const [zero, one] = [scalar(g.ints([0], 'zero')), scalar(g.ints([1], 'one'))];
  const queryIndex = g.op('Unsqueeze', [g.op('Range', [scalar(start), scalar(length), one]), g.ints([1], 'axis_1')]); // [T', 1]
  const keyIndex = g.op('Range', [zero, scalar(length), one]); // [L]
  const causal = g.op('LessOrEqual', [keyIndex, queryIndex]); // [T', L]
  const present = g.op('Unsqueeze', [g.op('Cast', [mask], { to: 9 }), g.ints([1, 2], 'unsqueeze_axes_1_2')]); // bool [B, 1, 1, L]
  const allowed = g.op('And', [causal, present]); // [B, 1, T', L]
  const additive = g.op('Where', [allowed, g.scalar(0), g.scalar(MASKED)]);

  for (let i = 0; i < t.numHiddenLayers; i++) {
    const p = `${OPT}.layers.${i}`;
    const y = m.norm(x, `${p}.self_attn_layer_norm`, OPT_LAYER_NORM_EPS);
    const qh = m.heads(m.linear(y, `${p}.self_attn.q_proj`), heads, dh);
    let kh = m.heads(m.linear(y, `${p}.self_attn.k_proj`), heads, dh);
    let vh = m.heads(m.linear(y, `${p}.self_attn.v_proj`), heads, dh);
    const cache = past?.[i];
    if (cache) {
      kh = g.op('Concat', [cache.key, kh], { axis: 2 });
      vh = g.op('Concat', [cache.value, vh], { axis: 2 });
    }
    g.output(kh, ONNX_NAMES.presentKey(i), 'float32', ['batch', heads, 'length', dh]);
    g.output(vh, ONNX_NAMES.presentValue(i), 'float32', ['batch', heads, 'length', dh]);
    x = g.op('Add', [x, m.linear(m.merge(m.attend(qh, kh, vh, dh, additive), heads, dh), `${p}.self_attn.out_proj`)]);
    const f = m.linear(g.op('Relu', [m.linear(m.norm(x, `${p}.final_layer_norm`, OPT_LAYER_NORM_EPS), `${p}.fc1`)]), `${p}.fc2`);
    x = g.op('Add', [x, f]);
  }
  x = m.norm(x, `${OPT}.final_layer_norm`, OPT_LAYER_NORM_EPS);
  // the tied head: the embedding transposed once (onnxruntime folds the constant)
  const head = t.tieWordEmbeddings ? g.op('Transpose', [m.weight(`${OPT}.embed_tokens.weight`)], { perm: [1, 0] }) : m.weight(LM_HEAD);
  g.output(g.op('MatMul', [x, head]), ONNX_NAMES.logits, 'float32', ['batch', withPast ? 'tokens' : `${numQueryTokens} + tokens`, t.vocabSize]);
  return g.toBytes(`BLIP-2 (OPT) language model${withPast ? ' over a key/value cache' : ''} (idc-lab)`);
}
