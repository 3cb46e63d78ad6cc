/** Decoded 8-bit RGB pixels: row-major, 3 bytes per pixel, `width * height * 3` bytes. */
export interface RawImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** sharp's description of raw RGB input. */
export function rawInput(image: RawImage): { raw: { width: number; height: number; channels: 3 } } {
  return { raw: { width: image.width, height: image.height, channels: 3 } };
}
