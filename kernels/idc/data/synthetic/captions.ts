/**
 * Reference captions for the synthetic pairs and scenes. Each change has a bank of templates
 * that vary the verb, the word order and the detail (size, material, position), as the
 * paper's language-model variations of an instruction do; five distinct ones are drawn per
 * pair. Each category keeps words of its own ("painted", "fog", "sign", "stripes") so the
 * category of a caption can be recognised from its words: a model that ignores the change
 * cannot earn its n-grams from templates shared across categories.
 */
import { GRID, type Background, type Scene, type SceneObject } from './scene';
import type { Change } from './edits';
import type { Material, Mood, Style } from './palette';
import type { SeededRandom } from '../../../platform/random';

export const REFERENCES_PER_PAIR = 5;

type Detail = 'shape' | 'colour' | 'size' | 'material' | 'full';

const ROW = ['top', 'middle', 'bottom'];
const COLUMN = ['left', 'middle', 'right'];
const NUMBERS = ['no', 'one', 'two', 'three', 'four', 'five', 'six'];

const MATERIAL_WORDS: Record<Material, string[]> = { metal: ['metal', 'shiny', 'metallic'], rubber: ['rubber', 'matte'] };

const article = (phrase: string) => (/^[aeiou]/.test(phrase) ? `an ${phrase}` : `a ${phrase}`);

/** Where a cell is: "in the top left corner", "on the left", "at the top", "in the middle". */
export function atCell(cell: number): string {
  const row = ROW[Math.floor(cell / GRID)] as string;
  const column = COLUMN[cell % GRID] as string;
  if (row === 'middle' && column === 'middle') return 'in the middle';
  if (row === 'middle') return `on the ${column}`;
  if (column === 'middle') return `at the ${row}`;
  return `in the ${row} ${column} corner`;
}

/** Where to: "to the top left corner", "to the left", "to the middle". */
export function toCell(cell: number): string {
  return atCell(cell).replace(/^(in|on|at) /, 'to ');
}

/** Words for one object at a level of detail, without an article: "small red metal circle". */
function objectWords(o: SceneObject, detail: Detail, rng: SeededRandom): string {
  const material = rng.pick(MATERIAL_WORDS[o.material]);
  switch (detail) {
    case 'shape':
      return o.shape;
    case 'colour':
      return `${o.colour} ${o.shape}`;
    case 'size':
      return `${o.size} ${o.colour} ${o.shape}`;
    case 'material':
      return `${o.colour} ${material} ${o.shape}`;
    case 'full':
      return `${o.size} ${o.colour} ${material} ${o.shape}`;
  }
}

/**
 * "the red circle", with its position added when colour and shape alone would not say which
 * object of the scene is meant.
 */
function the(o: SceneObject, scene: Scene, detail: Detail, rng: SeededRandom): string {
  const twins = scene.objects.filter((p) => p.shape === o.shape && (detail === 'shape' || p.colour === o.colour)).length;
  return `the ${objectWords(o, detail, rng)}${twins > 1 ? ` ${atCell(o.cell)}` : ''}`;
}

function a(o: SceneObject, detail: Detail, rng: SeededRandom): string {
  return article(objectWords(o, detail, rng));
}

/** "a checkered pink background" (short) or "a pink and lavender checkerboard background". */
export function backgroundWords(bg: Background, long: boolean): string {
  const { tone, accent } = bg;
  switch (bg.pattern) {
    case 'plain':
      return long ? `a plain ${tone} background` : `a ${tone} background`;
    case 'stripes':
      return long ? `a background of ${tone} and ${accent} stripes` : `a striped ${tone} background`;
    case 'checker':
      return long ? `a ${tone} and ${accent} checkerboard background` : `a checkered ${tone} background`;
    case 'dots':
      return long ? `a ${tone} background with ${accent} dots` : `a dotted ${tone} background`;
    case 'gradient':
      return long ? `a background fading from ${tone} to ${accent}` : `a ${tone} gradient background`;
  }
}

const STYLE_NAMES: Record<Exclude<Style, 'photo'>, { nouns: string[]; adjective: string }> = {
  sketch: { nouns: ['a pencil sketch', 'a sketch', 'a line drawing', 'a pencil drawing'], adjective: 'pencil sketch' },
  'pixel art': { nouns: ['pixel art', 'a pixelated picture', '8-bit pixel art', 'a retro pixel image'], adjective: 'pixel art' },
  sepia: { nouns: ['a sepia photo', 'an old sepia photograph', 'a vintage sepia picture'], adjective: 'sepia' },
  'pop art': { nouns: ['pop art', 'a pop art poster', 'a poster with flat bold colors'], adjective: 'pop art' },
};

