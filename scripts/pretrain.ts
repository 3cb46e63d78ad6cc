/**
 * `npm run pretrain`: pretrains the base captioner from a seed and writes media/base (weights,
 * config, tokenizer, training log with held-out caption quality). Options: --steps N (1500),
 * --seed N (42), --out folder, --backend name (wasm), --lr X (peak, 1e-3), --from folder (continue
 * a saved base of the same seed for --steps more), --parse-weight and --query-weight (the
 * scaffolding losses, 1 each; 0 turns one off), --renderings plain|varied (scene looks), and
 * three choices measured and left off (README, "What was tried"): --edited-halves F (share of
 * half-by-half steps whose bottom is the top scene edited), --change-weight W (the per-patch
 * change head), --rectifier (the first MLP seeded to rectify the pair's difference).
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadModel, saveModel } from '../kernels/idc/model/baseModel';
import { describeBackend, useBackend, type BackendName } from '../kernels/idc/backends/backend';
import { pretrainBase } from '../kernels/idc/pretrain/pretrain';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}

async function main(): Promise<void> {
  const steps = Number(option('steps', '1500'));
  const seed = Number(option('seed', '42'));
  const out = option('out', 'media/base');
  const backend = await useBackend(option('backend', 'wasm') as BackendName);
  console.log(`pretraining ${steps} steps, seed ${seed}, ${describeBackend(backend)}`);
  let window: number[] = [];
  let parse: number[] = [];
  let query: number[] = [];
  const queryWeight = Number(option('query-weight', '1'));
  const parseWeight = Number(option('parse-weight', '1'));
  const renderings = option('renderings', 'plain') as 'plain' | 'varied';
  const editedHalves = Number(option('edited-halves', '0'));
  const changeWeight = Number(option('change-weight', '0'));
  const rectifier = process.argv.includes('--rectifier');
  // --from folder: continue pretraining a saved base (same seed) for --steps more
  const fromFolder = option('from', '');
  const from = fromFolder ? await loadModel(fromFolder) : undefined;
  const stepsDone = from ? Number((from.config.provenance as { steps?: unknown }).steps ?? 0) : 0;
  if (from) console.log(`continuing ${fromFolder} (${stepsDone} steps) for ${steps} more`);
  const learningRate = Number(option('lr', '1e-3'));
  let change: number[] = [];
  const { model, tokenizer, log, quality } = await pretrainBase({
    steps,
    seed,
    queryWeight,
    parseWeight,
    renderings,
    editedHalves,
    changeWeight,
    rectifier,
    learningRate,
    ...(from ? { from: { model: from.model, tokenizer: from.tokenizer, stepsDone } } : {}),
    onLog: (e) => {
      if (e.kind === 'image') window.push(e.loss);
      if (e.parseLoss !== undefined) parse.push(e.parseLoss);
      if (e.queryLoss !== undefined) query.push(e.queryLoss);
      if (e.changeLoss !== undefined) change.push(e.changeLoss);
      if (e.step % 50 === 0) {
        const mean = (xs: number[]) => (xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)).toFixed(3);
        console.log(
          `step ${e.step}: caption loss ${mean(window)}${parse.length ? `, scene-parsing loss ${mean(parse)}` : ''}${query.length ? `, contents loss ${mean(query)}` : ''}${change.length ? `, change loss ${mean(change)}` : ''}, ${(e.seconds / e.step).toFixed(2)} s/step`,
        );
        window = [];
        parse = [];
        query = [];
        change = [];
      }
    },
  });
  console.log(
    `held-out scenes: colour recall ${quality.colourRecall.toFixed(3)}, shape recall ${quality.shapeRecall.toFixed(3)}, object count ${quality.countAccuracy.toFixed(3)}`,
  );
  for (const e of quality.examples) console.log(`  ${e.truth}\n    -> ${e.caption}`);
  const made = from
    ? `${(from.config.provenance as { made?: string }).made ?? 'a saved base'}, then npm run pretrain -- --from <that base> --steps ${steps} --lr ${learningRate}`
    : `npm run pretrain -- --steps ${steps} --seed ${seed}`;
  const total = stepsDone + steps;
  const earlier = from ? { earlier: from.config.provenance } : {};
  await saveModel(out, model, tokenizer, {
    steps: total,
    seed,
    backend: backend.name,
    batchSize: 32,
    learningRate,
    parseWeight,
    queryWeight,
    renderings,
    editedHalves,
    changeWeight,
    rectifier,
    made,
    ...earlier,
  });
  const earlierLog: unknown[] = from ? (JSON.parse(fs.readFileSync(path.join(fromFolder, 'training-log.json'), 'utf8')) as { log: unknown[] }).log : [];
  fs.writeFileSync(
    path.join(out, 'training-log.json'),
    `${JSON.stringify({ steps: total, seed, backend: backend.name, quality, log: [...earlierLog, ...log.map((e) => [e.step + stepsDone, e.kind, Number(e.loss.toFixed(5)), Number(e.seconds.toFixed(2))])] })}\n`,
  );
  console.log(`wrote ${out}`);
  model.dispose();
}

void main();
