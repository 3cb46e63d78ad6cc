/**
 * Pretraining a BLIP-2 (OPT) base on the synthetic scenes (never on pairs), the recipe of
 * pretrain.ts on the new architecture:
 * - one scene in both halves, captioned as a scene;
 * - two different scenes, captioned half by half ("top: ... bottom: ..."), so the encoder learns
 *   to keep the halves apart;
 * - every `textEvery`-th step, edit-style sentences with no image (the language model alone),
 *   so the decoder knows the words LoRA will need.
 * Every weight trains; the loss is over real tokens (the first EOS included), plus on image
 * steps the scaffolding losses (scaffolding.ts: scene parsing on the ViT's patches, each half's
 * contents from the prefix), whose heads are dropped after pretraining. Zero-shot on a pair the
 * base describes scenes, not differences: that is what LoRA adapts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom } from '../../platform/random';
import type { RawImage } from '../../platform/rawImage';
import { pixelValues } from '../data/images/processor';
import { generateSceneCaptions, type SceneCaption } from '../data/synthetic/generate';
import { OBJECT_COLOUR_NAMES, SHAPES } from '../data/synthetic/palette';
import type { Blip2Config } from '../model/blip2/config';
import { generate } from '../model/blip2/generate';
import { captionLoss } from '../model/blip2/loss';
import { Blip2Model } from '../model/blip2/model';
import { CaptionTokenizer, tokenizerConfigJson, wordLevelTokenizerJson, wordVocabulary } from '../model/blip2/tokenizer';
import { AdamW } from '../train/adamw';
import { captionIds } from '../train/blip2Trainer';
import { warmupCosineRate } from '../train/schedule';
import { editSentences } from './editSentences';
import { ScaffoldingHeads, scaffoldingTargets } from './scaffolding';

type Scene = Omit<SceneCaption, 'split'>;

export interface Blip2PretrainOptions {
  /** The model's config; its vocabulary size is set to the tokenizer's. */
  config: Blip2Config;
  /** Seeded start: a function of the config and the seed giving transformers-layout weights. */
  initialWeights: (config: Blip2Config, seed: number) => Map<string, { shape: number[]; data: Float32Array }>;
  steps?: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
  /** Scenes to caption (default 4000); 200 more are held out for the quality check. */
  scenes?: number;
  textEvery?: number;
  /** Text tokens per caption at most (default 32: half-by-half captions are long). */
  maxTokens?: number;
  /** Weight of the dense scene-parsing loss on the ViT's patches (default 1; 0 turns it off). */
  parseWeight?: number;
  /** Weight of the per-half contents loss on the prefix (default 1; 0 turns it off). */
  contentsWeight?: number;
  onLog?: (entry: Blip2PretrainLogEntry) => void;
  signal?: AbortSignal;
}

export interface Blip2PretrainLogEntry {
  step: number;
  kind: 'image' | 'text';
  /** The caption (or text) loss; the scaffolding losses are logged apart. */
  loss: number;
  parseLoss?: number;
  contentsLoss?: number;
  seconds: number;
}

export interface SceneCaptionQuality {
  scenes: number;
  /** Share of the scenes' object colours / shapes the caption names. */
  colourRecall: number;
  shapeRecall: number;
  examples: Array<{ truth: string; caption: string }>;
}

const rawOf = (s: Scene): RawImage =>
  s.image.kind === 'raw' ? { width: s.image.width, height: s.image.height, data: s.image.data } : { width: 0, height: 0, data: new Uint8Array() };

/** Two scenes stacked, top first. */
function stacked(top: Scene, bottom: Scene): RawImage {
  const a = rawOf(top);
  const b = rawOf(bottom);
  const data = new Uint8Array(a.data.length + b.data.length);
  data.set(a.data, 0);
  data.set(b.data, a.data.length);
  return { width: a.width, height: a.height + b.height, data };
}

/** The vocabulary of pretraining: scene captions, half-by-half captions and edit sentences. */
export function pretrainingVocabulary(scenes: readonly Scene[], sentences: readonly string[]): string[] {
  return wordVocabulary([...scenes.flatMap((s) => [...s.captions, `top: ${s.brief} bottom: ${s.brief}`]), ...sentences]);
}

function mentions(caption: string): { colours: Set<string>; shapes: Set<string> } {
  const words = caption.toLowerCase().split(/[^a-z]+/);
  return {
    colours: new Set(words.filter((w) => (OBJECT_COLOUR_NAMES as readonly string[]).includes(w))),
    shapes: new Set(words.filter((w) => (SHAPES as readonly string[]).includes(w))),
  };
}

/** Greedy captions of held-out scenes (one scene in both halves), scored by the colours and shapes they name. */
export async function sceneCaptionQuality(model: Blip2Model, tokenizer: CaptionTokenizer, scenes: readonly Scene[]): Promise<SceneCaptionQuality> {
  let [colourHit, colourAll, shapeHit, shapeAll] = [0, 0, 0, 0];
  const examples: SceneCaptionQuality['examples'] = [];
  for (let at = 0; at < scenes.length; at += 50) {
    const part = scenes.slice(at, at + 50);
    const { data, shape } = await pixelValues(
      part.map((s) => stacked(s, s)),
      model.config.vision.imageSize,
    );
    const pixels = tf.tensor4d(data, shape);
    const { sequences } = generate(model, { pixelValues: pixels }, { maxNewTokens: 24 });
    pixels.dispose();
    part.forEach((s, i) => {
      const caption = tokenizer.decode(sequences[i] as number[]);
      const truth = mentions(s.brief);
      const said = mentions(caption);
      for (const c of truth.colours) colourHit += said.colours.has(c) ? 1 : 0;
      for (const c of truth.shapes) shapeHit += said.shapes.has(c) ? 1 : 0;
      colourAll += truth.colours.size;
      shapeAll += truth.shapes.size;
      if (examples.length < 5) examples.push({ truth: s.brief, caption });
    });
  }
  return { scenes: scenes.length, colourRecall: colourHit / Math.max(1, colourAll), shapeRecall: shapeHit / Math.max(1, shapeAll), examples };
}

