/**
 * Augmentation that keeps the caption true (paper): a 3x3 Gaussian blur with sigma uniform in
 * [0.1, 0.5], and JPEG re-compression at a random quality, applied to the stacked image.
 * Crops, flips and colour changes are not offered: they would change what the caption says.
 */
import sharp from 'sharp';
import { rawInput, type RawImage } from '../../../platform/rawImage';
import type { SeededRandom } from '../../../platform/random';

export interface AugmentOptions {
  /** Probability of the blur (default 1: every image, as in the paper's training). */
  blur?: number;
  /** Range of the blur's sigma (default [0.1, 0.5]). */
  blurSigma?: [number, number];
  /** Probability of JPEG re-compression (default 0.5). */
  jpeg?: number;
  /** Range of the JPEG quality, both included (default [60, 95]). */
  jpegQuality?: [number, number];
}

export const DEFAULT_AUGMENT: Required<AugmentOptions> = { blur: 1, blurSigma: [0.1, 0.5], jpeg: 0.5, jpegQuality: [60, 95] };

/** The normalised 3x3 Gaussian kernel of one sigma, row-major. */
export function gaussian3x3(sigma: number): number[] {
  const w = [-1, 0, 1].map((x) => Math.exp(-(x * x) / (2 * sigma * sigma)));
  const sum = (w[0] as number) + (w[1] as number) + (w[2] as number);
  const g = w.map((v) => v / sum);
  return g.flatMap((a) => g.map((b) => a * b));
}

export function validateAugment(options: AugmentOptions): Required<AugmentOptions> {
  const o = { ...DEFAULT_AUGMENT, ...options };
  for (const name of ['blur', 'jpeg'] as const) {
    if (!(o[name] >= 0 && o[name] <= 1)) throw new RangeError(`augment.${name}: expected a probability in [0, 1], found ${o[name]}`);
  }
  const [s0, s1] = o.blurSigma;
  if (!(s0 > 0 && s1 >= s0)) throw new RangeError(`augment.blurSigma: expected [low, high] with 0 < low <= high, found ${JSON.stringify(o.blurSigma)}`);
  const [q0, q1] = o.jpegQuality;
  if (!(Number.isInteger(q0) && Number.isInteger(q1) && q0 >= 1 && q1 <= 100 && q0 <= q1))
    throw new RangeError(`augment.jpegQuality: expected [low, high] integers in 1..100, found ${JSON.stringify(o.jpegQuality)}`);
  return o;
}

/** The augmented image; the random draws come from `rng` in a fixed order (blur, then JPEG). */
export async function augment(image: RawImage, rng: SeededRandom, options: Required<AugmentOptions>): Promise<RawImage> {
  const doBlur = rng.chance(options.blur);
  const sigma = rng.between(options.blurSigma[0], options.blurSigma[1]);
  const doJpeg = rng.chance(options.jpeg);
  const quality = rng.int(options.jpegQuality[0], options.jpegQuality[1]);
  if (!doBlur && !doJpeg) return image;
  let pipeline = sharp(image.data, rawInput(image));
  if (doBlur) pipeline = pipeline.convolve({ width: 3, height: 3, kernel: gaussian3x3(sigma), scale: 1 });
  let data: Buffer;
  if (doJpeg) {
    const jpeg = await pipeline.jpeg({ quality, chromaSubsampling: '4:2:0' }).toBuffer();
    data = await sharp(jpeg).raw().toBuffer();
  } else {
    data = await pipeline.raw().toBuffer();
  }
  return { width: image.width, height: image.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}
