/**
 * The embedded default dataset: procedural scenes, each edited once per category, with five
 * reference captions per pair and captions of the unedited scenes. Deterministic by seed:
 * the same options give the same pixels and words on every run and machine.
 *
 * Pair p is edit `categories[p % C]` of scene `floor(p / C)`, so the categories are balanced
 * to within one pair, and every scene is seen changed in every way: the same top image comes
 * with different captions, so a model must read the difference to get them right.
 */
import { applyEdit, CLEVR_CATEGORIES, EMU_CATEGORIES, ALL_CATEGORIES, type SyntheticCategory } from './edits';
import { briefScene, describeChange, describeScene } from './captions';
import { randomScene, type Scene, type SceneKind } from './scene';
import { renderScene } from './render';
import { hashSeed, SeededRandom } from '../../../platform/random';
import { MOODS, STYLES } from './palette';
import { DEFAULT_FRACTIONS, stratifiedSplit, type SplitFractions } from '../splits';
import type { IdcSample, ImageSource, Split } from '../types';
import { checkOptions, type OptionKeys } from '../../../platform/options';
import { DEFAULT_SYNTHETIC } from '../../defaults';

export interface SyntheticOptions {
  /** Number of image pairs (default 2000). */
  pairs?: number;
  /** Side of the square images in pixels (default 64). */
  size?: number;
  seed?: number;
  /** `emu` (Emu Edit's eight, the default), `clevr` (CLEVR-Change's six types), or a list of category names from either. */
  categories?: 'emu' | 'clevr' | readonly string[];
  /** Split fractions; scenes are split, so all edits of one scene share a split. */
  fractions?: SplitFractions;
}

export interface ResolvedSyntheticOptions {
  pairs: number;
  size: number;
  seed: number;
  categories: SyntheticCategory[];
  sceneKind: SceneKind;
  fractions: SplitFractions;
}

/** One unedited scene: the top image of its pairs, with captions of its own. */
export interface SceneCaption {
  id: string;
  image: ImageSource;
  captions: string[];
  /** The objects in a few words, for captions that describe two scenes half by half. */
  brief: string;
  /** What was drawn: objects with their positions, background, sign (for dense labels). */
  scene: Scene;
  split: Split;
}

export interface SyntheticData {
  options: ResolvedSyntheticOptions;
  /** Ids `<split>/<pair number>`, the layout the Syned writer needs. */
  samples: IdcSample[];
  /** Per sample, the index of its unedited scene in `originals`. */
  originalOf: number[];
  originals: ImageSource[];
  scenes: SceneCaption[];
}

const SYNTHETIC_OPTIONS: OptionKeys<SyntheticOptions> = { pairs: true, size: true, seed: true, categories: true, fractions: true };
const SCENE_CAPTION_OPTIONS: OptionKeys<SceneCaptionOptions> = { count: true, size: true, seed: true, kind: true, renderings: true };
const MIN_SIZE = 32;
const MAX_SIZE = 1024;

function integerOption(where: string, name: string, value: unknown, fallback: number, low: number, high: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < low || value > high) {
    throw new RangeError(`${where}: ${name}: expected an integer from ${low} to ${high}, found ${JSON.stringify(value)}`);
  }
  return value;
}

export function resolveSyntheticOptions(options: SyntheticOptions = {}): ResolvedSyntheticOptions {
  checkOptions('idc.data.synthetic', options, SYNTHETIC_OPTIONS);
  const pairs = integerOption('idc.data.synthetic', 'pairs', options.pairs, DEFAULT_SYNTHETIC.pairs, 1, 1_000_000);
  const size = integerOption('idc.data.synthetic', 'size', options.size, DEFAULT_SYNTHETIC.size, MIN_SIZE, MAX_SIZE);
  const seed = integerOption('idc.data.synthetic', 'seed', options.seed, DEFAULT_SYNTHETIC.seed, -(2 ** 31), 2 ** 31 - 1);
  const given = options.categories ?? 'emu';
  let categories: SyntheticCategory[];
  if (given === 'emu') categories = [...EMU_CATEGORIES];
  else if (given === 'clevr') categories = [...CLEVR_CATEGORIES];
  else if (Array.isArray(given) && given.length > 0) {
    categories = [];
    for (const c of given as readonly unknown[]) {
      if (typeof c !== 'string' || !(ALL_CATEGORIES as readonly string[]).includes(c)) {
        throw new RangeError(`idc.data.synthetic: categories: expected "emu", "clevr" or names from ${ALL_CATEGORIES.join(', ')}, found ${JSON.stringify(c)}`);
      }
      if (!categories.includes(c as SyntheticCategory)) categories.push(c as SyntheticCategory);
    }
  } else {
    throw new RangeError(`idc.data.synthetic: categories: expected "emu", "clevr" or a non-empty list of category names, found ${JSON.stringify(given)}`);
  }
  // CLEVR-like scenes (plain floor, no sign) when every category is a CLEVR-Change type
  const sceneKind: SceneKind = categories.every((c) => (CLEVR_CATEGORIES as readonly string[]).includes(c)) ? 'clevr' : 'emu';
  return { pairs, size, seed, categories, sceneKind, fractions: options.fractions ?? DEFAULT_FRACTIONS };
}