const MOOD_CAPTIONS: Record<Exclude<Mood, 'day'>, string[]> = {
  night: [
    'make it night',
    'turn the day into night',
    'the scene is now at night',
    'make the picture dark as if at night',
    'change the time of day to night',
    'it is nighttime now',
    'darken everything into a night scene',
  ],
  sunset: [
    'make it sunset',
    'give the scene a warm sunset light',
    'the light is now orange like at sunset',
    'change the time of day to sunset',
    'bathe the picture in evening sunset colors',
    'it is sunset now',
  ],
  fog: [
    'add fog',
    'make the scene foggy',
    'cover everything in mist',
    'the picture is now hazy with fog',
    'a thick fog has rolled in',
    'make it misty and foggy',
  ],
  snow: [
    'make it snow',
    'add falling snow',
    'the scene is now snowy',
    'cover the picture with snowflakes',
    'it is snowing now',
    'turn it into a snowy winter scene',
  ],
};

const NO_CHANGE = [
  'there is no change',
  'nothing has changed',
  'the scene is the same',
  'there is no difference',
  'the two scenes look identical',
  'no change was made',
  'the scene remains the same',
  'nothing was modified',
  'no object has changed',
];

type Template = (rng: SeededRandom) => string;

/** The template bank of one change, on its before-scene. */
function templates(change: Change, scene: Scene): Template[] {
  switch (change.kind) {
    case 'add': {
      const o = change.object;
      const at = atCell(o.cell);
      return [
        (r) => `add ${a(o, 'colour', r)} ${at}`,
        (r) => `put ${a(o, 'size', r)} ${at}`,
        (r) => `${a(o, 'colour', r)} has been added ${at}`,
        (r) => `there is now ${a(o, 'material', r)} ${at}`,
        (r) => `place ${a(o, 'full', r)} ${at}`,
        (r) => `insert ${a(o, 'colour', r)} into the picture`,
        () => `a new ${o.colour} ${o.shape} appears ${at}`,
        (r) => `someone added ${a(o, 'size', r)}`,
      ];
    }
    case 'remove': {
      const o = change.object;
      const the_ = (d: Detail, r: SeededRandom) => the(o, scene, d, r);
      return [
        (r) => `remove ${the_('colour', r)}`,
        (r) => `${the_('colour', r)} is gone`,
        (r) => `take away ${the_('size', r)}`,
        (r) => `delete ${the_('material', r)}`,
        (r) => `${the_('colour', r)} has disappeared`,
        (r) => `get rid of ${the_('full', r)}`,
        (r) => `the ${objectWords(o, 'colour', r)} ${atCell(o.cell)} was removed`,
        (r) => `erase ${the_('size', r)}`,
      ];
    }
    case 'color': {
      const o = change.object;
      const to = change.to;
      const the_ = (d: Detail, r: SeededRandom) => the(o, scene, d, r);
      return [
        (r) => `make ${the_('colour', r)} ${to}`,
        (r) => `change the color of ${the_('colour', r)} to ${to}`,
        (r) => `${the_('size', r)} turned ${to}`,
        (r) => `paint ${the_('material', r)} ${to}`,
        (r) => `${the_('colour', r)} is now ${to}`,
        (r) => `recolor ${the_('full', r)} ${to}`,
        (r) => `${the_('colour', r)} became ${to}`,
        (r) => `the color of ${the_('shape', r)} changed from ${o.colour} to ${to}`,
      ];
    }
    case 'material': {
      const o = change.object;
      const from = o.material;
      const to = change.to;
      const the_ = (d: Detail, r: SeededRandom) => the(o, scene, d, r);
      return [
        (r) => `${the_('material', r)} became ${rng0(MATERIAL_WORDS[to], r)}`,
        (r) => `change the material of ${the_('colour', r)} to ${to}`,
        (r) => `make ${the_('size', r)} ${to} instead of ${from}`,
        (r) => `${the_('colour', r)} turned from ${from} into ${to}`,
        (r) => `${the_('colour', r)} is now made of ${to}`,
        (r) => `the ${from} ${o.colour} ${o.shape} is ${rng0(MATERIAL_WORDS[to], r)} now`,
        (r) => `${the_('full', r)} changed its material`,
      ];
    }
    case 'move': {
      const o = change.object;
      const the_ = (d: Detail, r: SeededRandom) => the(o, scene, d, r);
      const to = toCell(change.to);
      return [
        (r) => `${the_('colour', r)} moved ${to}`,
        (r) => `move ${the_('size', r)} ${to}`,
        (r) => `the ${objectWords(o, 'colour', r)} was moved from ${atCell(o.cell).replace(/^(in|on|at) /, '')} ${to}`,
        (r) => `${the_('material', r)} changed its position`,
        (r) => `${the_('colour', r)} is ${atCell(change.to)} now`,
        (r) => `someone moved ${the_('full', r)} ${to}`,
        (r) => `${the_('colour', r)} has been shifted ${to}`,
      ];
    }
    case 'shape': {
      const o = change.object;
      const s = change.to;
      const the_ = (d: Detail, r: SeededRandom) => the(o, scene, d, r);
      return [
        (r) => `turn ${the_('colour', r)} into a ${s}`,
        (r) => `make ${the_('size', r)} a ${s}`,
        (r) => `${the_('colour', r)} became a ${s}`,
        (r) => `change the shape of ${the_('colour', r)} to a ${s}`,
        (r) => `${the_('material', r)} is now a ${o.colour} ${s}`,
        (r) => `replace ${the_('colour', r)} with a ${o.colour} ${s} of the same size`,
        (r) => `reshape ${the_('full', r)} into a ${s}`,
      ];
    }
    case 'size': {
      const o = change.object;
      const the_ = (d: Detail, r: SeededRandom) => the(o, scene, d, r);
      return change.to === 'large'
        ? [
            (r) => `make ${the_('colour', r)} bigger`,
            (r) => `enlarge ${the_('colour', r)}`,
            (r) => `${the_('material', r)} grew larger`,
            (r) => `${the_('colour', r)} is now large`,
            (r) => `increase the size of ${the_('colour', r)}`,
            (r) => `scale up ${the_('full', r)}`,
          ]
        : [
            (r) => `make ${the_('colour', r)} smaller`,
            (r) => `shrink ${the_('colour', r)}`,
            (r) => `${the_('material', r)} got smaller`,
            (r) => `${the_('colour', r)} is now small`,
            (r) => `reduce the size of ${the_('colour', r)}`,
            (r) => `scale down ${the_('full', r)}`,
          ];
    }
    case 'text': {
      const w = change.to.toLowerCase();
      const at = atCell(change.sign.cell);
      if (change.from === undefined) {
        return [
          () => `add a sign that says ${w}`,
          () => `put the word ${w} ${at}`,
          () => `a sign reading ${w} has been added`,
          () => `write ${w} on a sign ${at}`,
          () => `the text ${w} now appears ${at}`,
          () => `there is a new sign with the word ${w}`,
          () => `insert the text ${w}`,
        ];
      }
      const f = change.from.toLowerCase();
      return [
        () => `change the text from ${f} to ${w}`,
        () => `the sign now says ${w} instead of ${f}`,
        () => `replace the word ${f} with ${w}`,
        () => `make the sign read ${w}`,
        () => `the word ${f} was changed to ${w}`,
        () => `rewrite the sign so it says ${w}`,
        () => `the sign ${at} says ${w} now`,
      ];
    }
    case 'background': {
      const { from, to } = change;
      return [
        () =>
          `change the background to ${backgroundWords(to, false)
            .replace(/^an? /, '')
            .replace(/ background$/, '')}`,
        () => `replace the background with ${backgroundWords(to, true)}`,
        () => `the background is now ${backgroundWords(to, false)}`,
        () => `give the scene ${backgroundWords(to, true)}`,
        () => `swap ${backgroundWords(from, false).replace(/^an? /, 'the ')} for ${backgroundWords(to, false)}`,
        () => `the backdrop became ${backgroundWords(to, true)}`,
        () => `put the objects on ${backgroundWords(to, false)}`,
      ];
    }
    case 'style': {
      const { nouns, adjective } = STYLE_NAMES[change.to as Exclude<Style, 'photo'>];
      return [
        (r) => `make it look like ${rng0(nouns, r)}`,
        (r) => `turn the picture into ${rng0(nouns, r)}`,
        (r) => `convert the image to ${rng0(nouns, r)}`,
        (r) => `the image is now ${rng0(nouns, r)}`,
        (r) => `render the scene as ${rng0(nouns, r)}`,
        () => `apply a ${adjective} style`,
        () => `redraw everything in ${adjective} style`,
      ];
    }
    case 'global':
      return MOOD_CAPTIONS[change.to as Exclude<Mood, 'day'>].map((c) => () => c);
    case 'none':
      return NO_CHANGE.map((c) => () => c);
  }
}

