/**
 * Training speed of BLIP2IDC-mini (the shipped base's BLIP-2 config) on each backend that
 * loads: pairs per second for a full training step (pretraining), a LoRA step (rank 8, all
 * three parts) and the demo's step (LoRA r16 on the Q-Former and LLM from the vision encoder's
 * output, which the trainer computes once per pair), and model FLOPs utilisation: the model's
 * matmul FLOPs per second over the backend's own measured matmul peak (the best of square
 * matmuls of 256 to 1024). Prints figures; never fails on time. `--backends wasm,cpu` picks
 * backends; the software WebGPU adapter is measured too, by name, since the automatic choice
 * passes it over.
 */
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';
import { BACKENDS, describeBackend, useBackend, type BackendChoice, type BackendName } from '../kernels/idc/backends/backend';
import type { Blip2Config } from '../kernels/idc/model/blip2/config';
import { captionLoss } from '../kernels/idc/model/blip2/loss';
import { blip2idcTargetModules, newLoraAdapter, type LoraPart } from '../kernels/idc/model/blip2/lora';
import { initialTensors, MINI_SIZES, miniConfig } from '../kernels/idc/model/blip2/miniConfig';
import { Blip2Model } from '../kernels/idc/model/blip2/model';
import { CaptionTokenizer, tokenizerConfigJson, wordLevelTokenizerJson, wordVocabulary } from '../kernels/idc/model/blip2/tokenizer';
import { forwardFlops, trainingFlops } from '../kernels/idc/model/flops';
import { AdamW } from '../kernels/idc/train/adamw';
import { captionIds } from '../kernels/idc/train/blip2Trainer';

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

type StepKind = 'full' | 'lora' | 'demo';

async function stepTime(config: Blip2Config, ids: number[][], kind: StepKind, repeats: number): Promise<number> {
  const model = new Blip2Model(config, initialTensors(config, 1));
  const lora = (rank: number, parts: LoraPart[]) =>
    model.attachLora(newLoraAdapter(config, { r: rank, loraAlpha: 2 * rank, loraDropout: 0.05, targetModules: blip2idcTargetModules(config, parts) }, 2));
  if (kind === 'full') model.params.baseTrainable = true;
  else if (kind === 'lora') lora(8, ['vit', 'qformer', 'llm']);
  else lora(16, ['qformer', 'llm']);
  const size = config.vision.imageSize;
  const pixelValues = tf.randomNormal([BATCH, 3, size, size], 0, 1, 'float32', 3) as tf.Tensor4D;
  // the demo's runs start from the vision encoder's output, computed once per pair
  const start = kind === 'demo' ? { image: model.imageOf(pixelValues) } : { pixelValues };
  const variables = kind === 'full' ? model.params.base : model.params.adapters;
  const optimizer = new AdamW({ learningRate: 1e-4 });
  let step = 0;
  const s = await seconds(async () => {
    const dropout = { seed: step++ };
    const { value, grads } = tf.variableGrads(() => {
      const out = model.forwardFrom(start, { inputIds: ids }, kind === 'full' ? {} : { dropout });
      const loss = captionLoss(out.get('logits') as tf.Tensor3D, ids);
      tf.dispose([...out.values()]);
      return loss;
    }, [...variables.values()]);
    const named: Record<string, tf.Tensor> = {};
    for (const [name, v] of variables) named[name] = grads[v.name] as tf.Tensor;
    optimizer.apply(variables, named);
    await value.data();
    tf.dispose([value, ...Object.values(grads)]);
  }, repeats);
  optimizer.dispose();
  tf.dispose([pixelValues, ...Object.values(start)]);
  model.dispose();
  return s;
}

async function main(): Promise<void> {
  const wanted = (option('backends')?.split(',') ?? ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu']) as BackendName[];
  const vocabulary = wordVocabulary(CAPTIONS);
  const tokenizer = CaptionTokenizer.fromJson(wordLevelTokenizerJson(vocabulary), tokenizerConfigJson(24), 'the bench captions');
  // the shipped base's vocabulary is about this size; the head's share of FLOPs depends on it
  const config = miniConfig({ ...MINI_SIZES, vocabSize: 213 });
  const { ids } = captionIds(
    tokenizer,
    Array.from({ length: BATCH }, (_, i) => CAPTIONS[i % CAPTIONS.length] as string),
    24,
    config.text.eosTokenId,
  );
  const tokens = ids[0]?.length ?? 0;
  const forward = forwardFlops(config, tokens);
  const v = config.vision;
  console.log(
    `training speed, BLIP2IDC-mini (BLIP-2 config: ${v.imageSize} px square, ${v.patchSize}-px patches, width ${v.hiddenSize}), batch ${BATCH}, captions of ${tokens} text positions`,
  );
  console.log(
    `model: ${(forward.total / 1e6).toFixed(1)} MFLOP forward per pair (ViT ${(forward.vision / 1e6).toFixed(1)}, Q-Former ${(forward.qformer / 1e6).toFixed(1)}, OPT ${(forward.languageModel / 1e6).toFixed(1)}); a training step counts 3x forward (full) or 2x (LoRA)`,
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
    const full = await stepTime(config, ids, 'full', repeats);
    const lora = await stepTime(config, ids, 'lora', repeats);
    const demo = await stepTime(config, ids, 'demo', repeats);
    const line = (label: string, s: number, flops: number | undefined) => {
      const rate = `  ${label}: ${(BATCH / s).toFixed(1)} pairs/s (${s.toFixed(2)} s/step)`;
      if (flops === undefined) return rate;
      const achieved = (flops * BATCH) / s;
      return `${rate}, ${(achieved / 1e9).toFixed(2)} GFLOP/s, MFU ${((100 * achieved) / peak.flops).toFixed(1)}%`;
    };
    console.log(`${describeBackend(choice)}: matmul peak ${(peak.flops / 1e9).toFixed(2)} GFLOP/s (${peak.size}x${peak.size})`);
    console.log(line('full training', full, trainingFlops(config, 'full', tokens)));
    console.log(line('LoRA r8, all parts', lora, trainingFlops(config, 'lora', tokens)));
    console.log(line("LoRA r16, Q-Former and LLM from the cached image stage (the demo's step)", demo, undefined));
  }
}

void main();
