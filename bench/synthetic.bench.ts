/**
 * Synthetic generator speed: `idc.data.synthetic({pairs: 2000, size: 64, seed: 1})` timed
 * three times (median), with the digest of everything it made, so a run shows both the time
 * against the 30 s target and that the bytes did not change between runs. Prints figures;
 * never fails on time.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { generateSynthetic, type SyntheticData } from '../kernels/idc/data/synthetic/generate';

const TARGET_S = 30;

function digest(data: SyntheticData): string {
  const hash = crypto.createHash('sha256');
  for (const s of data.samples) {
    hash.update(JSON.stringify([s.id, s.category, s.references]));
    for (const image of [s.before, s.after]) if (image.kind === 'raw') hash.update(image.data);
  }
  return hash.digest('hex').slice(0, 16);
}

function time(options: Parameters<typeof generateSynthetic>[0], runs = 3): { seconds: number; digests: string[] } {
  const seconds: number[] = [];
  const digests: string[] = [];
  for (let run = 0; run < runs; run++) {
    const t0 = performance.now();
    const data = generateSynthetic(options);
    seconds.push((performance.now() - t0) / 1000);
    digests.push(digest(data));
  }
  return { seconds: [...seconds].sort((a, b) => a - b)[Math.floor(runs / 2)] as number, digests };
}

const emu = time({ pairs: 2000, size: 64, seed: 1 });
const clevr = time({ pairs: 2000, size: 64, seed: 1, categories: 'clevr' });
const big = time({ pairs: 400, size: 256, seed: 1 }, 1);
console.log(`synthetic generator, ${os.cpus().length} cores, median of 3 runs:`);
console.log(
  `2000 pairs, 64x64, 8 Emu Edit categories: ${emu.seconds.toFixed(2)} s (target < ${TARGET_S} s, ${(TARGET_S / emu.seconds).toFixed(0)}x under); digests ${[...new Set(emu.digests)].join(', ')} (${new Set(emu.digests).size === 1 ? 'identical on every run' : 'DIFFERENT between runs'})`,
);
console.log(
  `2000 pairs, 64x64, 6 CLEVR-Change types:  ${clevr.seconds.toFixed(2)} s; digests ${new Set(clevr.digests).size === 1 ? 'identical' : 'DIFFERENT'}`,
);
console.log(`400 pairs, 256x256, Emu Edit (one run):   ${big.seconds.toFixed(2)} s (${((big.seconds / 400) * 1000).toFixed(1)} ms a pair)`);
