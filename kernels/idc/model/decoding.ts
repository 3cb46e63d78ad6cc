/**
 * Caption generation: greedy (the paper's) and beam search. The image is encoded once; the
 * decoder reruns over the growing prefix (captions are short, so no key/value cache).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Blip2Idc } from './blip2idc';
import { BOS, EOS, PAD } from './tokenizer';

/** Greedy token ids [n][<= maxTokens] for patches [n, N, P], stopping at <eos>. */
export function greedyDecode(model: Blip2Idc, patches: tf.Tensor3D, maxTokens = model.config.decoder.maxTokens): number[][] {
  const n = patches.shape[0];
  const prefix = tf.tidy(() => model.encode(patches));
  const ids: number[][] = Array.from({ length: n }, () => [BOS]);
  const done = new Array<boolean>(n).fill(false);
  try {
    for (let t = 0; t < maxTokens && done.some((d) => !d); t++) {
      const next = tf.tidy(() => {
        const input = tf.tensor2d(ids.flat(), [n, t + 1], 'int32');
        const logits = model.decode(prefix, input); // [n, t+1, V]
        return tf.argMax(tf.reshape(tf.slice(logits, [0, t, 0], [n, 1, -1]), [n, -1]), 1);
      });
      const chosen = next.dataSync();
      next.dispose();
      for (let i = 0; i < n; i++) {
        const id = done[i] ? PAD : (chosen[i] as number);
        (ids[i] as number[]).push(id);
        if (id === EOS) done[i] = true;
      }
    }
  } finally {
    prefix.dispose();
  }
  return ids.map((row) => row.slice(1));
}

/** A hypothesis of beam search: its ids from <bos>, summed log-probability, and the live beam it extends. */
export interface Beam {
  ids: number[];
  score: number;
  parent: number;
}

/**
 * One step of beam search: each live beam extended by its `beams` best next tokens
 * (`logProbs[k]` is beam k's row), best first; hypotheses ending in <eos> move to `finished`.
 * Returns the next live beams, whose `parent` indexes `live`.
 */
export function advanceBeams(live: readonly Beam[], logProbs: ReadonlyArray<ArrayLike<number>>, beams: number, finished: Beam[]): Beam[] {
  const candidates: Beam[] = [];
  live.forEach((b, k) => {
    const row = Array.from(logProbs[k] as ArrayLike<number>);
    const top = row
      .map((v, id) => [v, id] as const)
      .sort((a, c) => c[0] - a[0])
      .slice(0, beams);
    for (const [v, id] of top) candidates.push({ ids: [...b.ids, id], score: b.score + v, parent: k });
  });
  candidates.sort((a, c) => c.score - a.score);
  const next: Beam[] = [];
  for (const c of candidates) {
    if (c.ids[c.ids.length - 1] === EOS) finished.push(c);
    else if (next.length < beams) next.push(c);
    if (next.length >= beams && finished.length >= beams) break;
  }
  return next;
}

/** The winner by length-normalised log-probability, without its <bos>. */
export function bestBeam(finished: readonly Beam[], live: readonly Beam[]): number[] {
  const norm = (c: Beam) => c.score / Math.max(1, c.ids.length - 1);
  const pool = [...finished, ...live].sort((a, c) => norm(c) - norm(a));
  return (pool[0] as Beam).ids.slice(1);
}

/** The first beam: <bos> alone. */
export function startBeams(): Beam[] {
  return [{ ids: [BOS], score: 0, parent: 0 }];
}

/** Beam search for one image at a time; length-normalised log-probability picks the winner. */
export function beamDecode(model: Blip2Idc, patches: tf.Tensor3D, beams = 3, maxTokens = model.config.decoder.maxTokens): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < patches.shape[0]; i++) {
    const prefix = tf.tidy(() => model.encode(tf.slice(patches, [i, 0, 0], [1, -1, -1]) as tf.Tensor3D));
    let live = startBeams();
    const finished: Beam[] = [];
    try {
      for (let t = 0; t < maxTokens && live.length > 0; t++) {
        const logProbs = tf.tidy(() => {
          const input = tf.tensor2d(
            live.flatMap((b) => b.ids),
            [live.length, t + 1],
            'int32',
          );
          const logits = model.decode(tf.tile(prefix, [live.length, 1, 1]) as tf.Tensor3D, input);
          return tf.logSoftmax(tf.reshape(tf.slice(logits, [0, t, 0], [live.length, 1, -1]), [live.length, -1]));
        });
        const values = logProbs.arraySync() as number[][];
        logProbs.dispose();
        live = advanceBeams(live, values, beams, finished);
      }
    } finally {
      prefix.dispose();
    }
    out.push(bestBeam(finished, live));
  }
  return out;
}