function raw(name: string, scene: Scene, size: number): ImageSource {
  const image = renderScene(scene, size);
  return { kind: 'raw', name, width: image.width, height: image.height, data: image.data };
}

export function generateSynthetic(options: SyntheticOptions = {}): SyntheticData {
  const o = resolveSyntheticOptions(options);
  const perScene = o.categories.length;
  const sceneCount = Math.ceil(o.pairs / perScene);
  // one stream per scene, drawn from a master stream: scene k is the same whatever `pairs` is
  const master = new SeededRandom(o.seed);
  const originals: ImageSource[] = [];
  const sceneCaptions: string[][] = [];
  const briefs: string[] = [];
  const drawn: Scene[] = [];
  const pending: Array<Omit<IdcSample, 'id' | 'split'>> = [];
  const originalOf: number[] = [];
  for (let k = 0; k < sceneCount; k++) {
    const rng = new SeededRandom(master.int(-(2 ** 31), 2 ** 31 - 1));
    const scene = randomScene(rng, o.sceneKind);
    originals.push(raw(`synthetic scene ${k} (seed ${o.seed})`, scene, o.size));
    sceneCaptions.push(describeScene(scene, rng));
    briefs.push(briefScene(scene));
    drawn.push(scene);
    for (let c = 0; c < perScene && k * perScene + c < o.pairs; c++) {
      const category = o.categories[c] as SyntheticCategory;
      const { after, change } = applyEdit(category, scene, rng);
      const p = k * perScene + c;
      pending.push({
        before: originals[k] as ImageSource,
        after: raw(`synthetic pair ${p} (seed ${o.seed}, ${category})`, after, o.size),
        references: describeChange(change, scene, rng),
        category,
        resize: 'resize-before',
      });
      originalOf.push(k);
    }
  }
  const splits = stratifiedSplit([...pending.keys()], { category: () => 'all', group: (p) => String(originalOf[p]) }, o.fractions, o.seed);
  const samples = pending.map((s, p) => ({ id: `${splits[p] as Split}/${p}`, ...s, split: splits[p] as Split }));
  const sceneSplit = new Map(originalOf.map((k, p) => [k, splits[p] as Split]));
  const scenes = originals.map((image, k) => ({
    id: `scene/${k}`,
    image,
    captions: sceneCaptions[k] as string[],
    brief: briefs[k] as string,
    scene: drawn[k] as Scene,
    split: sceneSplit.get(k) as Split,
  }));
  return { options: o, samples, originalOf, originals, scenes };
}

export interface SceneCaptionOptions {
  count?: number;
  size?: number;
  seed?: number;
  kind?: SceneKind;
  /**
   * `plain` (default): every scene a daylight photo, as the generator's pairs start; `varied`:
   * two in five drawn in another style and two in five in another light, captioned so ("a
   * pencil sketch of ...", "... at night"), the words a captioner should know before it is
   * adapted to differences.
   */
  renderings?: 'plain' | 'varied';
}

/**
 * Unedited scenes with five captions each, independent of any pairs: data for pretraining a
 * base captioner (one scene per image, or two different scenes stacked and captioned by half).
 */
export function generateSceneCaptions(options: SceneCaptionOptions = {}): Array<Omit<SceneCaption, 'split'>> {
  checkOptions('idc.data.sceneCaptions', options, SCENE_CAPTION_OPTIONS);
  const count = integerOption('idc.data.sceneCaptions', 'count', options.count, 1000, 1, 1_000_000);
  const size = integerOption('idc.data.sceneCaptions', 'size', options.size, 64, MIN_SIZE, MAX_SIZE);
  const seed = integerOption('idc.data.sceneCaptions', 'seed', options.seed, 1, -(2 ** 31), 2 ** 31 - 1);
  const kind = options.kind ?? 'emu';
  if (kind !== 'emu' && kind !== 'clevr') throw new RangeError(`idc.data.sceneCaptions: kind: expected "emu" or "clevr", found ${JSON.stringify(kind)}`);
  const renderings = options.renderings ?? 'plain';
  if (renderings !== 'plain' && renderings !== 'varied')
    throw new RangeError(`idc.data.sceneCaptions: renderings: expected "plain" or "varied", found ${JSON.stringify(renderings)}`);
  const varied = renderings === 'varied';
  // a different stream from generateSynthetic's for the same seed: these scenes are new ones
  const master = new SeededRandom(seed ^ 0x5ce4e);
  return Array.from({ length: count }, (_, k) => {
    const rng = new SeededRandom(master.int(-(2 ** 31), 2 ** 31 - 1));
    const scene = randomScene(rng, kind);
    if (varied) {
      // drawn from their own stream, so the plain scenes of a seed stay the same
      const look = new SeededRandom(hashSeed(`${seed}:look:${k}`));
      if (look.chance(0.4)) scene.style = look.pick(STYLES.filter((x) => x !== 'photo'));
      if (look.chance(0.4)) scene.mood = look.pick(MOODS.filter((x) => x !== 'day'));
    }
    return {
      id: `scene/${k}`,
      image: raw(`synthetic scene ${k} (seed ${seed}, captions)`, scene, size),
      captions: describeScene(scene, rng),
      brief: briefScene(scene),
      scene,
    };
  });
}
