/**
 * `generate` as transformers v4.40 runs it for BLIP-2 (OPT): the image's prefix is computed
 * once, the text starts from the prompt (default: BOS alone), and EOS is forbidden for the first
 * `num_query_tokens` new tokens (transformers' `min_length`). Greedy (one beam): each step
 * appends the argmax of the next-token logits; a sequence that has emitted EOS continues with
 * padding, and the loop stops when every sequence has. More beams: beamSearch.ts. `sequences`
 * is BOS followed by the new tokens only: the prompt is not repeated, as transformers returns it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beamSearch } from './beamSearch';
import type { Blip2Config } from './config';

export interface GenerateInputs {
  pixelValues: tf.Tensor4D | number[][][][];
  /** A prompt [B, T] (default: BOS for each image). */
  inputIds?: tf.Tensor2D | number[][];
  attentionMask?: tf.Tensor2D | number[][];
}

export interface GenerateOptions {
  maxNewTokens: number;
  /** New tokens before EOS may come (default num_query_tokens: transformers 4.40's BLIP-2 rule). */
  minNewTokens?: number;
  /** Beams (default 1, greedy); more run transformers' beam search (length_penalty 1, early_stopping false). */
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
  if (!Number.isInteger(beams) || beams < 1) throw new RangeError(`generate: numBeams: expected a whole number >= 1, found ${beams}`);
  const { bosTokenId: bos, eosTokenId: eos, padTokenId: pad } = model.config.text;
  const prefix = model.prefixOf(inputs.pixelValues);
  try {
    const b = prefix.shape[0];
    const ids = inputs.inputIds ? rowsOf(inputs.inputIds) : Array.from({ length: b }, () => [bos]);
    const mask = inputs.attentionMask ? rowsOf(inputs.attentionMask) : ids.map((row) => row.map(() => 1));
    if (ids.length !== b || mask.length !== b)
      throw new RangeError(`generate: expected ${b} prompts (one per image), found ${ids.length} ids and ${mask.length} masks`);
    if (beams > 1)
      return { sequences: beamSequences(model, prefix, ids, mask, { numBeams: beams, maxNewTokens, minNewTokens, eos, pad }).map((row) => [bos, ...row]) };
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

/** A copy of the rows (a tensor read back), so generation appends to its own arrays. */
const rowsOf = (x: tf.Tensor2D | number[][]): number[][] => (x instanceof tf.Tensor ? x.arraySync() : x.map((row) => [...row]));

/** Beam search over the model: each beam reads its input's prompt and prefix, then its own tokens. */
function beamSequences(model: Generating, prefix: tf.Tensor3D, ids: number[][], mask: number[][], settings: Parameters<typeof beamSearch>[2]): number[][] {
  const k = settings.numBeams;
  const b = ids.length;
  const rows = Array.from({ length: b * k }, (_, i) => Math.floor(i / k)); // beam -> input
  const repeated = tf.gather(prefix, rows) as tf.Tensor3D; // [B * k, Q, D]
  try {
    return beamSearch(
      b,
      (generated) => {
        const logits = model.nextTokenLogits(
          repeated,
          generated.map((tokens, i) => [...(ids[rows[i] as number] as number[]), ...tokens]),
          generated.map((tokens, i) => [...(mask[rows[i] as number] as number[]), ...tokens.map(() => 1)]),
        );
        const values = logits.arraySync();
        logits.dispose();
        return values;
      },
      settings,
    );
  } finally {
    repeated.dispose();
  }
}

/** The first index of the largest value, as torch.argmax takes it. */
function argmax(row: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if ((row[i] as number) > (row[best] as number)) best = i;
  return best;
}
