/**
 * BLIP2IDC-mini as ONNX graphs, written from its weights op for op as blip2idc.ts computes
 * it (the adapter merged in): the vision side once per image, the decoder once over the
 * prefix and <bos>, then one token at a time against a key/value cache.
 */
import type { ModelConfig } from '../../model/config';
import { patchGrid } from '../../model/config';
import type { NamedArrays } from '../../model/parameters';
import { GraphBuilder } from './graphBuilder';
import { ONNX_NAMES } from './onnxInterface';

const LAYER_NORM_EPSILON = 1e-5; // ops.ts layerNorm
const MASKED = -1e9; // ops.ts causalMask

/** The model's building blocks over one graph; each weight is added once, under its own name. */
class ModelOps {
  private readonly added = new Set<string>();

  constructor(
    readonly g: GraphBuilder,
    private readonly weights: NamedArrays,
    /** Where the weights came from, for the error that names a missing one. */
    private readonly source: string,
  ) {}

  weight(name: string): string {
    if (!this.added.has(name)) {
      const w = this.weights.get(name);
      if (!w) throw new Error(`${this.source}: expected a weight named ${name} (ONNX export), found none`);
      this.g.weight(name, w.shape, w.data);
      this.added.add(name);
    }
    return name;
  }

  /** x [..., in] W [in, out] + b */
  linear(x: string, name: string): string {
    return this.g.op('Add', [this.g.op('MatMul', [x, this.weight(`${name}.weight`)]), this.weight(`${name}.bias`)]);
  }

  norm(x: string, name: string): string {
    return this.g.op('LayerNormalization', [x, this.weight(`${name}.gain`), this.weight(`${name}.bias`)], { axis: -1, epsilon: { float: LAYER_NORM_EPSILON } });
  }

  mlp(x: string, name: string): string {
    return this.linear(this.g.op('Gelu', [this.linear(x, `${name}.fc1`)], { approximate: 'tanh' }), `${name}.fc2`);
  }

  /** [B, T, H*dh] -> [B, H, T, dh] */
  splitHeads(x: string, heads: number, headDim: number): string {
    return this.g.op('Transpose', [this.g.op('Reshape', [x, this.g.ints([0, 0, heads, headDim])])], { perm: [0, 2, 1, 3] });
  }

  /** [B, H, T, dh] -> [B, T, H*dh] */
  mergeHeads(x: string, heads: number, headDim: number): string {
    return this.g.op('Reshape', [this.g.op('Transpose', [x], { perm: [0, 2, 1, 3] }), this.g.ints([0, 0, heads * headDim])]);
  }

  /** softmax(q k^T / sqrt(dh) + mask) v over heads [B, H, T, dh]; `mask` [Tq, Tk] is added. */
  attend(q: string, k: string, v: string, headDim: number, mask?: string): string {
    let scores = this.g.op('Mul', [this.g.op('MatMul', [q, this.g.op('Transpose', [k], { perm: [0, 1, 3, 2] })]), this.g.scalar(1 / Math.sqrt(headDim))]);
    if (mask) scores = this.g.op('Add', [scores, mask]);
    return this.g.op('MatMul', [this.g.op('Softmax', [scores], { axis: -1 }), v]);
  }

  /** Attention of x's queries over (kvSource's) keys and values, with the layer's output projection left to the caller. */
  attention(q: string, k: string, v: string, heads: number, dim: number, mask?: string): string {
    const dh = dim / heads;
    return this.mergeHeads(this.attend(this.splitHeads(q, heads, dh), this.splitHeads(k, heads, dh), this.splitHeads(v, heads, dh), dh, mask), heads, dh);
  }

  /** A dimension of a value as a 1-element int64 tensor. */
  dim(x: string, axis: number): string {
    return this.g.op('Shape', [x], { start: axis, end: axis + 1 });
  }
}

