/**
 * Image-pair pipeline speed: stacked 64x128 pairs per second prepared from 256x256 PNG files
 * (decode both, stack, bicubic resize, CLIP normalise), cold (nothing cached) and warm (the
 * prepared-tensor cache of a second epoch). Prints figures; never fails on time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { PairPipeline } from '../kernels/idc/data/images/pairPipeline';
import type { IdcSample } from '../kernels/idc/data/types';

const PAIRS = 600;
const TARGET = 300;

async function writePngs(dir: string): Promise<IdcSample[]> {
  const samples: IdcSample[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const files = ['a', 'b'].map((s) => path.join(dir, `${i}${s}.png`));
    for (const [k, file] of files.entries()) {
      // a textured image, so PNG does real work (noise does not compress, flat colour is trivial)
      const data = new Uint8Array(256 * 256 * 3);
      for (let p = 0; p < data.length; p++) data[p] = ((p * 7 + i * 13 + k * 31) ^ (p >> 9)) & 0xff;
      await sharp(data, { raw: { width: 256, height: 256, channels: 3 } })
        .png()
        .toFile(file);
    }
    samples.push({
      id: String(i),
      before: { kind: 'file', path: files[0] as string },
      after: { kind: 'file', path: files[1] as string },
      references: ['x'],
      category: 'unknown',
      split: 'train',
      resize: 'stack',
    });
  }
  return samples;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idc-pipeline-bench-'));
  try {
    const samples = await writePngs(dir);
    const size = fs.statSync(path.join(dir, '0a.png')).size;
    const run = async (pipeline: PairPipeline) => {
      const t0 = performance.now();
      let n = 0;
      for await (const batch of pipeline.batches(samples, { batchSize: 32 })) n += batch.samples.length;
      return n / ((performance.now() - t0) / 1000);
    };
    const pipeline = new PairPipeline({ width: 64, height: 128 });
    await run(new PairPipeline({ width: 64, height: 128 })); // warm-up: sharp's threads, file cache
    const cold = await run(pipeline);
    const warm = await run(pipeline);
    const augmented = await run(new PairPipeline({ width: 64, height: 128, augment: {} }));
    console.log(`image-pair pipeline: ${PAIRS} pairs of 256x256 PNG (${(size / 1024).toFixed(0)} KiB each) -> 64x128 float32, ${os.cpus().length} cores`);
    console.log(`cold (decode + stack + resize + normalise): ${cold.toFixed(0)} pairs/s (target ${TARGET}, ${(cold / TARGET).toFixed(2)}x)`);
    console.log(`warm (cached tensors, second epoch):       ${warm.toFixed(0)} pairs/s`);
    console.log(`augmented (blur + JPEG p=0.5, cold):        ${augmented.toFixed(0)} pairs/s`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
