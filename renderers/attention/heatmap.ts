/**
 * Pure heatmap colouring: per-patch weights to RGBA pixels, one pixel per patch, for a
 * canvas that CSS scales up. The ramp is viridis (perceptually uniform, readable by most
 * colour-blind viewers and the same in every theme); each map is normalised to its own
 * maximum, since softmax weights over hundreds of patches are all small.
 */

export type Rgb = readonly [number, number, number];

/** Viridis at nine even stops (matplotlib's values). */
const VIRIDIS: readonly Rgb[] = [
  [68, 1, 84],
  [71, 45, 123],
  [59, 82, 139],
  [44, 114, 142],
  [33, 145, 140],
  [40, 174, 128],
  [94, 201, 98],
  [173, 220, 48],
  [253, 231, 37],
];

/**
 * Opacity of a zero weight: low weights tint the image only lightly, so the places a head
 * looks at stand out while the picture underneath stays readable.
 */
export const ALPHA_FLOOR = 0.3;

/** The ramp's colour at t in [0, 1] (clamped), linearly between stops. */
export function rampColour(t: number): Rgb {
  const x = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i] as Rgb;
  const b = VIRIDIS[i + 1] as Rgb;
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

export function rampAlpha(t: number): number {
  return Math.round(255 * (ALPHA_FLOOR + (1 - ALPHA_FLOOR) * Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0))));
}

export function mapMaximum(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) if ((values[i] as number) > max) max = values[i] as number;
  return max;
}

/**
 * RGBA bytes (4 per value) of `values` normalised to their maximum, written into `out` when
 * given (an ImageData's buffer). An all-zero map is drawn as zero everywhere.
 */
export function heatmapRgba(values: ArrayLike<number>, out: Uint8ClampedArray = new Uint8ClampedArray(values.length * 4)): Uint8ClampedArray {
  const max = mapMaximum(values);
  for (let i = 0; i < values.length; i++) {
    const t = max > 0 ? (values[i] as number) / max : 0;
    const [r, g, b] = rampColour(t);
    const o = i * 4;
    out[o] = r;
    out[o + 1] = g;
    out[o + 2] = b;
    out[o + 3] = rampAlpha(t);
  }
  return out;
}
