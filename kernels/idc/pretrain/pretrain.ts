/**
 * Pretraining the base captioner (the analogue of BLIP-2's captioning pretraining), on the
 * synthetic scenes only, never on pairs:
 * - one scene in both halves, captioned as a scene;
 * - two different scenes, captioned half by half ("top: ... bottom: ..."), so the encoder
 *   learns to keep the halves apart, which difference captioning needs;
 * - every `textEvery`-th step, edit-style sentences with no image (a text-only LM loss), so
 *   the decoder knows the words LoRA will need.
 * Zero-shot on a pair it describes scenes, not differences: that is what LoRA adapts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Blip2Idc } from '../model/blip2idc';
import { DEFAULT_CONFIG, type ModelConfig } from '../model/config';
import { greedyDecode } from '../model/decoding';
import { WordTokenizer, words } from '../model/tokenizer';
import { AdamW } from '../train/adamw';
import { warmupCosineRate } from '../train/schedule';
import { captionBatch, disposeBatch, patchTensor, stackNormalised } from '../train/captionBatch';
import { ScaffoldingHeads, scaffoldingTargets } from './scaffolding';
import { maskedCrossEntropy } from '../model/ops';
import { SeededRandom } from '../../platform/random';
import { generateSceneCaptions, generateSynthetic, type SceneCaption } from '../data/synthetic/generate';
import { OBJECT_COLOUR_NAMES, SHAPES } from '../data/synthetic/palette';
import { applyEdit, EMU_CATEGORIES } from '../data/synthetic/edits';
import { renderScene } from '../data/synthetic/render';
import { briefScene } from '../data/synthetic/captions';

export interface PretrainOptions {
  steps?: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
  /** Scenes to caption (default 4000); 200 more are held out for the quality check. */
  scenes?: number;
  textEvery?: number;
  /** Scenes as daylight photos only (`plain`, the default), or two in five in another style or light (`varied`). */
  renderings?: 'plain' | 'varied';
  /** Weight of the dense scene-parsing loss on the ViT's patch features (0 turns it off; default 1). */
  parseWeight?: number;
  /**
   * Weight of the query-level loss: from the decoder's prefix, which colours, shapes and signs
   * each half holds (multi-label, the maximum over the queries; default 1, 0 turns it off).
   */
  queryWeight?: number;
  /**
   * Share of the half-by-half steps whose bottom scene is the top one after a random edit
   * (for example 0.5): two nearly identical halves, each captioned as a scene, so the encoder has
   * to keep apart halves that differ in one object, word or background, not only two
   * unrelated scenes. Still scene captions: the base never sees a difference caption.
   * Default 0: measured no better for LoRA (README, "What was tried").
   */
  editedHalves?: number;
  /** Weight of the per-patch change loss on the ViT's features (does this place differ in the other half; default 0, off). */
  changeWeight?: number;
  /** Start the first ViT block's MLP as a rectifier of the pair's difference (default off). */
  rectifier?: boolean;
  config?: Partial<Omit<ModelConfig, 'vocabSize'>>;
  /**
   * Continue from a saved base (its weights and tokenizer) instead of the seeded start: a new
   * warm-up and cosine schedule over `steps`, fresh scaffolding heads, and batches drawn after
   * the `stepsDone` the base already had, so the continuation does not replay them.
   */
  from?: { model: Blip2Idc; tokenizer: WordTokenizer; stepsDone: number };
  onLog?: (entry: PretrainLogEntry) => void;
  signal?: AbortSignal;
}

export interface PretrainLogEntry {
  step: number;
  kind: 'image' | 'text';
  /** The caption (or text) loss: the scene-parsing loss is logged apart. */
  loss: number;
  /** Mean cross-entropy of the parsing heads, on image steps with parsing on. */
  parseLoss?: number;
  /** Binary cross-entropy of the query-level contents head, when it is on. */
  queryLoss?: number;
  /** Binary cross-entropy of the per-patch change head, when it is on. */
  changeLoss?: number;
  seconds: number;
}

export interface CaptionQuality {
  scenes: number;
  /** Share of the scenes' object colours / shapes that the caption names. */
  colourRecall: number;
  shapeRecall: number;
  /** Share of captions that name as many shapes as the scene has objects. */
  countAccuracy: number;
  examples: Array<{ truth: string; caption: string }>;
}

type Scene = Omit<SceneCaption, 'split'>;

const rawOf = (s: Scene): Uint8Array => (s.image.kind === 'raw' ? s.image.data : new Uint8Array());

/** The vocabulary: scene captions, half-by-half captions and edit sentences of both category sets. */
export function pretrainingTokenizer(scenes: readonly Scene[], sentences: readonly string[]): WordTokenizer {
  return WordTokenizer.fromCaptions([...scenes.flatMap((s) => [...s.captions, `top: ${s.brief} bottom: ${s.brief}`]), ...sentences]);
}

