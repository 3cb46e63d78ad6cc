/**
 * Dense scene-parsing labels for pretraining the ViT: for every patch, the colour and shape
 * of the object centred in it (or none, or the sign), and the pattern and tone of its half's
 * background. BLIP-2 starts from a ViT pretrained on billions of images, whose patch features
 * already say what is where; ours starts from nothing, and a caption loss alone reaches it
 * through attention that at first averages all the patches, where a small object is a few
 * per cent of the signal. A per-patch loss gives every patch its own target from the first
 * step (measured: see README, "Pretraining the base").
 */
import { BACKGROUND_TONE_NAMES, OBJECT_COLOUR_NAMES, PATTERNS, SHAPES } from '../data/synthetic/palette';
import type { Scene } from '../data/synthetic/scene';

/** Classes per head: 0 is "no object" for colour and shape; shape's last class is the sign. */
export const PARSE_CLASSES = {
  colour: OBJECT_COLOUR_NAMES.length + 1,
  shape: SHAPES.length + 2,
  pattern: PATTERNS.length,
  tone: BACKGROUND_TONE_NAMES.length,
} as const;

export type ParseHead = keyof typeof PARSE_CLASSES;
export const PARSE_HEADS = Object.keys(PARSE_CLASSES) as ParseHead[];

/** Labels of one stacked pair, per head: [rows * columns] class ids, row-major, top half first. */
export type ParseLabels = Record<ParseHead, Int32Array>;

/**
 * Labels of a pair stacked from `top` and `bottom` on a grid of `columns` x `rowsPerHalf`
 * patches per half (positions are fractions of the side, so any image size works).
 */
export function parseLabels(top: Scene, bottom: Scene, columns: number, rowsPerHalf: number): ParseLabels {
  const perHalf = columns * rowsPerHalf;
  const out: ParseLabels = {
    colour: new Int32Array(2 * perHalf),
    shape: new Int32Array(2 * perHalf),
    pattern: new Int32Array(2 * perHalf),
    tone: new Int32Array(2 * perHalf),
  };
  [top, bottom].forEach((scene, half) => {
    const offset = half * perHalf;
    out.pattern.fill(PATTERNS.indexOf(scene.background.pattern), offset, offset + perHalf);
    out.tone.fill(BACKGROUND_TONE_NAMES.indexOf(scene.background.tone), offset, offset + perHalf);
    const at = (x: number, y: number) =>
      offset + Math.min(rowsPerHalf - 1, Math.floor(y * rowsPerHalf)) * columns + Math.min(columns - 1, Math.floor(x * columns));
    for (const o of scene.objects) {
      const i = at(o.x, o.y);
      out.colour[i] = OBJECT_COLOUR_NAMES.indexOf(o.colour) + 1;
      out.shape[i] = SHAPES.indexOf(o.shape) + 1;
    }
    if (scene.sign) out.shape[at(scene.sign.x, scene.sign.y)] = SHAPES.length + 1;
  });
  return out;
}
