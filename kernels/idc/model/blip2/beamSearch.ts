/**
 * Beam search as transformers v4.40 runs it (`_beam_search` with `BeamSearchScorer`, its
 * defaults: length_penalty 1.0, early_stopping false, one sequence returned per input):
 * - every input has `numBeams` beams; at the start only the first is live (the others score
 *   -1e9), so the first step does not pick the same token `numBeams` times;
 * - each step adds the log-softmax of the next-token logits (EOS at -inf before `minNewTokens`)
 *   to its beam's score and takes the best 2 x numBeams candidates over all beams of the input;
 *   in that order, a candidate ending in EOS among the first numBeams becomes a finished
 *   hypothesis scored sum / length (the EOS counted), any other continues a beam, until
 *   numBeams beams continue;
 * - an input is done when it holds numBeams hypotheses and none is worse than the best
 *   running score divided by the current length (transformers' heuristic); a done input's
 *   beams only take padding from then on;
 * - at `maxNewTokens` the open beams join the hypotheses (scored sum / length), and the best
 *   hypothesis is returned with EOS appended where it fits, shorter rows padded.
 * Pure: the model is reached through `nextLogits`, so tests check it against an exhaustive search.
 */

export interface BeamSearchSettings {
  numBeams: number;
  maxNewTokens: number;
  minNewTokens: number;
  eos: number;
  pad: number;
}

/** The finished hypotheses of one input: the best `size`, as transformers' BeamHypotheses keeps them. */
class Hypotheses {
  readonly entries: Array<{ score: number; tokens: number[] }> = [];
  private worst = 1e9;

  constructor(private readonly size: number) {}

  add(tokens: number[], sumLogProbs: number, length: number): void {
    const score = sumLogProbs / length; // length_penalty 1
    if (this.entries.length < this.size || score > this.worst) {
      this.entries.push({ score, tokens });
      if (this.entries.length > this.size) {
        // sorted by score, then by position (Python sorts the (score, index) pairs)
        const order = this.entries.map((e, i) => [e.score, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        this.entries.splice((order[0] as readonly [number, number])[1], 1);
        this.worst = (order[1] as readonly [number, number])[0];
      } else this.worst = Math.min(score, this.worst);
    }
  }

  /** early_stopping false: no running beam can still beat the worst hypothesis, judged at the current length. */
  isDone(bestRunning: number, length: number): boolean {
    return this.entries.length >= this.size && this.worst >= bestRunning / length;
  }

  /** The best; among equal scores the last in the list (Python's sorted, then pop). */
  best(): number[] {
    let at = 0;
    this.entries.forEach((e, i) => {
      if (e.score >= (this.entries[at] as { score: number }).score) at = i;
    });
    return (this.entries[at] as { tokens: number[] }).tokens;
  }
}

function logSoftmax(row: readonly number[]): number[] {
  let max = Number.NEGATIVE_INFINITY;
  for (const x of row) if (x > max) max = x;
  let sum = 0;
  for (const x of row) sum += Math.exp(x - max);
  const log = max + Math.log(sum);
  return row.map((x) => x - log);
}

/**
 * Beam search for `batch` inputs. `nextLogits` gets the tokens generated so far by every beam
 * ([batch * numBeams] rows, the beams of input 0 first) and returns each row's next-token
 * logits. Returns per input its new tokens (EOS included where it fits; rows padded to one length).
 */
export function beamSearch(batch: number, nextLogits: (generated: readonly (readonly number[])[]) => number[][], s: BeamSearchSettings): number[][] {
  const k = s.numBeams;
  let beams: number[][] = Array.from({ length: batch * k }, () => []);
  let scores: number[] = Array.from({ length: batch * k }, (_, i) => (i % k === 0 ? 0 : -1e9));
  const hypotheses = Array.from({ length: batch }, () => new Hypotheses(k));
  const done = new Array<boolean>(batch).fill(false);
  for (let step = 0; step < s.maxNewTokens && !done.every(Boolean); step++) {
    const logits = nextLogits(beams);
    const nextBeams: number[][] = [];
    const nextScores: number[] = [];
    for (let b = 0; b < batch; b++) {
      if (done[b]) {
        for (let j = 0; j < k; j++) {
          nextBeams.push([...(beams[b * k + j] as number[]), s.pad]);
          nextScores.push(0);
        }
        continue;
      }
      // every (beam, token) of this input, scored; the best 2k, ties to the lower flat index as torch.topk gives them
      const candidates: Array<{ score: number; beam: number; token: number }> = [];
      for (let j = 0; j < k; j++) {
        const row = logSoftmax(logits[b * k + j] as number[]);
        if (step < s.minNewTokens) row[s.eos] = Number.NEGATIVE_INFINITY;
        const base = scores[b * k + j] as number;
        row.forEach((lp, token) => candidates.push({ score: base + lp, beam: j, token }));
      }
      const top = candidates
        .map((c, i) => ({ ...c, i }))
        .sort((x, y) => y.score - x.score || x.i - y.i)
        .slice(0, 2 * k);
      let kept = 0;
      for (const [rank, c] of top.entries()) {
        const history = beams[b * k + c.beam] as number[];
        if (c.token === s.eos) {
          if (rank >= k) continue;
          hypotheses[b]?.add([...history], c.score, step + 1);
        } else {
          nextBeams.push([...history, c.token]);
          nextScores.push(c.score);
          kept++;
        }
        if (kept === k) break;
      }
      if (kept < k) throw new Error(`beamSearch: at most ${k} of the best ${2 * k} candidates may be EOS`);
      done[b] = (hypotheses[b] as Hypotheses).isDone((top[0] as { score: number }).score, step + 1);
    }
    beams = nextBeams;
    scores = nextScores;
  }
  for (let b = 0; b < batch; b++) {
    if (done[b]) continue;
    for (let j = 0; j < k; j++) {
      const tokens = beams[b * k + j] as number[];
      hypotheses[b]?.add(tokens, scores[b * k + j] as number, tokens.length);
    }
  }
  const best = hypotheses.map((h) => h.best());
  const width = Math.min(Math.max(...best.map((t) => t.length)) + 1, s.maxNewTokens);
  return best.map((tokens) => {
    const row = tokens.length < width ? [...tokens, s.eos] : [...tokens];
    while (row.length < width) row.push(s.pad);
    return row;
  });
}
