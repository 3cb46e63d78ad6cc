/**
 * Caption metrics speed on the Syned reference corpus (2,022 images, read from
 * ../shared/metrics; the public corpus when it is absent), against the COCO toolkit's
 * measured time on the same machine class (../shared/metrics/README.md: 2.18 s in one Python
 * process, of which tokenization 0.62 s). Prints figures and ratios; never fails on time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseRefsCandsJson } from '../kernels/idc/metrics/inputs';
import { tokenizeSet } from '../kernels/idc/metrics/score';
import { scoreTokenized } from '../kernels/idc/metrics/scoreTokenized';

const TOOLKIT_SECONDS = { total: 2.18, tokenize: 0.62, score: 2.18 - 0.62 };
const RUNS = 11;
const WARM_UPS = 3;

const shared = path.resolve(__dirname, '../../shared/metrics/syned_corpus.json');
const file = fs.existsSync(shared) ? shared : path.resolve(__dirname, '../test/idc/metrics/fixtures/public_corpus.json');
const set = parseRefsCandsJson(fs.readFileSync(file, 'utf8'), file);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const tokenizeTimes: number[] = [];
const scoreTimes: number[] = [];
for (let r = 0; r < RUNS + WARM_UPS; r++) {
  const t0 = performance.now();
  const { set: tokenized } = tokenizeSet(set);
  const t1 = performance.now();
  scoreTokenized(tokenized);
  const t2 = performance.now();
  if (r < WARM_UPS) continue;
  tokenizeTimes.push((t1 - t0) / 1000);
  scoreTimes.push((t2 - t1) / 1000);
}
const tok = median(tokenizeTimes);
const score = median(scoreTimes);
console.log(`caption metrics on ${path.basename(file)} (${set.ids.length} images), median of ${RUNS} runs after warm-up`);
console.log(`tokenize: ${tok.toFixed(3)} s (toolkit ${TOOLKIT_SECONDS.tokenize} s, ${(TOOLKIT_SECONDS.tokenize / tok).toFixed(1)}x)`);
console.log(`BLEU + ROUGE-L + CIDEr-D: ${score.toFixed(3)} s (toolkit ${TOOLKIT_SECONDS.score.toFixed(2)} s, ${(TOOLKIT_SECONDS.score / score).toFixed(1)}x)`);
console.log(`total: ${(tok + score).toFixed(3)} s (toolkit ${TOOLKIT_SECONDS.total} s, speed-up ${(TOOLKIT_SECONDS.total / (tok + score)).toFixed(1)}x; target 20x)`);