export function editSentences(seed: number): string[] {
  return ['emu', 'clevr'].flatMap((categories) =>
    generateSynthetic({ pairs: 2400, size: 32, seed, categories: categories as 'emu' | 'clevr' }).samples.flatMap((s) => s.references),
  );
}

/** Colours and shapes a caption names, and how many shape words it has. */
function mentions(caption: string): { colours: Set<string>; shapes: Set<string>; shapeWords: number } {
  const w = words(caption);
  return {
    colours: new Set(w.filter((x) => (OBJECT_COLOUR_NAMES as readonly string[]).includes(x))),
    shapes: new Set(w.filter((x) => (SHAPES as readonly string[]).includes(x))),
    shapeWords: w.filter((x) => (SHAPES as readonly string[]).includes(x)).length,
  };
}

/** Greedy captions of held-out scenes (one scene in both halves), scored against their objects. */
export function sceneCaptionQuality(model: Blip2Idc, tokenizer: WordTokenizer, scenes: readonly Scene[]): CaptionQuality {
  const { width, height } = model.config.image;
  const per = width * height * 3;
  let colourHit = 0;
  let colourAll = 0;
  let shapeHit = 0;
  let shapeAll = 0;
  let countRight = 0;
  const examples: CaptionQuality['examples'] = [];
  for (let start = 0; start < scenes.length; start += 50) {
    const part = scenes.slice(start, start + 50);
    const pixels = new Float32Array(part.length * per);
    part.forEach((s, i) => stackNormalised(rawOf(s), rawOf(s), pixels, i * per));
    const patches = patchTensor(pixels, part.length, model.config);
    const ids = greedyDecode(model, patches);
    patches.dispose();
    part.forEach((s, i) => {
      const caption = tokenizer.decode(ids[i] as number[]);
      const truth = mentions(s.brief);
      const said = mentions(caption);
      for (const c of truth.colours) colourHit += said.colours.has(c) ? 1 : 0;
      for (const c of truth.shapes) shapeHit += said.shapes.has(c) ? 1 : 0;
      colourAll += truth.colours.size;
      shapeAll += truth.shapes.size;
      if (said.shapeWords === truth.shapeWords) countRight++;
      if (examples.length < 5) examples.push({ truth: s.brief, caption });
    });
  }
  return {
    scenes: scenes.length,
    colourRecall: colourHit / Math.max(1, colourAll),
    shapeRecall: shapeHit / Math.max(1, shapeAll),
    countAccuracy: countRight / Math.max(1, scenes.length),
    examples,
  };
}

