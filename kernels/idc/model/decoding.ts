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

/** Beam search for one image at a time; length-normalised log-probability picks the winner. */
export function beamDecode(model: Blip2Idc, patches: tf.Tensor3D, beams = 3, maxTokens = model.config.decoder.maxTokens): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < patches.shape[0]; i++) {
    const prefix = tf.tidy(() => model.encode(tf.slice(patches, [i, 0, 0], [1, -1, -1]) as tf.Tensor3D));
    let live: Array<{ ids: number[]; score: number }> = [{ ids: [BOS], score: 0 }];
    const finished: Array<{ ids: number[]; score: number }> = [];
    try {
      for (let t = 0; t < maxTokens && live.length > 0; t++) {
        const logProbs = tf.tidy(() => {
          const input = tf.tensor2d(live.flatMap((b) => b.ids), [live.length, t + 1], 'int32');
          const logits = model.decode(tf.tile(prefix, [live.length, 1, 1]) as tf.Tensor3D, input);
          return tf.logSoftmax(tf.reshape(tf.slice(logits, [0, t, 0], [live.length, 1, -1]), [live.length, -1]));
        });
        const values = logProbs.arraySync() as number[][];
        logProbs.dispose();
        const candidates: Array<{ ids: number[]; score: number }> = [];
        live.forEach((b, k) => {
          const row = values[k] as number[];
          const top = row.map((v, id) => [v, id] as const).sort((a, c) => c[0] - a[0]).slice(0, beams);
          for (const [v, id] of top) candidates.push({ ids: [...b.ids, id], score: b.score + v });
        });
        candidates.sort((a, c) => c.score - a.score);
        live = [];
        for (const c of candidates) {
          if (c.ids[c.ids.length - 1] === EOS) finished.push(c);
          else if (live.length < beams) live.push(c);
          if (live.length >= beams && finished.length >= beams) break;
        }
      }
    } finally {
      prefix.dispose();
    }
    const pool = [...finished, ...live];
    const norm = (c: { ids: number[]; score: number }) => c.score / Math.max(1, c.ids.length - 1);
    pool.sort((a, c) => norm(c) - norm(a));
    out.push((pool[0] as { ids: number[] }).ids.slice(1));
  }
  return out;
}
