/**
 * One image from a pair, as BLIP2IDC sees it: the reference on top of the modified image at
 * the modified image's width. Formats that ask for it first resize the reference to the
 * modified image's size (bicubic); the others must already agree in size.
 */
import sharp from 'sharp';
import { ImageError } from './imageBytes';
import { rawInput, type RawImage } from '../../../platform/rawImage';
import type { PairResize } from '../types';

/** sharp's "cubic" kernel is Catmull-Rom, the bicubic of PIL and the paper's processor. */
export const BICUBIC = 'cubic' as const;

export async function resizeRaw(image: RawImage, width: number, height: number): Promise<RawImage> {
  if (image.width === width && image.height === height) return image;
  const data = await sharp(image.data, rawInput(image)).resize(width, height, { kernel: BICUBIC, fit: 'fill' }).raw().toBuffer();
  return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/**
 * The reference as it is stacked: resized to the modified image's size where the format asks
 * for it; where it does not, a size mismatch is the pair's problem, not something to hide.
 */
export async function alignReference(before: RawImage, after: RawImage, resize: PairResize, names: { before: string; after: string }): Promise<RawImage> {
  if (before.width === after.width && before.height === after.height) return before;
  if (resize === 'stack') {
    throw new ImageError(
      names.after,
      undefined,
      `expected the size of its reference ${names.before} (${before.width}x${before.height}; this format stacks the images without resizing), found ${after.width}x${after.height}`,
    );
  }
  return resizeRaw(before, after.width, after.height);
}

/** The stacked pair: (before.height' + after.height) x after.width, reference rows first. */
export async function stackPair(before: RawImage, after: RawImage, resize: PairResize, names: { before: string; after: string }): Promise<RawImage> {
  const top = await alignReference(before, after, resize, names);
  const data = new Uint8Array(top.data.length + after.data.length);
  data.set(top.data, 0);
  data.set(after.data, top.data.length);
  return { width: after.width, height: top.height + after.height, data };
}
