/**
 * BLIP2IDC's image processor, as transformers' BlipImageProcessor runs it on a stacked pair:
 * resize the (2s x s) stack to the model's square `size` without keeping the aspect ratio
 * (bicubic), rescale by 1/255, CLIP-normalise, channels first: `pixel_values` [B, 3, size, size].
 * The resize is libvips' (sharp) where transformers uses PIL's: the two bicubic filters treat
 * the image's edges differently, so values land close to PIL's, not on them (the test measures it).
 */
import type { RawImage } from '../../../platform/rawImage';
import { CLIP_MEAN, CLIP_STD } from './normalize';
import { resizeRaw } from './stack';

export async function pixelValues(stacked: readonly RawImage[], size: number): Promise<{ data: Float32Array; shape: [number, number, number, number] }> {
  const plane = size * size;
  const data = new Float32Array(stacked.length * 3 * plane);
  for (const [k, image] of stacked.entries()) {
    const resized = await resizeRaw(image, size, size);
    for (let c = 0; c < 3; c++) {
      const scale = 1 / (255 * (CLIP_STD[c] as number));
      const shift = -(CLIP_MEAN[c] as number) / (CLIP_STD[c] as number);
      const base = (k * 3 + c) * plane;
      for (let p = 0; p < plane; p++) data[base + p] = (resized.data[3 * p + c] as number) * scale + shift;
    }
  }
  return { data, shape: [stacked.length, 3, size, size] };
}

/** The pipeline's NHWC batch [n, size, size, 3] as pixel_values' channels-first layout [n, 3, size, size]. */
export function channelsFirstValues(pixels: Float32Array, count: number, size: number): Float32Array {
  const plane = size * size;
  if (pixels.length !== count * 3 * plane)
    throw new RangeError(`channelsFirstValues: expected ${count * 3 * plane} values for ${count} images, found ${pixels.length}`);
  const out = new Float32Array(pixels.length);
  for (let k = 0; k < count; k++)
    for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) out[(k * 3 + c) * plane + p] = pixels[(k * plane + p) * 3 + c] as number;
  return out;
}
