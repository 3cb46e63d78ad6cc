/**
 * Captioning the synthetic test split (the ablation's default data) with the shipped base:
 * TensorFlow.js on WASM (one thread, the decoder rerun over the growing caption) against
 * ONNX Runtime on the CPU (one thread, a key/value cache), batches of 64 as the trainer's
 * evaluation. Prints pairs per second, the ratio, whether the greedy captions are identical,
 * and the largest logit difference. `--adapter <run>/adapter.safetensors` (or a PEFT folder)
 * merges a trained adapter first; `--threads N` gives ONNX Runtime more threads.
 */
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadModel } from '../kernels/idc/model/baseModel';
import { greedyDecode } from '../kernels/idc/model/decoding';
import { patchify } from '../kernels/idc/model/patches';
import { PairPipeline } from '../kernels/idc/data/images/pairPipeline';
import { onnxGraphs } from '../kernels/idc/interop/onnx/exportOnnx';
import { OnnxCaptioner } from '../kernels/idc/interop/onnx/onnxCaptioner';
import { loadOnnxRuntime } from '../kernels/idc/interop/onnx/onnxRuntime';
import { useBackend, describeBackend } from '../kernels/idc/backends/backend';
import { loadData } from '../kernels/idc/data/dataSpec';
import { attachAdapter } from '../kernels/idc/viz/attentionJob';
import { patchTensor } from '../kernels/idc/train/captionBatch';

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
  const base = path.join(__dirname, '..', 'media', 'base');
  const { model, tokenizer } = await loadModel(base);
  const adapter = option('adapter');
  if (adapter) await attachAdapter(model, adapter);
  const data = await loadData({ synthetic: { pairs: 2000, size: 64, seed: 1 } });
  const test = data.samples.filter((s) => s.split === 'test');
  const { width, height, patch } = model.config.image;
  const pipe = new PairPipeline({ width, height });
  const batches: Array<{ pixels: Float32Array; n: number }> = [];
  for (let start = 0; start < test.length; start += BATCH) {
    const prepared = await pipe.prepare(test.slice(start, start + BATCH), 0);
    batches.push({ pixels: prepared.pixels, n: prepared.samples.length });
  }
  const pairs = batches.reduce((n, b) => n + b.n, 0);
  console.log(
    `caption generation: ${pairs} test pairs of the synthetic set, greedy, batches of ${BATCH}, ${adapter ? `adapter ${adapter}` : 'the shipped base'}`,
  );

  const tfjsStart = performance.now();
  const tfjsIds: number[][] = [];
  for (const b of batches) {
    const patches = patchTensor(b.pixels, b.n, model.config);
    tfjsIds.push(...greedyDecode(model, patches));
    patches.dispose();
  }
  const tfjsSeconds = (performance.now() - tfjsStart) / 1000;

  const threads = Number(option('threads') ?? 1);
  const exportStart = performance.now();
  const captioner = await OnnxCaptioner.create(await onnxGraphs(model, tokenizer), { threads });
  const exportSeconds = (performance.now() - exportStart) / 1000;
  const patchBatches = batches.map((b) => ({ patches: patchify(b.pixels, b.n, height, width, patch), n: b.n }));
  await captioner.greedy(patchBatches[0]!.patches, patchBatches[0]!.n); // warm-up: first-run allocations
  const ortStart = performance.now();
  const ortIds: number[][] = [];
  for (const b of patchBatches) ortIds.push(...(await captioner.greedy(b.patches, b.n)));
  const ortSeconds = (performance.now() - ortStart) / 1000;

  const same = tfjsIds.filter((ids, i) => tokenizer.decode(ids) === tokenizer.decode(ortIds[i] as number[])).length;
  // teacher-forced logits of the first batch over its own greedy captions (bos + ids, padded)
  const first = patchBatches[0]!;
  const rows = tfjsIds.slice(0, first.n).map((ids) => [1, ...ids].slice(0, model.config.decoder.maxTokens));
  const length = Math.max(...rows.map((r) => r.length));
  const padded = rows.map((r) => [...r, ...new Array<number>(length - r.length).fill(0)]);
  const reference = tf.tidy(() => {
    const patches = tf.tensor3d(first.patches, [first.n, (width / patch) * (height / patch), patch * patch * 3]);
    return model.decode(model.encode(patches), tf.tensor2d(padded, [first.n, length], 'int32'));
  });
  const expected = (await reference.data()) as Float32Array;
  reference.dispose();
  const got = await captioner.logits(first.patches, first.n, padded);
  let maxDiff = 0;
  for (let i = 0; i < expected.length; i++) maxDiff = Math.max(maxDiff, Math.abs((expected[i] as number) - (got[i] as number)));
  await captioner.release();

  console.log(`  TensorFlow.js, ${describeBackend(backend)}: ${(pairs / tfjsSeconds).toFixed(1)} pairs/s (${tfjsSeconds.toFixed(2)} s)`);
  console.log(
    `  ONNX Runtime, ${captioner.providers.join('+')}, ${threads} thread${threads > 1 ? 's' : ''}: ${(pairs / ortSeconds).toFixed(1)} pairs/s (${ortSeconds.toFixed(2)} s; export and session start ${exportSeconds.toFixed(2)} s once)`,
  );
  console.log(
    `  ratio ONNX Runtime / TensorFlow.js: ${(tfjsSeconds / ortSeconds).toFixed(1)}x; with the export counted: ${(tfjsSeconds / (ortSeconds + exportSeconds)).toFixed(1)}x`,
  );
  console.log(`  identical greedy captions: ${same} of ${pairs}; largest logit difference (first batch, teacher-forced): ${maxDiff.toExponential(2)}`);
  model.dispose();
}

void main();
