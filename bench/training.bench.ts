/**
 * Training speed of the default BLIP2IDC-mini on each backend that loads: pairs per second
 * for a full training step (pretraining) and a LoRA step (rank 8, all three modules), and
 * model FLOPs utilisation: the model's matmul FLOPs per second over the backend's own
 * measured matmul peak (the best of square matmuls of 256 to 1024). Prints figures; never
 * fails on time. `--backends wasm,cpu` picks backends; the software WebGPU adapter is
 * measured too, by name, since the automatic choice passes it over.
 */
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';
import { Blip2Idc } from '../kernels/idc/model/blip2idc';
import { DEFAULT_CONFIG, type ModelConfig } from '../kernels/idc/model/config';
import { forwardFlops, trainingFlops } from '../kernels/idc/model/flops';
import { normalValues } from '../kernels/idc/model/init';
import { WordTokenizer } from '../kernels/idc/model/tokenizer';
import { SeededRandom } from '../kernels/platform/random';
import { AdamW } from '../kernels/idc/train/adamw';
import { BACKENDS, describeBackend, useBackend, type BackendChoice, type BackendName } from '../kernels/idc/backends/backend';
import { captionBatch, disposeBatch } from '../kernels/idc/train/captionBatch';

const BATCH = 32;
const CAPTIONS = [
  'a red circle was added to the left',
  'the blue square is gone',
  'the background is now striped',
  'the sign now says open',
  'make it look like a sketch',
];

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function seconds(run: () => Promise<void>, repeats: number): Promise<number> {
  await run(); // warm-up: shader compilation, buffer pools
  const start = performance.now();
  for (let i = 0; i < repeats; i++) await run();
  return (performance.now() - start) / 1000 / repeats;
}

/** The best matmul FLOP/s over a few square sizes. */
async function matmulPeak(slow: boolean): Promise<{ flops: number; size: number }> {
  let best = { flops: 0, size: 0 };
  for (const size of slow ? [256, 512] : [256, 512, 1024]) {
    const a = tf.randomNormal([size, size], 0, 1, 'float32', 1);
    const b = tf.randomNormal([size, size], 0, 1, 'float32', 2);
    const s = await seconds(
      async () => {
        const c = tf.matMul(a, b);
        await c.data();
        c.dispose();
      },
      slow ? 2 : 5,
    );
    const flops = (2 * size ** 3) / s;
    if (flops > best.flops) best = { flops, size };
    tf.dispose([a, b]);
  }
  return best;
}

async function stepTime(config: ModelConfig, tokenizer: WordTokenizer, kind: 'full' | 'lora', repeats: number): Promise<number> {
  const model = new Blip2Idc(config, 1);
  if (kind === 'lora') model.attachLora({ rank: 8, modules: ['vit', 'qformer', 'llm'] }, 2);
  const { width, height } = config.image;
  const pixels = normalValues(BATCH * width * height * 3, 1, new SeededRandom(3));
  const batch = captionBatch(
    pixels,
    Array.from({ length: BATCH }, (_, i) => CAPTIONS[i % CAPTIONS.length] as string),
    config,
    tokenizer,
  );
  const variables = kind === 'lora' ? model.params.adapters : model.params.base;
  const optimizer = new AdamW({ learningRate: 1e-4 });
  const s = await seconds(async () => {
    const { value, grads } = tf.variableGrads(() => model.loss(batch, { training: true }), [...variables.values()]);
    const named: Record<string, tf.Tensor> = {};
    for (const [name, v] of variables) named[name] = grads[v.name] as tf.Tensor;
    optimizer.apply(variables, named);
    await value.data();
    tf.dispose([value, ...Object.values(grads)]);
  }, repeats);
  optimizer.dispose();
  disposeBatch(batch);
  model.dispose();
  return s;
}

async function main(): Promise<void> {
  const wanted = (option('backends')?.split(',') ?? ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu']) as BackendName[];
  const tokenizer = WordTokenizer.fromCaptions(CAPTIONS);
  // the shipped base's vocabulary is about this size; the head's share of FLOPs depends on it
  const config: ModelConfig = { ...DEFAULT_CONFIG, vocabSize: 200 };
  // batches are padded to their longest caption (captionBatch), so FLOPs count those positions
  const tokens = Math.min(config.decoder.maxTokens, Math.max(...CAPTIONS.map((c) => tokenizer.encode(c).length + 1)));
  const forward = forwardFlops(config, tokens);
  console.log(`training speed, BLIP2IDC-mini default config (64x128 pair, 16-px patches, width 128), batch ${BATCH}, captions of ${tokens} decoder positions`);
  console.log(
    `model: ${(forward.total / 1e6).toFixed(1)} MFLOP forward per pair (ViT ${(forward.vit / 1e6).toFixed(1)}, Q-Former ${(forward.qformer / 1e6).toFixed(1)}, decoder ${(forward.decoder / 1e6).toFixed(1)}); a training step counts 3x forward (full) or 2x (LoRA)`,
  );
  for (const name of wanted) {
    if (!(BACKENDS as readonly string[]).includes(name)) throw new RangeError(`--backends: unknown backend ${name}`);
    let choice: BackendChoice;
    try {
      choice = await useBackend(name);
    } catch (error) {
      console.log(`${name}: not measured (${(error as Error).message})`);
      continue;
    }
    const slow = name === 'cpu' || choice.adapter?.software === true;
    const peak = await matmulPeak(slow);
    const repeats = slow ? 2 : 8;
    const full = await stepTime(config, tokenizer, 'full', repeats);
    const lora = await stepTime(config, tokenizer, 'lora', repeats);
    const line = (label: string, s: number, kind: 'full' | 'lora') => {
      const achieved = (trainingFlops(config, kind, tokens) * BATCH) / s;
      return `  ${label}: ${(BATCH / s).toFixed(1)} pairs/s (${s.toFixed(2)} s/step), ${(achieved / 1e9).toFixed(2)} GFLOP/s, MFU ${((100 * achieved) / peak.flops).toFixed(1)}%`;
    };
    console.log(`${describeBackend(choice)}: matmul peak ${(peak.flops / 1e9).toFixed(2)} GFLOP/s (${peak.size}x${peak.size})`);
    console.log(line('full training', full, 'full'));
    console.log(line('LoRA r8, all modules', lora, 'lora'));
  }
}

void main();
