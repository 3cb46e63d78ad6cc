/**
 * Floating-point operations of BLIP2IDC-mini per stacked pair, counted from the config: the
 * matmuls only (a multiply-add is 2 FLOPs), which is what model FLOPs utilisation compares
 * with a matmul peak. Norms, softmax and GELU are a few per cent and left out, as is usual.
 */
import { patchGrid, type ModelConfig } from './config';

export interface ForwardFlops {
  vit: number;
  qformer: number;
  decoder: number;
  total: number;
}

/** Forward FLOPs for one pair with a caption of `tokens` decoder positions (default: maxTokens). */
export function forwardFlops(config: ModelConfig, tokens = config.decoder.maxTokens): ForwardFlops {
  const { vit, qformer, decoder } = config;
  const grid = patchGrid(config);
  const n = grid.tokens;
  const mm = (rows: number, inner: number, cols: number) => 2 * rows * inner * cols;

  // ViT: patch projection, then per block qkv, scores, weighted values, output, MLP
  let v = mm(n, grid.patchSize, vit.dim);
  v += vit.layers * (mm(n, vit.dim, 3 * vit.dim) + 2 * mm(n, vit.dim, n) + mm(n, vit.dim, vit.dim) + 2 * mm(n, vit.dim, vit.mlpRatio * vit.dim));

  // Q-Former: Q queries; self-attention every block, cross-attention to n patches every crossEvery
  const q = qformer.queries;
  const dq = qformer.dim;
  let f = 0;
  for (let i = 0; i < qformer.layers; i++) {
    f += 4 * mm(q, dq, dq) + 2 * mm(q, dq, q);
    if (i % qformer.crossEvery === 0) f += 2 * mm(q, dq, dq) + 2 * mm(n, vit.dim, dq) + 2 * mm(q, dq, n);
    f += 2 * mm(q, dq, qformer.mlpRatio * dq);
  }
  f += mm(q, dq, decoder.dim); // projection to the decoder's prefix

  // decoder over [prefix; tokens], then the tied head on the text positions
  const t = q + tokens;
  const dd = decoder.dim;
  let d = decoder.layers * (4 * mm(t, dd, dd) + 2 * mm(t, dd, t) + 2 * mm(t, dd, decoder.mlpRatio * dd));
  d += mm(tokens, dd, config.vocabSize);

  return { vit: v, qformer: f, decoder: d, total: v + f + d };
}

/**
 * FLOPs of one training step per pair: forward plus backward. The backward pass costs two
 * forwards when every weight gets a gradient (input and weight gradients) and about one
 * when the base is frozen (input gradients only; a LoRA adapter's own products are small).
 */
export function trainingFlops(config: ModelConfig, kind: 'full' | 'lora', tokens?: number): number {
  const forward = forwardFlops(config, tokens).total;
  return kind === 'full' ? 3 * forward : 2 * forward;
}
