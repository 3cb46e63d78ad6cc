/**
 * The difference view's arithmetic on RGBA pixel arrays (as canvas ImageData holds them):
 * the per-pixel absolute difference, largest over R, G and B (the kernel's mask, in
 * kernels/idc/display/imagePair.ts, is defined the same way, so both agree on PNG input),
 * and its heatmap. The ramp is the kernel's black-red-yellow-white, so the interactive view
 * and the static PNG fallback mean the same by a colour; below the threshold a pixel is
 * transparent, letting the dimmed image underneath show where nothing changed.
 */
import { channelDifference, heatColour } from '../../kernels/outputs/differenceMaps';

export { heatColour };

/** |before - after| per pixel, the largest over R, G and B (alpha ignored): one byte a pixel. */
export function absoluteDifference(before: ArrayLike<number>, after: ArrayLike<number>): Uint8Array {
  return channelDifference(before, after, 4);
}

// 256 colours computed once: colouring a page of heatmaps is then one lookup per pixel.
const RAMP: Uint8Array = (() => {
  const t = new Uint8Array(256 * 3);
  for (let v = 0; v < 256; v++) t.set(heatColour(v), v * 3);
  return t;
})();

/**
 * RGBA heatmap of a difference: pixels whose difference is below `threshold` are fully
 * transparent, the others opaque in the ramp's colour. Writes into `out` when given (an
 * ImageData's array, say), so a threshold change recolours without allocating.
 */
export function heatmapRgba(diff: Uint8Array, threshold: number, out: Uint8ClampedArray = new Uint8ClampedArray(diff.length * 4)): Uint8ClampedArray {
  if (out.length !== diff.length * 4) throw new RangeError(`heatmapRgba: output holds ${out.length} bytes, expected ${diff.length * 4}`);
  for (let p = 0, i = 0; p < diff.length; p++, i += 4) {
    const v = diff[p] as number;
    if (v < threshold) {
      out[i] = out[i + 1] = out[i + 2] = out[i + 3] = 0;
    } else {
      out[i] = RAMP[v * 3] as number;
      out[i + 1] = RAMP[v * 3 + 1] as number;
      out[i + 2] = RAMP[v * 3 + 2] as number;
      out[i + 3] = 255;
    }
  }
  return out;
}

export interface DifferenceSummary {
  /** Pixels at or above the threshold. */
  shown: number;
  pixels: number;
  /** The largest difference anywhere (0 when the images are identical). */
  max: number;
}

export function summarise(diff: Uint8Array, threshold: number): DifferenceSummary {
  let shown = 0;
  let max = 0;
  for (let p = 0; p < diff.length; p++) {
    const v = diff[p] as number;
    if (v >= threshold) shown++;
    if (v > max) max = v;
  }
  return { shown, pixels: diff.length, max };
}

/** "3.1% of pixels differ by 16 or more (largest 255)", the text beside a heatmap. */
export function summaryText(s: DifferenceSummary, threshold: number): string {
  const percent = s.pixels === 0 ? 0 : (100 * s.shown) / s.pixels;
  const shown = percent === 0 || percent >= 10 ? percent.toFixed(0) : percent < 0.1 ? '<0.1' : percent.toFixed(1);
  return `${shown}% of pixels differ by ${threshold} or more (largest ${s.max})`;
}
