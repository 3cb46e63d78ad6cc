/**
 * `generate` as transformers v4.40 runs it for BLIP-2 (OPT), greedy: the image's prefix is
 * computed once, the text starts from the prompt (default: BOS alone), and each step appends the
 * argmax of the next-token logits, EOS forbidden for the first `num_query_tokens` new tokens
 * (transformers' `min_length`). A sequence that has emitted EOS continues with padding; the
 * loop stops when every sequence has. `sequences` is BOS followed by the new tokens only: the
 * prompt is not repeated, as transformers returns it.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Blip2Config } from './config';

export interface GenerateInputs {
  pixelValues: tf.Tensor4D | number[][][][];
  /** A prompt [B, T] (default: BOS for each image). */
  inputIds?: number[][];
  attentionMask?: number[][];
}

export interface GenerateOptions {
  maxNewTokens: number;
  /** New tokens before EOS may come (default num_query_tokens: transformers 4.40's BLIP-2 rule). */
  minNewTokens?: number;
  /** Beams (default 1, greedy). */
  numBeams?: number;
}

/** What generation needs of a model (Blip2Model has it): the prefix of images, and the next token's logits after ids. */
export interface Generating {
  readonly config: Blip2Config;
  prefixOf(pixelValues: tf.Tensor4D | number[][][][]): tf.Tensor3D;
  nextTokenLogits(prefix: tf.Tensor3D, ids: readonly (readonly number[])[], mask: readonly (readonly number[])[]): tf.Tensor2D;
}

export function generate(model: Generating, inputs: GenerateInputs, options: GenerateOptions): { sequences: number[][] } {
  const { maxNewTokens } = options;
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1) throw new RangeError(`generate: maxNewTokens: expected a whole number >= 1, found ${maxNewTokens}`);
  const minNewTokens = options.minNewTokens ?? model.config.numQueryTokens;
  if (!Number.isInteger(minNewTokens) || minNewTokens < 0) throw new RangeError(`generate: minNewTokens: expected a whole number >= 0, found ${minNewTokens}`);
  const beams = options.numBeams ?? 1;
  if (beams !== 1) throw new RangeError(`generate: numBeams: only greedy decoding (1) so far, found ${beams}`);
  const { bosTokenId: bos, eosTokenId: eos, padTokenId: pad } = model.config.text;
  const prefix = model.prefixOf(inputs.pixelValues);
  try {
    const b = prefix.shape[0];
    const ids = inputs.inputIds ? inputs.inputIds.map((row) => [...row]) : Array.from({ length: b }, () => [bos]);
    const mask = inputs.attentionMask ? inputs.attentionMask.map((row) => [...row]) : ids.map((row) => row.map(() => 1));
    if (ids.length !== b || mask.length !== b)
      throw new RangeError(`generate: expected ${b} prompts (one per image), found ${ids.length} ids and ${mask.length} masks`);
    const produced: number[][] = Array.from({ length: b }, () => []);
    const finished = new Array<boolean>(b).fill(false);
    for (let step = 0; step < maxNewTokens && !finished.every(Boolean); step++) {
      const logits = model.nextTokenLogits(prefix, ids, mask);
      const rows = logits.arraySync();
      logits.dispose();
      for (let s = 0; s < b; s++) {
        let token = pad;
        if (!finished[s]) {
          const row = rows[s] as number[];
          if (step < minNewTokens) row[eos] = Number.NEGATIVE_INFINITY;
          token = argmax(row);
          if (token === eos) finished[s] = true;
        }
        produced[s]?.push(token);
        ids[s]?.push(token);
        mask[s]?.push(1);
      }
    }
    return { sequences: produced.map((row) => [bos, ...row]) };
  } finally {
    prefix.dispose();
  }
}

/** The first index of the largest value, as torch.argmax takes it. */
function argmax(row: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if ((row[i] as number) > (row[best] as number)) best = i;
  return best;
}