const rng0 = <T>(items: readonly T[], rng: SeededRandom): T => rng.pick(items);

/** Draws `count` distinct captions from a bank of templates. */
function distinct(bank: readonly Template[], count: number, rng: SeededRandom): string[] {
  const out: string[] = [];
  for (const template of rng.shuffled(bank)) {
    const caption = template(rng);
    if (!out.includes(caption)) out.push(caption);
    if (out.length === count) return out;
  }
  throw new Error(`synthetic captions: only ${out.length} distinct captions for ${count} references`);
}

/** Five distinct references for a change made to `before`. */
export function describeChange(change: Change, before: Scene, rng: SeededRandom, count = REFERENCES_PER_PAIR): string[] {
  return distinct(templates(change, before), count, rng);
}

/** Captions of one scene on its own (for pretraining a captioner): objects, background, sign. */
export function describeScene(scene: Scene, rng: SeededRandom, count = REFERENCES_PER_PAIR): string[] {
  const objects = scene.objects;
  const list = (detail: Detail, r: SeededRandom, order: readonly SceneObject[] = objects) => {
    const words = order.map((o) => a(o, detail, r));
    return words.length <= 1 ? (words[0] ?? 'nothing') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1] as string}`;
  };
  const placed = (r: SeededRandom) => {
    const words = [...objects].sort((p, q) => p.cell - q.cell).map((o) => `${a(o, 'colour', r)} ${atCell(o.cell)}`);
    return words.length <= 1 ? (words[0] ?? 'nothing') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1] as string}`;
  };
  const n = NUMBERS[objects.length] ?? String(objects.length);
  const sign = scene.sign ? scene.sign.word.toLowerCase() : undefined;
  const withSign = (caption: string, r: SeededRandom) =>
    sign === undefined ? caption : r.chance(0.5) ? `${caption} and a sign that says ${sign}` : `${caption}, with the word ${sign} on a sign`;
  const bank: Template[] = [
    (r) => withSign(`${list('colour', r)} on ${backgroundWords(scene.background, false)}`, r),
    (r) => withSign(`${backgroundWords(scene.background, true)} with ${list('size', r, r.shuffled(objects))}`, r),
    (r) => withSign(`there are ${n} objects: ${list('full', r)}`, r),
    (r) => withSign(placed(r), r),
    (r) => withSign(`a picture of ${list('material', r, r.shuffled(objects))}`, r),
    (r) => withSign(`${n} shapes on ${backgroundWords(scene.background, r.chance(0.5))}`, r),
  ];
  return distinct(bank, count, rng).map((caption, i) => rendered(scene, caption, i));
}

/** The objects of a scene in a few words ("a red circle, a blue square and a sign"), for half-by-half captions. */
export function briefScene(scene: Scene): string {
  const parts = [...scene.objects].sort((p, q) => p.cell - q.cell).map((o) => `a ${o.colour} ${o.shape}`);
  if (scene.sign) parts.push('a sign');
  return rendered(scene, parts.length <= 1 ? (parts[0] ?? 'nothing') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1] as string}`, 0);
}

const MOOD_PHRASES: Record<Exclude<Mood, 'day'>, string> = { night: 'at night', sunset: 'at sunset', fog: 'in fog', snow: 'in the snow' };

/** A caption of a scene drawn in a style other than a photo, or in a light other than day, says so. */
function rendered(scene: Scene, caption: string, variant: number): string {
  let out = caption;
  if (scene.style !== 'photo') {
    const nouns = STYLE_NAMES[scene.style].nouns;
    out = `${nouns[variant % nouns.length] as string} of ${out}`;
  }
  if (scene.mood !== 'day') out = `${out} ${MOOD_PHRASES[scene.mood]}`;
  return out;
}
