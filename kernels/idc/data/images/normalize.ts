/**
 * CLIP normalisation, written straight into a batch tensor. Layout: NHWC float32, one pair
 * after another: pixel (y, x) channel c of pair k is at ((k * height + y) * width + x) * 3 + c;
 * rows 0 .. height/2 - 1 are the reference image, the rest the modified one.
 */
import type { RawImage } from '../../../platform/rawImage';

export const CLIP_MEAN: readonly [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
export const CLIP_STD: readonly [number, number, number] = [0.26862954, 0.26130258, 0.27577711];

export function normalizeInto(
  image: RawImage,
  out: Float32Array,
  offset: number,
  mean: readonly number[] = CLIP_MEAN,
  std: readonly number[] = CLIP_STD,
): void {
  // (v / 255 - mean) / std = v * scale + shift, per channel
  const scale = [0, 1, 2].map((c) => 1 / (255 * (std[c] as number)));
  const shift = [0, 1, 2].map((c) => -(mean[c] as number) / (std[c] as number));
  const [s0, s1, s2] = scale as [number, number, number];
  const [h0, h1, h2] = shift as [number, number, number];
  const data = image.data;
  for (let i = 0; i < data.length; i += 3) {
    out[offset + i] = (data[i] as number) * s0 + h0;
    out[offset + i + 1] = (data[i + 1] as number) * s1 + h1;
    out[offset + i + 2] = (data[i + 2] as number) * s2 + h2;
  }
}

/** The inverse, for displays: normalised NHWC back to 8-bit RGB. */
export function denormalize(
  pixels: Float32Array,
  offset: number,
  width: number,
  height: number,
  mean: readonly number[] = CLIP_MEAN,
  std: readonly number[] = CLIP_STD,
): RawImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) {
    const c = i % 3;
    data[i] = Math.max(0, Math.min(255, Math.round(((pixels[offset + i] as number) * (std[c] as number) + (mean[c] as number)) * 255)));
  }
  return { width, height, data };
}