export async function pretrainBase(
  options: PretrainOptions = {},
): Promise<{ model: Blip2Idc; tokenizer: WordTokenizer; log: PretrainLogEntry[]; quality: CaptionQuality; heldOut: Scene[] }> {
  const steps = options.steps ?? 1500;
  const batchSize = options.batchSize ?? 32;
  const peak = options.learningRate ?? 1e-3;
  const seed = options.seed ?? 42;
  const textEvery = options.textEvery ?? 4;
  const editedHalves = options.editedHalves ?? 0;
  // the edits of the emu set; style and light only where the scenes show them too
  const editCategories = EMU_CATEGORIES.filter((c) => options.renderings === 'varied' || (c !== 'style' && c !== 'global'));
  const all = generateSceneCaptions({ count: (options.scenes ?? 4000) + 200, size: 64, seed, renderings: options.renderings ?? 'plain' });
  const heldOut = all.slice(-200);
  const scenes = all.slice(0, -200);
  const sentences = editSentences(seed + 1000);
  const tokenizer = options.from?.tokenizer ?? pretrainingTokenizer(scenes, sentences);
  if (options.from && JSON.stringify(options.from.tokenizer.toJson()) !== JSON.stringify(pretrainingTokenizer(scenes, sentences).toJson())) {
    throw new Error(`pretrain: from: expected a base pretrained with seed ${seed} (the same scenes and vocabulary), found another tokenizer`);
  }
  const config: ModelConfig = options.from?.model.config ?? { ...DEFAULT_CONFIG, ...options.config, vocabSize: tokenizer.size };
  const model = options.from?.model ?? new Blip2Idc(config, seed, { rectifier: options.rectifier === true });
  const optimizer = new AdamW({ learningRate: peak });
  const rng = new SeededRandom(seed + 7 + (options.from?.stepsDone ?? 0));
  const per = config.image.width * config.image.height * 3;
  const log: PretrainLogEntry[] = [];
  // scaffolding heads: trained here, never saved with the base
  const scaffolding = new ScaffoldingHeads(config, options.parseWeight ?? 1, options.queryWeight ?? 1, options.changeWeight ?? 0, rng);
  const variables = new Map([...model.params.base, ...scaffolding.variables]);
  const started = performance.now();
  for (let step = 0; step < steps; step++) {
    if (options.signal?.aborted) break;
    optimizer.learningRate = warmupCosineRate(peak, step, steps);
    const text = step % textEvery === textEvery - 1;
    let lossFn: () => tf.Scalar;
    let dispose: () => void;
    let parse: tf.Scalar | undefined;
    let captionPart: tf.Scalar | undefined;
    let queryPart: tf.Scalar | undefined;
    let changePart: tf.Scalar | undefined;
    if (text) {
      const captions = Array.from({ length: batchSize }, () => rng.pick(sentences));
      const rows = captions.map((c) => tokenizer.teacherForcing(c, config.decoder.maxTokens));
      const inputs = tf.tensor2d(
        rows.flatMap((r) => r.inputs),
        [batchSize, config.decoder.maxTokens],
        'int32',
      );
      const targets = tf.tensor1d(
        rows.flatMap((r) => r.targets),
        'int32',
      );
      const mask = tf.tensor1d(
        rows.flatMap((r) => r.mask),
        'float32',
      );
      lossFn = () => model.textLoss(inputs, targets, mask);
      dispose = () => tf.dispose([inputs, targets, mask]);
    } else {
      const pixels = new Float32Array(batchSize * per);
      const captions: string[] = [];
      const pairs: Array<[Scene['scene'], Scene['scene']]> = [];
      for (let i = 0; i < batchSize; i++) {
        const top = rng.pick(scenes);
        let bottom = top;
        if (rng.chance(0.5)) {
          captions.push(rng.pick(top.captions));
        } else if (editedHalves > 0 && rng.chance(editedHalves)) {
          const { after } = applyEdit(rng.pick(editCategories), top.scene, rng);
          bottom = {
            ...top,
            image: { kind: 'raw', name: 'edited', width: 64, height: 64, data: renderScene(after, 64).data },
            scene: after,
            brief: briefScene(after),
          };
          captions.push(`top: ${top.brief} bottom: ${bottom.brief}`);
        } else {
          while (bottom === top) bottom = rng.pick(scenes);
          captions.push(`top: ${top.brief} bottom: ${bottom.brief}`);
        }
        stackNormalised(rawOf(top), rawOf(bottom), pixels, i * per);
        pairs.push([top.scene, bottom.scene]);
      }
      const batch = captionBatch(pixels, captions, config, tokenizer);
      const targets = scaffoldingTargets(pairs, config);
      lossFn = () => {
        const image = model.encodeImage(batch.patches);
        const prefix = model.queryPrefix(image);
        const logits = model.decode(prefix, batch.inputs);
        const captionLoss = maskedCrossEntropy(tf.reshape(logits, [-1, config.vocabSize]) as tf.Tensor2D, batch.targets, batch.mask);
        captionPart = tf.keep(captionLoss);
        const withScaffolding = scaffolding.addTo(captionLoss, image, prefix, targets);
        parse = withScaffolding.parse;
        queryPart = withScaffolding.contents;
        changePart = withScaffolding.change;
        return withScaffolding.total;
      };
      dispose = () => {
        disposeBatch(batch);
        tf.dispose([...(parse ? [parse] : []), ...(captionPart ? [captionPart] : []), ...(queryPart ? [queryPart] : []), ...(changePart ? [changePart] : [])]);
      };
    }
    const { value, grads } = tf.variableGrads(lossFn, [...variables.values()]);
    const named: Record<string, tf.Tensor> = {};
    for (const [name, v] of variables) named[name] = grads[v.name] as tf.Tensor;
    optimizer.apply(variables, named);
    const loss = (await (captionPart ?? value).data())[0] as number;
    const parseLoss = parse ? ((await parse.data())[0] as number) : undefined;
    const queryLoss = queryPart ? ((await queryPart.data())[0] as number) : undefined;
    const changeLoss = changePart ? ((await changePart.data())[0] as number) : undefined;
    tf.dispose([value, ...Object.values(grads)]);
    dispose();
    const entry: PretrainLogEntry = {
      step: step + 1,
      kind: text ? 'text' : 'image',
      loss,
      ...(parseLoss !== undefined ? { parseLoss } : {}),
      ...(queryLoss !== undefined ? { queryLoss } : {}),
      ...(changeLoss !== undefined ? { changeLoss } : {}),
      seconds: (performance.now() - started) / 1000,
    };
    log.push(entry);
    options.onLog?.(entry);
    await new Promise((resolve) => setImmediate(resolve)); // let interrupts and output through
  }
  optimizer.dispose();
  scaffolding.dispose();
  const quality = sceneCaptionQuality(model, tokenizer, heldOut);
  return { model, tokenizer, log, quality, heldOut };
}