/** patches [B, N, P] -> prefix [B, Q, dd]: ViT, Q-Former and the projection. */
export function visionEncoderGraph(config: ModelConfig, weights: NamedArrays, source = 'the model'): Uint8Array {
  const g = new GraphBuilder('idc_vision_encoder');
  const m = new ModelOps(g, weights, source);
  const { vit, qformer, decoder } = config;
  const grid = patchGrid(config);
  const patches = g.input(ONNX_NAMES.patches, 'float32', ['batch', grid.tokens, grid.patchSize]);

  // ViT: [B, N, P] -> [B, N, dv]
  let x = g.op('Add', [m.linear(patches, 'vit.patch'), m.weight('vit.pos')]);
  const thirds = g.ints([vit.dim, vit.dim, vit.dim]);
  for (let i = 0; i < vit.layers; i++) {
    const b = `vit.blocks.${i}`;
    const [q, k, v] = g.opMulti('Split', [m.linear(m.norm(x, `${b}.ln1`), `${b}.attn.qkv`), thirds], 3, { axis: -1 }) as [string, string, string];
    x = g.op('Add', [x, m.linear(m.attention(q, k, v, vit.heads, vit.dim), `${b}.attn.out`)]);
    x = g.op('Add', [x, m.mlp(m.norm(x, `${b}.ln2`), `${b}.mlp`)]);
  }
  const image = m.norm(x, 'vit.ln');

  // Q-Former: the queries [Q, dq] broadcast to [B, Q, dq]
  const queriesShape = g.op('Concat', [m.dim(patches, 0), g.ints([qformer.queries, qformer.dim])], { axis: 0 });
  let h = g.op('Expand', [m.weight('qformer.queries'), queriesShape]);
  for (let i = 0; i < qformer.layers; i++) {
    const b = `qformer.blocks.${i}`;
    const n = m.norm(h, `${b}.ln_self`);
    h = g.op('Add', [
      h,
      m.linear(m.attention(m.linear(n, `${b}.self.q`), m.linear(n, `${b}.self.k`), m.linear(n, `${b}.self.v`), qformer.heads, qformer.dim), `${b}.self.out`),
    ]);
    if (i % qformer.crossEvery === 0) {
      const c = m.norm(h, `${b}.ln_cross`);
      h = g.op('Add', [
        h,
        m.linear(
          m.attention(m.linear(c, `${b}.cross.q`), m.linear(image, `${b}.cross.k`), m.linear(image, `${b}.cross.v`), qformer.heads, qformer.dim),
          `${b}.cross.out`,
        ),
      ]);
    }
    h = g.op('Add', [h, m.mlp(m.norm(h, `${b}.ln_mlp`), `${b}.mlp`)]);
  }
  g.output(m.linear(m.norm(h, 'qformer.ln'), 'proj'), ONNX_NAMES.prefix, 'float32', ['batch', qformer.queries, decoder.dim]);
  return g.toBytes('BLIP2IDC-mini vision encoder: ViT + Q-Former + projection (idc-lab)');
}

/** The additive mask over every position [Q + maxTokens, Q + maxTokens]: ops.ts causalMask with the prefix visible to all. */
function fullCausalMask(config: ModelConfig): { size: number; values: Float32Array } {
  const q = config.qformer.queries;
  const size = q + config.decoder.maxTokens;
  const values = new Float32Array(size * size);
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) values[i * size + j] = j <= i || j < q ? 0 : MASKED;
  return { size, values };
}

/**
 * The decoder over [prefix; tokens] (`withPast` false) or over new tokens after a cache
 * (`withPast` true). Both return the logits and the keys and values of every position so far.
 */
