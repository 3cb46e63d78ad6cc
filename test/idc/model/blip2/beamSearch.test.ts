/**
 * Beam search checked against an independent exhaustive search: with at least as many beams as
 * there are live sequences, transformers' beam search keeps every one of them, so its answer
 * must be the best of all sequences by transformers' score (the log-probabilities summed, EOS
 * included, over the length). First on a made-up model whose logits are a function of the
 * history, then through the tiny BLIP-2 reference, its logits taken from full forward passes.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../../kernels/idc/backends/backend';
import { beamSearch } from '../../../../kernels/idc/model/blip2/beamSearch';
import { generate } from '../../../../kernels/idc/model/blip2/generate';
import { Blip2Model } from '../../../../kernels/idc/model/blip2/model';
import { readSafetensors } from '../../../../kernels/platform/safetensors';
import { referenceInputs, TINY } from './reference';

const logSoftmax = (row: readonly number[]): number[] => {
  const max = Math.max(...row);
  const log = max + Math.log(row.reduce((a, x) => a + Math.exp(x - max), 0));
  return row.map((x) => x - log);
};

/** Logits that depend on the whole history: a small hash, so every prefix has its own. */
function madeUpLogits(input: number, history: readonly number[], vocab: number): number[] {
  let h = 2166136261 ^ (input * 7919);
  for (const t of history) h = Math.imul(h ^ (t + 1), 16777619) >>> 0;
  return Array.from({ length: vocab }, (_, v) => ((Math.imul(h ^ (v * 2654435761), 2246822519) >>> 0) % 1000) / 250 - 2);
}

/** Every sequence of up to `max` tokens, scored as transformers scores a finished hypothesis. */
function exhaustiveBest(
  logProbs: (history: readonly number[]) => number[],
  vocab: number,
  s: { maxNewTokens: number; minNewTokens: number; eos: number },
): { tokens: number[]; score: number } {
  let best = { tokens: [] as number[], score: Number.NEGATIVE_INFINITY };
  const visit = (history: number[], sum: number) => {
    const lp = logProbs(history);
    for (let v = 0; v < vocab; v++) {
      if (v === s.eos) {
        if (history.length < s.minNewTokens) continue;
        const score = (sum + (lp[v] as number)) / (history.length + 1);
        if (score > best.score) best = { tokens: [...history, v], score };
      } else if (history.length + 1 === s.maxNewTokens) {
        const score = (sum + (lp[v] as number)) / s.maxNewTokens;
        if (score > best.score) best = { tokens: [...history, v], score };
      } else visit([...history, v], sum + (lp[v] as number));
    }
  };
  visit([], 0);
  return best;
}

describe('beam search (transformers v4.40) against an exhaustive search', () => {
  const vocab = 4;
  const [eos, pad] = [2, 1];

  for (const minNewTokens of [0, 2]) {
    it(`finds the best sequence of all when no beam is ever dropped (minNewTokens ${minNewTokens})`, () => {
      const settings = { numBeams: 64, maxNewTokens: 4, minNewTokens, eos, pad };
      const inputs = 24;
      const rows = beamSearch(inputs, (generated) => generated.map((g, i) => madeUpLogits(Math.floor(i / 64), g, vocab)), settings);
      const expected = Array.from({ length: inputs }, (_, input) => exhaustiveBest((h) => logSoftmax(madeUpLogits(input, h, vocab)), vocab, settings).tokens);
      // rows share one width: EOS where it fits, then padding
      const width = Math.min(Math.max(...expected.map((t) => (t.at(-1) === eos ? t.length - 1 : t.length))) + 1, 4);
      const padded = expected.map((t) => {
        const row = [...t];
        while (row.length < width) row.push(pad);
        return row;
      });
      assert.deepEqual(rows, padded);
    });
  }

  it('stops when no running beam can beat its finished hypotheses (the heuristic of early_stopping false)', () => {
    // worked by hand: EOS is always the likeliest token but banned at the first step; after the
    // second, the hypotheses [3] (-2.025) and [0] (-2.525) are kept, and at the third the best
    // running sum over 3 tokens (-2.69) cannot beat the worse of them, so the search ends
    const logits = (generated: readonly (readonly number[])[]) => generated.map(() => [0, -9, 5, 1]);
    assert.deepEqual(beamSearch(1, logits, { numBeams: 2, maxNewTokens: 5, minNewTokens: 1, eos, pad }), [[3, 2]]);
  });
});

describe('generate with beams on the tiny BLIP-2 reference', () => {
  let model: Blip2Model;
  let pixelValues: tf.Tensor4D;
  before(async () => {
    await useBackend('wasm');
    model = await Blip2Model.load(TINY);
    pixelValues = referenceInputs((await readSafetensors(path.join(TINY, 'reference.safetensors'))).tensors).pixelValues;
  });
  after(() => {
    pixelValues.dispose();
    model.dispose();
  });

  it('equals the exhaustive best of two new tokens, its log-probabilities from full forward passes', () => {
    const { bosTokenId: bos, eosTokenId: eos, vocabSize } = model.config.text;
    const images = pixelValues.shape[0];
    const { sequences } = generate(model, { pixelValues }, { maxNewTokens: 2, minNewTokens: 0, numBeams: vocabSize });
    for (let i = 0; i < images; i++) {
      const one = tf.slice(pixelValues, [i, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
      // every history of one token, at once: [BOS] and [BOS, t] for every t
      const many = tf.tile(one, [vocabSize, 1, 1, 1]) as tf.Tensor4D;
      const out = model.forward({ pixelValues: many, inputIds: Array.from({ length: vocabSize }, (_, t) => [bos, t]) });
      const logits = out.get('logits') as tf.Tensor3D;
      const q = model.config.numQueryTokens;
      const first = logSoftmax(Array.from(tf.slice(logits, [0, q, 0], [1, 1, vocabSize]).dataSync()));
      const second = tf.slice(logits, [0, q + 1, 0], [vocabSize, 1, vocabSize]).arraySync() as number[][][];
      const best = exhaustiveBest((h) => (h.length === 0 ? first : logSoftmax((second[h[0] as number] as number[][])[0] as number[])), vocabSize, {
        maxNewTokens: 2,
        minNewTokens: 0,
        eos,
      });
      assert.deepEqual((sequences[i] as number[]).slice(1, 1 + best.tokens.length), best.tokens);
      tf.dispose([one, many, ...out.values()]);
    }
  });

  it('with one beam is greedy, and refuses a beam count that is not a whole number >= 1', () => {
    const greedy = generate(model, { pixelValues }, { maxNewTokens: 6 }).sequences;
    assert.deepEqual(generate(model, { pixelValues }, { maxNewTokens: 6, numBeams: 1 }).sequences, greedy);
    assert.throws(() => generate(model, { pixelValues }, { maxNewTokens: 6, numBeams: 0 }), /numBeams: expected a whole number >= 1, found 0/);
  });
});
