/**
 * The difference of two images and its heatmap colours, shared by the kernel's image-pair
 * output (RGB, for the mask and the PNG fallback) and the image-pair renderer (RGBA canvas
 * pixels), so the interactive view and the static fallback mean the same by a colour. Pure;
 * bundled into browser code.
 */

/** |a - b| per pixel, the largest over R, G and B, for pixels of `channels` bytes (3 RGB, 4 RGBA; alpha ignored). */
export function channelDifference(a: ArrayLike<number>, b: ArrayLike<number>, channels: 3 | 4): Uint8Array {
  if (a.length !== b.length) throw new RangeError(`channelDifference: pixel arrays differ in length (${a.length} and ${b.length})`);
  if (a.length % channels !== 0) throw new RangeError(`channelDifference: ${a.length} bytes is not whole ${channels === 4 ? 'RGBA' : 'RGB'} pixels`);
  const out = new Uint8Array(a.length / channels);
  for (let p = 0, i = 0; p < out.length; p++, i += channels) {
    const d0 = Math.abs((a[i] as number) - (b[i] as number));
    const d1 = Math.abs((a[i + 1] as number) - (b[i + 1] as number));
    const d2 = Math.abs((a[i + 2] as number) - (b[i + 2] as number));
    out[p] = d0 > d1 ? Math.max(d0, d2) : Math.max(d1, d2);
  }
  return out;
}

/** The heatmap colour of a difference 0..255: black, red, yellow, then white (small differences stay dark). */
export function heatColour(value: number): [number, number, number] {
  const v = Math.min(255, Math.max(0, value)) / 255;
  return [Math.round(255 * Math.min(1, v * 3)), Math.round(255 * Math.min(1, Math.max(0, v * 3 - 1))), Math.round(255 * Math.min(1, Math.max(0, v * 3 - 2)))];
}