export async function pretrainBlip2(
  options: Blip2PretrainOptions,
): Promise<{ model: Blip2Model; tokenizer: CaptionTokenizer; vocabulary: string[]; heldOut: Scene[] }> {
  const steps = options.steps ?? 1500;
  const batchSize = options.batchSize ?? 32;
  const peak = options.learningRate ?? 1e-3;
  const seed = options.seed ?? 42;
  const textEvery = options.textEvery ?? 4;
  const maxTokens = options.maxTokens ?? 32;
  const all = generateSceneCaptions({ count: (options.scenes ?? 4000) + 200, size: 64, seed, renderings: 'plain' });
  const heldOut = all.slice(-200);
  const scenes = all.slice(0, -200);
  const sentences = editSentences(seed + 1000);
  const vocabulary = pretrainingVocabulary(scenes, sentences);
  const tokenizer = CaptionTokenizer.fromJson(wordLevelTokenizerJson(vocabulary), tokenizerConfigJson(maxTokens), 'the pretraining vocabulary');
  const json = { ...options.config.json, text_config: { ...(options.config.json.text_config as Record<string, unknown>), vocab_size: vocabulary.length } };
  const config: Blip2Config = { ...options.config, text: { ...options.config.text, vocabSize: vocabulary.length }, json };
  const model = new Blip2Model(config, options.initialWeights(config, seed));
  model.params.baseTrainable = true;
  const variables = model.params.base;
  const optimizer = new AdamW({ learningRate: peak });
  const rng = new SeededRandom(seed + 7);
  const eos = config.text.eosTokenId;
  const parseWeight = options.parseWeight ?? 1;
  const contentsWeight = options.contentsWeight ?? 1;
  const scaffolding = new ScaffoldingHeads(config, new SeededRandom(seed + 11));
  const trained = new Map([...variables, ...(parseWeight > 0 || contentsWeight > 0 ? scaffolding.variables : [])]);
  const started = performance.now();
  try {
    for (let step = 0; step < steps; step++) {
      if (options.signal?.aborted) break;
      optimizer.learningRate = warmupCosineRate(peak, step, steps);
      const text = step % textEvery === textEvery - 1;
      let start: { pixelValues: tf.Tensor4D } | { prefix: tf.Tensor3D };
      let captions: string[];
      const pairs: Array<[Scene['scene'], Scene['scene']]> = [];
      if (text) {
        captions = Array.from({ length: batchSize }, () => rng.pick(sentences));
        start = { prefix: tf.zeros([batchSize, 0, config.text.hiddenSize]) };
      } else {
        const images: RawImage[] = [];
        captions = [];
        for (let i = 0; i < batchSize; i++) {
          const top = rng.pick(scenes);
          let bottom = top;
          if (rng.chance(0.5)) captions.push(rng.pick(top.captions));
          else {
            while (bottom === top) bottom = rng.pick(scenes);
            captions.push(`top: ${top.brief} bottom: ${bottom.brief}`);
          }
          images.push(stacked(top, bottom));
          pairs.push([top.scene, bottom.scene]);
        }
        const { data, shape } = await pixelValues(images, config.vision.imageSize);
        start = { pixelValues: tf.tensor4d(data, shape) };
      }
      const { ids, mask } = captionIds(tokenizer, captions, maxTokens, eos);
      const targets = text ? undefined : scaffoldingTargets(pairs, config);
      const kept: { caption?: tf.Scalar; parse?: tf.Scalar; contents?: tf.Scalar } = {};
      const { value, grads } = tf.variableGrads(() => {
        const out = model.forwardFrom(start, { inputIds: ids });
        const caption = captionLoss(out.get('logits') as tf.Tensor3D, ids, mask);
        let total: tf.Scalar = caption;
        if (targets && (parseWeight > 0 || contentsWeight > 0)) {
          const s = scaffolding.losses(out.get('vision.last_hidden_state') as tf.Tensor3D, out.get('language_projection') as tf.Tensor3D, targets);
          total = tf.addN([caption, tf.mul(s.parse, parseWeight), tf.mul(s.contents, contentsWeight)]) as tf.Scalar;
          kept.parse = tf.keep(s.parse);
          kept.contents = tf.keep(s.contents);
        }
        kept.caption = tf.keep(caption);
        tf.dispose([...out.values()]);
        return total;
      }, [...trained.values()]);
      const named: Record<string, tf.Tensor> = {};
      for (const [name, v] of trained) named[name] = grads[v.name] as tf.Tensor;
      optimizer.apply(trained, named);
      const read = async (t: tf.Scalar | undefined) => (t ? ((await t.data())[0] as number) : undefined);
      const loss = (await read(kept.caption)) as number;
      const parseLoss = await read(kept.parse);
      const contentsLoss = await read(kept.contents);
      tf.dispose([value, ...Object.values(grads), ...Object.values(start), ...Object.values(kept)]);
      options.onLog?.({ step: step + 1, kind: text ? 'text' : 'image', loss, parseLoss, contentsLoss, seconds: (performance.now() - started) / 1000 });
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    optimizer.dispose();
    scaffolding.dispose();
  }
  model.params.baseTrainable = false;
  return { model, tokenizer, vocabulary, heldOut };
}
