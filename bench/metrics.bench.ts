/**
 * Caption metrics speed on the Syned reference corpus (2,022 images, read from
 * ../shared/metrics; the public corpus when it is absent), against the COCO toolkit's
 * measured time on the same machine class (../shared/metrics/README.md: 2.18 s in one Python
 * process, of which tokenization 0.62 s; the whole command 2.3 to 2.9 s). Prints figures and
 * ratios; never fails on time. In-process figures are medians after warm-up runs.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseRefsCandsJson } from '../kernels/idc/metrics/inputs';
import { meteor } from '../kernels/idc/metrics/meteor/index';
import { tokenizeSet } from '../kernels/idc/metrics/score';
import { scoreTokenized } from '../kernels/idc/metrics/scoreTokenized';

const TOOLKIT_SECONDS = { total: 2.18, tokenize: 0.62, score: 2.18 - 0.62, command: [2.3, 2.9] };
const RUNS = 21;
const WARM_UPS = 3;

const shared = path.resolve(__dirname, '../../shared/metrics/syned_corpus.json');
const file = fs.existsSync(shared) ? shared : path.resolve(__dirname, '../test/idc/metrics/fixtures/public_corpus.json');
const set = parseRefsCandsJson(fs.readFileSync(file, 'utf8'), file);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
function timed(runs: number, warmUps: number, f: () => void): number {
  const times: number[] = [];
  for (let r = 0; r < runs + warmUps; r++) {
    const t0 = performance.now();
    f();
    if (r >= warmUps) times.push((performance.now() - t0) / 1000);
  }
  return median(times);
}

const tokenized = tokenizeSet(set).set;
const tok = timed(RUNS, WARM_UPS, () => tokenizeSet(set));
const score = timed(RUNS, WARM_UPS, () => scoreTokenized(tokenized));
const total = timed(RUNS, WARM_UPS, () => scoreTokenized(tokenizeSet(set).set));
const meteorSeconds = timed(3, 1, () => meteor(tokenized));

console.log(`caption metrics on ${path.basename(file)} (${set.ids.length} images), in-process medians after warm-up`);
console.log(`tokenize:                          ${tok.toFixed(3)} s (toolkit ${TOOLKIT_SECONDS.tokenize} s, ${(TOOLKIT_SECONDS.tokenize / tok).toFixed(1)}x)`);
console.log(
  `BLEU + ROUGE-L + CIDEr-D:          ${score.toFixed(3)} s (toolkit ${TOOLKIT_SECONDS.score.toFixed(2)} s, ${(TOOLKIT_SECONDS.score / score).toFixed(1)}x)`,
);
console.log(
  `all but METEOR, from raw captions: ${total.toFixed(3)} s (toolkit ${TOOLKIT_SECONDS.total} s, ${(TOOLKIT_SECONDS.total / total).toFixed(1)}x; target 20x = 0.109 s)`,
);
console.log(
  `METEOR alone (tokenized; exact + stem + synonym, no paraphrase table): ${meteorSeconds.toFixed(3)} s (no toolkit figure: its jar was not available)`,
);

const bin = path.resolve(__dirname, '../bin/idc-lab.js');
if (fs.existsSync(path.resolve(__dirname, '../dist/cli.js'))) {
  for (const [label, extra] of [
    ['all metrics but METEOR', ['--no-meteor']],
    ['all metrics with METEOR', []],
  ] as const) {
    const command = timed(3, 1, () => {
      const result = spawnSync(process.execPath, [bin, 'metrics', file, '--json', ...extra], { encoding: 'utf8', maxBuffer: 64 << 20 });
      if (result.status !== 0) throw new Error(result.stderr);
    });
    console.log(`whole command, ${label}: ${command.toFixed(2)} s (\`idc-lab metrics --json\`; toolkit command ${TOOLKIT_SECONDS.command.join(' to ')} s)`);
  }
} else {
  console.log('whole command: not measured, dist/cli.js is missing (run npm run build)');
}
