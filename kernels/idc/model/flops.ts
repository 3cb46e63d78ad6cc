/**
 * Floating-point operations of a BLIP-2 (OPT) model per stacked pair, counted from its config:
 * the matmuls only (a multiply-add is 2 FLOPs), which is what model FLOPs utilisation compares
 * with a matmul peak. Norms, softmax and activations are a few per cent and left out, as is usual.
 */
import type { Blip2Config } from './blip2/config';

export interface ForwardFlops {
  vision: number;
  qformer: number;
  languageModel: number;
  total: number;
}

const mm = (rows: number, inner: number, columns: number) => 2 * rows * inner * columns;

/** Forward FLOPs for one pair with a caption of `tokens` text positions. */
export function forwardFlops(config: Blip2Config, tokens: number): ForwardFlops {
  const { vision: v, qformer: q, text: t } = config;
  const patches = (v.imageSize / v.patchSize) ** 2;
  const n = patches + 1; // the CLS token
  const d = v.hiddenSize;

  // ViT: patch projection, then per layer qkv, scores, weighted values, output, MLP
  let vision = mm(patches, 3 * v.patchSize * v.patchSize, d);
  vision += v.numHiddenLayers * (mm(n, d, 3 * d) + 2 * mm(n, d, n) + mm(n, d, d) + mm(n, d, v.intermediateSize) + mm(n, v.intermediateSize, d));

  // Q-Former over the queries: self-attention every layer, cross-attention to the n image tokens every cross_attention_frequency
  const k = config.numQueryTokens;
  const dq = q.hiddenSize;
  let qformer = 0;
  for (let i = 0; i < q.numHiddenLayers; i++) {
    qformer += 4 * mm(k, dq, dq) + 2 * mm(k, dq, k);
    if (i % q.crossAttentionFrequency === 0) qformer += 2 * mm(k, dq, dq) + 2 * mm(n, q.encoderHiddenSize, dq) + 2 * mm(k, dq, n);
    qformer += mm(k, dq, q.intermediateSize) + mm(k, q.intermediateSize, dq);
  }
  qformer += mm(k, dq, t.hiddenSize); // language_projection

  // OPT over [prefix; tokens], then the head over every position (transformers computes them all)
  const positions = k + tokens;
  const dt = t.hiddenSize;
  let languageModel =
    t.numHiddenLayers * (4 * mm(positions, dt, dt) + 2 * mm(positions, dt, positions) + mm(positions, dt, t.ffnDim) + mm(positions, t.ffnDim, dt));
  languageModel += mm(positions, dt, t.vocabSize);

  return { vision, qformer, languageModel, total: vision + qformer + languageModel };
}

/**
 * FLOPs of one training step per pair: forward plus backward. The backward pass costs two
 * forwards when every weight gets a gradient (input and weight gradients) and about one
 * when the base is frozen (input gradients only; a LoRA adapter's own products are small).
 */
export function trainingFlops(config: Blip2Config, kind: 'full' | 'lora', tokens: number): number {
  const forward = forwardFlops(config, tokens).total;
  return kind === 'full' ? 3 * forward : 2 * forward;
}
