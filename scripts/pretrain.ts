/**
 * `npm run pretrain`: pretrains the shipped base, a mini BLIP-2 (OPT) (miniConfig.ts), from the
 * position-seeded start on the synthetic scenes, and writes it as a Hugging Face folder
 * (config.json, generation_config.json, model.safetensors, tokenizer.json,
 * tokenizer_config.json) with training-log.json beside it. Each run is a stage recorded under
 * `idc_lab.stages` in config.json (transformers keeps unknown config keys as attributes).
 * Options: --steps N (1500), --seed N (42), --lr X (peak, 1e-3), --out folder (media/base),
 * --from folder (continue a base made with the same seed for --steps more), --backend name (wasm),
 * --parse-weight X and --contents-weight X (the scaffolding losses, 1 each; 0 turns one off).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describeBackend, useBackend, type BackendName } from '../kernels/idc/backends/backend';
import { loadBlip2Base, saveBlip2Base, TRAINING_LOG_FILE } from '../kernels/idc/model/blip2/baseFolder';
import type { Blip2Config } from '../kernels/idc/model/blip2/config';
import { miniConfig } from '../kernels/idc/model/blip2/miniConfig';
import { tokenizerConfigJson, wordLevelTokenizerJson } from '../kernels/idc/model/blip2/tokenizer';
import { pretrainBlip2, sceneCaptionQuality } from '../kernels/idc/pretrain/blip2Pretrain';
import { seedable, seededTensors } from '../kernels/idc/pretrain/blip2Seeding';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}

interface Stage {
  steps: number;
  seed: number;
  learning_rate: number;
  batch_size: number;
  start: string;
  backend: string;
  parse_weight: number;
  contents_weight: number;
}

async function main(): Promise<void> {
  const steps = Number(option('steps', '1500'));
  const seed = Number(option('seed', '42'));
  const learningRate = Number(option('lr', '1e-3'));
  const out = option('out', 'media/base');
  const parseWeight = Number(option('parse-weight', '1'));
  const contentsWeight = Number(option('contents-weight', '1'));
  const fromFolder = option('from', '');
  const backend = await useBackend(option('backend', 'wasm') as BackendName);
  const from = fromFolder ? await loadBlip2Base(fromFolder) : undefined;
  const earlierStages = from ? (((from.model.config.json.idc_lab as { stages?: Stage[] } | undefined)?.stages ?? []) as Stage[]) : [];
  const base: Blip2Config = from ? from.model.config : miniConfig();
  if (!from && !seedable(base)) throw new Error('pretrain: the mini config no longer fits the position-seeded start (pretrain/blip2Seeding.ts)');
  const start = from ? `${fromFolder} (${earlierStages.reduce((a, s) => a + s.steps, 0)} steps)` : 'position-seeded (pretrain/blip2Seeding.ts)';
  console.log(`pretraining ${steps} steps from ${start}, seed ${seed}, peak rate ${learningRate}, ${describeBackend(backend)}`);
  const stage: Stage = {
    steps,
    seed,
    learning_rate: learningRate,
    batch_size: 32,
    start,
    backend: backend.name,
    parse_weight: parseWeight,
    contents_weight: contentsWeight,
  };
  // the stages travel in config.json, so the folder says how it was made wherever it is copied
  const config: Blip2Config = { ...base, json: { ...base.json, idc_lab: { made_by: 'npm run pretrain', stages: [...earlierStages, stage] } } };
  const fromTensors = from ? await from.model.tensors() : undefined;
  from?.model.dispose();
  const log: Array<[number, string, number, number]> = [];
  let window: number[] = [];
  let text: number[] = [];
  let parse: number[] = [];
  let contents: number[] = [];
  const mean = (xs: number[]) => (xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)).toFixed(3);
  const { model, vocabulary, heldOut, tokenizer } = await pretrainBlip2({
    config,
    initialWeights: (c, s) => fromTensors ?? seededTensors(c, s),
    steps,
    seed,
    learningRate,
    parseWeight,
    contentsWeight,
    onLog: (e) => {
      log.push([e.step, e.kind, Number(e.loss.toFixed(5)), Number(e.seconds.toFixed(2))]);
      (e.kind === 'image' ? window : text).push(e.loss);
      if (e.parseLoss !== undefined) parse.push(e.parseLoss);
      if (e.contentsLoss !== undefined) contents.push(e.contentsLoss);
      if (e.step % 50 === 0) {
        console.log(
          `step ${e.step}: image caption loss ${mean(window)}, text loss ${mean(text)}, parsing ${mean(parse)}, contents ${mean(contents)}, ${(e.seconds / e.step).toFixed(2)} s/step`,
        );
        window = [];
        text = [];
        parse = [];
        contents = [];
      }
    },
  });
  const quality = await sceneCaptionQuality(model, tokenizer, heldOut);
  console.log(`held-out scenes: colour recall ${quality.colourRecall.toFixed(3)}, shape recall ${quality.shapeRecall.toFixed(3)}`);
  for (const e of quality.examples) console.log(`  ${e.truth}\n    -> ${e.caption}`);
  const earlierLog: unknown[] = from ? ((JSON.parse(fs.readFileSync(path.join(fromFolder, TRAINING_LOG_FILE), 'utf8')) as { log?: unknown[] }).log ?? []) : [];
  await saveBlip2Base(out, {
    model,
    tokenizerJson: wordLevelTokenizerJson(vocabulary),
    tokenizerConfig: tokenizerConfigJson(32),
    log: { stages: [...earlierStages, stage], quality, log: [...earlierLog, ...log] },
  });
  console.log(`wrote ${out}`);
  model.dispose();
}

void main();