export function decoderGraph(config: ModelConfig, weights: NamedArrays, withPast: boolean, source = 'the model'): Uint8Array {
  const g = new GraphBuilder(withPast ? 'idc_decoder_with_past' : 'idc_decoder');
  const m = new ModelOps(g, weights, source);
  const { decoder, qformer, vocabSize } = config;
  const dh = decoder.dim / decoder.heads;
  const mask = fullCausalMask(config);
  g.weight('causal_mask', [mask.size, mask.size], mask.values);

  const prefix = withPast ? undefined : g.input(ONNX_NAMES.prefix, 'float32', ['batch', qformer.queries, decoder.dim]);
  const ids = g.input(ONNX_NAMES.inputIds, 'int64', ['batch', 'tokens']);
  const past = withPast
    ? Array.from({ length: decoder.layers }, (_, i) => ({
        key: g.input(ONNX_NAMES.pastKey(i), 'float32', ['batch', decoder.heads, 'past', dh]),
        value: g.input(ONNX_NAMES.pastValue(i), 'float32', ['batch', decoder.heads, 'past', dh]),
      }))
    : undefined;

  // positions [start, end) of the tokens this call computes
  const tokens = g.op('Gather', [m.weight('decoder.tokens'), ids], { axis: 0 }); // [B, T, dd]
  let x: string;
  let start: string;
  if (prefix) {
    x = g.op('Concat', [prefix, tokens], { axis: 1 }); // [B, Q + T, dd]
    start = g.ints([0], 'positions_start');
  } else {
    const first = past?.[0];
    if (!first) throw new Error('decoder graph: expected a prefix or a cache of past keys and values');
    x = tokens;
    start = m.dim(first.key, 2);
  }
  const end = g.op('Add', [start, m.dim(x, 1)]);
  x = g.op('Add', [x, g.op('Slice', [m.weight('decoder.pos'), start, end, g.ints([0], 'axis_0')])]);
  // mask rows [start, end) over columns [0, end)
  const maskRows = g.op('Concat', [start, g.ints([0], 'zero')], { axis: 0 });
  const maskEnds = g.op('Concat', [end, end], { axis: 0 });
  const stepMask = g.op('Slice', ['causal_mask', maskRows, maskEnds, g.ints([0, 1], 'axes_0_1')]);

  for (let i = 0; i < decoder.layers; i++) {
    const b = `decoder.blocks.${i}`;
    const n = m.norm(x, `${b}.ln1`);
    const q = m.splitHeads(m.linear(n, `${b}.attn.q`), decoder.heads, dh);
    let k = m.splitHeads(m.linear(n, `${b}.attn.k`), decoder.heads, dh); // [B, H, T, dh]
    let v = m.splitHeads(m.linear(n, `${b}.attn.v`), decoder.heads, dh);
    const cache = past?.[i];
    if (cache) {
      k = g.op('Concat', [cache.key, k], { axis: 2 }); // [B, H, past + T, dh]
      v = g.op('Concat', [cache.value, v], { axis: 2 });
    }
    const cached = withPast ? 'past + tokens' : `${qformer.queries} + tokens`;
    g.output(k, ONNX_NAMES.presentKey(i), 'float32', ['batch', decoder.heads, cached, dh]);
    g.output(v, ONNX_NAMES.presentValue(i), 'float32', ['batch', decoder.heads, cached, dh]);
    x = g.op('Add', [x, m.linear(m.mergeHeads(m.attend(q, k, v, dh, stepMask), decoder.heads, dh), `${b}.attn.out`)]);
    x = g.op('Add', [x, m.mlp(m.norm(x, `${b}.ln2`), `${b}.mlp`)]);
  }
  let text = m.norm(x, 'decoder.ln');
  // the prefix positions predict nothing: keep the token positions
  if (prefix) text = g.op('Slice', [text, g.ints([qformer.queries], 'text_start'), g.ints([Number.MAX_SAFE_INTEGER], 'text_end'), g.ints([1], 'axis_1')]);
  // tied head: logits = h E^T
  const logits = g.op('MatMul', [text, g.op('Transpose', [m.weight('decoder.tokens')], { perm: [1, 0] })]);
  g.output(logits, ONNX_NAMES.logits, 'float32', ['batch', 'tokens', vocabSize]);
  return g.toBytes(withPast ? 'BLIP2IDC-mini decoder step over a key/value cache (idc-lab)' : 'BLIP2IDC-mini decoder over the prefix and tokens (idc-lab)');
}
