/**
 * Captioning the synthetic test split (the ablation's default data) with the shipped base,
 * decoded as the ablation scores captions (DEFAULT_CAPTION_DECODING):
 * TensorFlow.js on WASM (one thread, OPT rerun over the growing caption) against ONNX Runtime
 * on the CPU (one thread, a key/value cache), batches of 64 as the trainer's evaluation.
 * Prints pairs per second, the ratio, whether the greedy captions are identical, and the
 * largest logit difference. `--adapter <run>/adapter` (a PEFT folder) attaches a trained
 * adapter first (merged for ONNX Runtime); `--threads N` gives ONNX Runtime more threads.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';
import { describeBackend, useBackend } from '../kernels/idc/backends/backend';
import { loadData } from '../kernels/idc/data/dataSpec';
import { PairPipeline } from '../kernels/idc/data/images/pairPipeline';
import { channelsFirstValues } from '../kernels/idc/data/images/processor';
import { blip2OnnxGraphs, Blip2OnnxRunner } from '../kernels/idc/interop/onnx/blip2Onnx';
import { loadOnnxRuntime } from '../kernels/idc/interop/onnx/onnxRuntime';
import { loadBlip2Base } from '../kernels/idc/model/blip2/baseFolder';
import { DEFAULT_CAPTION_DECODING as DECODING } from '../kernels/idc/defaults';
import { generate } from '../kernels/idc/model/blip2/generate';

const BATCH = 64;

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const runtime = await loadOnnxRuntime();
  if ('reason' in runtime) {
    console.log(`ONNX generation: not measured (${runtime.reason})`);
    return;
  }
  const backend = await useBackend('wasm');
  const adapter = option('adapter');
  const { model, tokenizer } = await loadBlip2Base(path.join(__dirname, '..', 'media', 'base'), adapter ? { adapter } : {});
  const data = await loadData({ synthetic: { pairs: 2000, size: 64, seed: 1 } });
  const test = data.samples.filter((s) => s.split === 'test');
  const size = model.config.vision.imageSize;
  const pipe = new PairPipeline({ width: size, height: size });
  const batches: Array<{ pixels: Float32Array; n: number }> = [];
  for (let start = 0; start < test.length; start += BATCH) {
    const prepared = await pipe.prepare(test.slice(start, start + BATCH), 0);
    batches.push({ pixels: channelsFirstValues(prepared.pixels, prepared.samples.length, size), n: prepared.samples.length });
  }
  const pairs = batches.reduce((n, b) => n + b.n, 0);
  console.log(
    `caption generation: ${pairs} test pairs of the synthetic set, greedy, batches of ${BATCH}, ${adapter ? `adapter ${adapter}` : 'the shipped base'}`,
  );

  const tfjsStart = performance.now();
  const tfjsIds: number[][] = [];
  for (const b of batches) {
    const pixelValues = tf.tensor4d(b.pixels, [b.n, 3, size, size]);
    tfjsIds.push(...generate(model, { pixelValues }, DECODING).sequences);
    pixelValues.dispose();
  }
  const tfjsSeconds = (performance.now() - tfjsStart) / 1000;

  const threads = Number(option('threads') ?? 1);
  const exportStart = performance.now();
  const runner = await Blip2OnnxRunner.create(await blip2OnnxGraphs(model), { threads });
  const exportSeconds = (performance.now() - exportStart) / 1000;
  const first = batches[0] as { pixels: Float32Array; n: number };
  await runner.generate(first.pixels, first.n, DECODING); // warm-up: first-run allocations
  const ortStart = performance.now();
  const ortIds: number[][] = [];
  for (const b of batches) ortIds.push(...(await runner.generate(b.pixels, b.n, DECODING)));
  const ortSeconds = (performance.now() - ortStart) / 1000;
  const same = tfjsIds.filter((ids, i) => tokenizer.decode(ids) === tokenizer.decode(ortIds[i] as number[])).length;

  // teacher-forced logits of the first batch over its own greedy captions
  const rows = tfjsIds.slice(0, first.n);
  const length = Math.max(...rows.map((r) => r.length));
  const ids = rows.map((r) => [...r, ...new Array<number>(length - r.length).fill(model.config.text.padTokenId)]);
  const pixelValues = tf.tensor4d(first.pixels, [first.n, 3, size, size]);
  const out = model.forward({ pixelValues, inputIds: ids });
  const expected = (await (out.get('logits') as tf.Tensor).data()) as Float32Array;
  tf.dispose([pixelValues, ...out.values()]);
  const { logits } = await runner.logits(await runner.prefix(first.pixels, first.n), ids);
  const got = logits.data as Float32Array;
  let maxDiff = 0;
  for (let i = 0; i < expected.length; i++) maxDiff = Math.max(maxDiff, Math.abs((expected[i] as number) - (got[i] as number)));
  await runner.release();

  console.log(`  TensorFlow.js, ${describeBackend(backend)}: ${(pairs / tfjsSeconds).toFixed(1)} pairs/s (${tfjsSeconds.toFixed(2)} s)`);
  console.log(
    `  ONNX Runtime, ${threads} thread${threads > 1 ? 's' : ''}: ${(pairs / ortSeconds).toFixed(1)} pairs/s (${ortSeconds.toFixed(2)} s; export and session start ${exportSeconds.toFixed(2)} s once)`,
  );
  console.log(
    `  ratio ONNX Runtime / TensorFlow.js: ${(tfjsSeconds / ortSeconds).toFixed(1)}x; with the export counted: ${(tfjsSeconds / (ortSeconds + exportSeconds)).toFixed(1)}x`,
  );
  console.log(`  identical greedy captions: ${same} of ${pairs}; largest logit difference (first batch, teacher-forced): ${maxDiff.toExponential(2)}`);
  model.dispose();
}

void main();
