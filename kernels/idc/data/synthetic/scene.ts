/**
 * What a synthetic scene is, before it is pixels: a background, up to five objects on a
 * 3x3 grid, an optional sign, and the rendering's style, mood, light and viewpoint. Edits
 * change this description; the renderer draws it; the captions read it. Positions are
 * fractions of the image side so one scene renders at any size.
 */
import {
  BACKGROUND_TONE_NAMES,
  CLEVR_FLOOR,
  MATERIALS,
  OBJECT_COLOUR_NAMES,
  PATTERNS,
  SHAPES,
  SIGN_WORDS,
  SIZES,
  type BackgroundTone,
  type Material,
  type Mood,
  type ObjectColour,
  type ObjectSize,
  type Pattern,
  type Shape,
  type Style,
} from './palette';
import type { SeededRandom } from '../../../platform/random';

export interface SceneObject {
  shape: Shape;
  colour: ObjectColour;
  material: Material;
  size: ObjectSize;
  /** Grid cell 0..8, row-major: the position words ("top left") come from it. */
  cell: number;
  /** Centre, as fractions of the image side (the cell centre plus a small jitter). */
  x: number;
  y: number;
}

export interface Background {
  pattern: Pattern;
  tone: BackgroundTone;
  /** The second tone of stripes, checks, dots and gradients. */
  accent: BackgroundTone;
}

export interface Sign {
  word: string;
  cell: number;
  x: number;
  y: number;
}

export interface Scene {
  background: Background;
  objects: SceneObject[];
  sign?: Sign;
  style: Style;
  mood: Mood;
  /** Brightness factor (1 = as drawn); distractor pairs change it a little. */
  light: number;
  /** Viewpoint shift in pixels at 64 pixels (scaled with the size); distractors change it. */
  shift: { x: number; y: number };
}

/** `emu`: varied backgrounds, signs; `clevr`: CLEVR-like objects on a plain floor. */
export type SceneKind = 'emu' | 'clevr';

export const GRID = 3;

/** A copy deep enough that edits never touch the original. */
export function cloneScene(scene: Scene): Scene {
  return {
    background: { ...scene.background },
    objects: scene.objects.map((o) => ({ ...o })),
    ...(scene.sign ? { sign: { ...scene.sign } } : {}),
    style: scene.style,
    mood: scene.mood,
    light: scene.light,
    shift: { ...scene.shift },
  };
}

/** Cells holding neither an object nor the sign. */
export function freeCells(scene: Scene): number[] {
  const used = new Set(scene.objects.map((o) => o.cell));
  if (scene.sign) used.add(scene.sign.cell);
  return [...Array(GRID * GRID).keys()].filter((c) => !used.has(c));
}

/** The cell's centre with a jitter small enough that neighbours never cover each other. */
export function placeInCell(cell: number, rng: SeededRandom): { cell: number; x: number; y: number } {
  const jitter = () => rng.between(-0.035, 0.035);
  return { cell, x: ((cell % GRID) + 0.5) / GRID + jitter(), y: (Math.floor(cell / GRID) + 0.5) / GRID + jitter() };
}

export function randomObject(rng: SeededRandom, cell: number): SceneObject {
  return { shape: rng.pick(SHAPES), colour: rng.pick(OBJECT_COLOUR_NAMES), material: rng.pick(MATERIALS), size: rng.pick(SIZES), ...placeInCell(cell, rng) };
}

export function randomBackground(rng: SeededRandom): Background {
  const tone = rng.pick(BACKGROUND_TONE_NAMES);
  const accent = rng.pick(BACKGROUND_TONE_NAMES.filter((t) => t !== tone));
  return { pattern: rng.pick(PATTERNS), tone, accent };
}

/** A sign goes in a middle-column-free row so its word never runs off the image. */
export function randomSign(rng: SeededRandom, cells: readonly number[], avoid?: string): Sign | undefined {
  const middle = cells.filter((c) => c % GRID === 1);
  if (middle.length === 0) return undefined;
  const word = rng.pick(SIGN_WORDS.filter((w) => w !== avoid));
  const cell = rng.pick(middle);
  return { word, cell, x: 0.5, y: (Math.floor(cell / GRID) + 0.5) / GRID };
}

/**
 * An unedited scene: 2-4 objects (3-5 for CLEVR-like scenes) in distinct cells, and for
 * `emu` scenes a random background and a sign one time in three. Rendering style and mood
 * are always the plain ones: the Style and Global edits start from them.
 */
export function randomScene(rng: SeededRandom, kind: SceneKind): Scene {
  const count = kind === 'clevr' ? rng.int(3, 5) : rng.int(2, 4);
  // one middle-column cell stays free in emu scenes, so a sign can always be added there
  const reserved = kind === 'emu' ? rng.pick([1, 4, 7]) : -1;
  const cells = rng.shuffled([...Array(GRID * GRID).keys()].filter((c) => c !== reserved));
  const objects = cells.slice(0, count).map((cell) => randomObject(rng, cell));
  const background: Background = kind === 'clevr' ? { pattern: 'plain', tone: CLEVR_FLOOR, accent: CLEVR_FLOOR } : randomBackground(rng);
  const scene: Scene = { background, objects, style: 'photo', mood: 'day', light: 1, shift: { x: 0, y: 0 } };
  if (kind === 'emu' && rng.chance(1 / 3)) {
    const sign = randomSign(rng, freeCells(scene));
    if (sign) scene.sign = sign;
  }
  return scene;
}
