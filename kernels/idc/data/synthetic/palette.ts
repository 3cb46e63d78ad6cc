/**
 * The named colours, background tones, styles and moods of the synthetic scenes. Every name
 * here is a word the references use, so a caption can only be right if the pixels say so.
 */

export type Rgb = readonly [number, number, number];

/** Object colours: CLEVR's eight. */
export const OBJECT_COLOURS = {
  gray: [128, 128, 128],
  red: [200, 40, 40],
  blue: [40, 80, 210],
  green: [40, 160, 60],
  brown: [130, 85, 40],
  purple: [130, 50, 170],
  cyan: [40, 190, 200],
  yellow: [230, 200, 40],
} as const satisfies Record<string, Rgb>;
export type ObjectColour = keyof typeof OBJECT_COLOURS;
export const OBJECT_COLOUR_NAMES = Object.keys(OBJECT_COLOURS) as ObjectColour[];

/** Background tones: light enough that every object colour stands out. */
export const BACKGROUND_TONES = {
  white: [238, 238, 238],
  beige: [228, 214, 184],
  pink: [240, 190, 205],
  'light blue': [180, 210, 240],
  'light green': [190, 230, 180],
  lavender: [210, 200, 240],
  peach: [250, 205, 165],
  'light gray': [200, 200, 200],
} as const satisfies Record<string, Rgb>;
export type BackgroundTone = keyof typeof BACKGROUND_TONES;
export const BACKGROUND_TONE_NAMES = Object.keys(BACKGROUND_TONES) as BackgroundTone[];

/** The plain floor of CLEVR-like scenes. */
export const CLEVR_FLOOR: BackgroundTone = 'light gray';

export const SHAPES = ['circle', 'square', 'triangle', 'diamond'] as const;
export type Shape = (typeof SHAPES)[number];

export const MATERIALS = ['rubber', 'metal'] as const;
export type Material = (typeof MATERIALS)[number];

export const SIZES = ['small', 'large'] as const;
export type ObjectSize = (typeof SIZES)[number];

export const PATTERNS = ['plain', 'stripes', 'checker', 'dots', 'gradient'] as const;
export type Pattern = (typeof PATTERNS)[number];

/** Picture styles (the Style category); `photo` is the unedited rendering. */
export const STYLES = ['photo', 'sketch', 'pixel art', 'sepia', 'pop art'] as const;
export type Style = (typeof STYLES)[number];

/** Scene-wide light and weather (the Global category); `day` is the unedited rendering. */
export const MOODS = ['day', 'night', 'sunset', 'fog', 'snow'] as const;
export type Mood = (typeof MOODS)[number];

/** Words a sign can show (the Text category): short enough for a 64-pixel image. */
export const SIGN_WORDS = ['SALE', 'OPEN', 'STOP', 'CAFE', 'PARK', 'BANK', 'TAXI', 'EXIT', 'LOVE', 'HOME', 'BOOK', 'SHOP'] as const;
