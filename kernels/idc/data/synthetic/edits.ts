/**
 * The edits: each category takes an unedited scene and returns the edited scene with a
 * description of what changed, which the captions put into words. Emu Edit's eight
 * categories and CLEVR-Change's six types share the operations where they are the same
 * (add, color); `drop` is CLEVR's name for remove, `distractor` changes only the viewpoint or
 * the light.
 */
import {
  MATERIALS,
  MOODS,
  OBJECT_COLOUR_NAMES,
  SHAPES,
  STYLES,
  type Material,
  type Mood,
  type ObjectColour,
  type ObjectSize,
  type Shape,
  type Style,
} from './palette';
import {
  cloneScene,
  freeCells,
  placeInCell,
  randomBackground,
  randomObject,
  randomSign,
  type Background,
  type Scene,
  type SceneObject,
  type Sign,
} from './scene';
import type { SeededRandom } from '../../../platform/random';

export const EMU_CATEGORIES = ['add', 'remove', 'color', 'text', 'background', 'style', 'global', 'local'] as const;
export const CLEVR_CATEGORIES = ['color', 'material', 'move', 'add', 'drop', 'distractor'] as const;
export type SyntheticCategory = (typeof EMU_CATEGORIES)[number] | (typeof CLEVR_CATEGORIES)[number];
export const ALL_CATEGORIES: readonly SyntheticCategory[] = [...new Set<SyntheticCategory>([...EMU_CATEGORIES, ...CLEVR_CATEGORIES])];

/** What an edit did, in terms the captions can name. Objects are as they were before the edit. */
export type Change =
  | { kind: 'add'; object: SceneObject }
  | { kind: 'remove'; object: SceneObject }
  | { kind: 'color'; object: SceneObject; to: ObjectColour }
  | { kind: 'text'; from?: string; to: string; sign: Sign }
  | { kind: 'background'; from: Background; to: Background }
  | { kind: 'style'; to: Style }
  | { kind: 'global'; to: Mood }
  | { kind: 'shape'; object: SceneObject; to: Shape }
  | { kind: 'size'; object: SceneObject; to: ObjectSize }
  | { kind: 'material'; object: SceneObject; to: Material }
  | { kind: 'move'; object: SceneObject; to: number }
  | { kind: 'none'; cause: 'viewpoint' | 'light' };

export interface Edit {
  after: Scene;
  change: Change;
}

function pickObject(scene: Scene, rng: SeededRandom): { index: number; object: SceneObject } {
  const index = rng.int(0, scene.objects.length - 1);
  return { index, object: scene.objects[index] as SceneObject };
}

const other = <T>(items: readonly T[], not: T, rng: SeededRandom): T => rng.pick(items.filter((i) => i !== not));

/** Applies one category's edit to a copy of `scene`. The scene must hold at least one object. */
export function applyEdit(category: SyntheticCategory, scene: Scene, rng: SeededRandom): Edit {
  const after = cloneScene(scene);
  switch (category) {
    case 'add': {
      const object = randomObject(rng, rng.pick(freeCells(scene)));
      after.objects.push(object);
      return { after, change: { kind: 'add', object } };
    }
    case 'remove':
    case 'drop': {
      const { index, object } = pickObject(scene, rng);
      after.objects.splice(index, 1);
      return { after, change: { kind: 'remove', object } };
    }
    case 'color': {
      const { index, object } = pickObject(scene, rng);
      const to = other(OBJECT_COLOUR_NAMES, object.colour, rng);
      (after.objects[index] as SceneObject).colour = to;
      return { after, change: { kind: 'color', object, to } };
    }
    case 'material': {
      const { index, object } = pickObject(scene, rng);
      const to = other(MATERIALS, object.material, rng);
      (after.objects[index] as SceneObject).material = to;
      return { after, change: { kind: 'material', object, to } };
    }
    case 'move': {
      const { index, object } = pickObject(scene, rng);
      const to = rng.pick(freeCells(scene));
      Object.assign(after.objects[index] as SceneObject, placeInCell(to, rng));
      return { after, change: { kind: 'move', object, to } };
    }
    case 'local': {
      // a change to one object's form: its shape, or its size
      const { index, object } = pickObject(scene, rng);
      const edited = after.objects[index] as SceneObject;
      if (rng.chance(0.5)) {
        edited.shape = other(SHAPES, object.shape, rng);
        return { after, change: { kind: 'shape', object, to: edited.shape } };
      }
      edited.size = object.size === 'small' ? 'large' : 'small';
      return { after, change: { kind: 'size', object, to: edited.size } };
    }
    case 'text': {
      if (scene.sign) {
        const sign = { ...scene.sign, word: (randomSign(rng, [scene.sign.cell], scene.sign.word) as Sign).word };
        after.sign = sign;
        return { after, change: { kind: 'text', from: scene.sign.word, to: sign.word, sign } };
      }
      const sign = randomSign(rng, freeCells(scene));
      if (!sign) throw new Error('synthetic scene: no free middle cell for a sign (emu scenes keep one free)');
      after.sign = sign;
      return { after, change: { kind: 'text', to: sign.word, sign } };
    }
    case 'background': {
      let to = randomBackground(rng);
      while (to.pattern === scene.background.pattern && to.tone === scene.background.tone) to = randomBackground(rng);
      after.background = to;
      return { after, change: { kind: 'background', from: scene.background, to } };
    }
    case 'style':
      after.style = other(STYLES, 'photo', rng);
      return { after, change: { kind: 'style', to: after.style } };
    case 'global':
      after.mood = other(MOODS, 'day', rng);
      return { after, change: { kind: 'global', to: after.mood } };
    case 'distractor': {
      if (rng.chance(0.5)) {
        // a small camera move: one or two pixels (at 64) in some direction
        let shift = { x: 0, y: 0 };
        while (shift.x === 0 && shift.y === 0) shift = { x: rng.int(-2, 2), y: rng.int(-2, 2) };
        after.shift = shift;
        return { after, change: { kind: 'none', cause: 'viewpoint' } };
      }
      after.light = rng.chance(0.5) ? rng.between(0.82, 0.92) : rng.between(1.06, 1.15);
      return { after, change: { kind: 'none', cause: 'light' } };
    }
  }
}
