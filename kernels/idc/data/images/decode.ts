/**
 * Decoding any image source to RGB with sharp. Alpha is dropped (as PIL's convert("RGB") does
 * in the paper's processor), grey images become RGB, and an image over the pixel limit is
 * refused before it is decoded (a decompression bomb).
 */
import sharp from 'sharp';
import { ImageBytesReader, ImageError, sourceLocation } from './imageBytes';
import type { RawImage } from '../../../platform/rawImage';
import type { ImageSource } from '../types';

/** 50 megapixels: far above any IDC dataset's images, far below a bomb's. */
export const DEFAULT_MAX_PIXELS = 50_000_000;

export class ImageDecoder {
  constructor(
    readonly maxPixels = DEFAULT_MAX_PIXELS,
    private readonly bytes = new ImageBytesReader(),
  ) {}

  /** The encoded bytes of a source (not for raw sources). */
  encoded(source: Exclude<ImageSource, { kind: 'raw' }>): Promise<Uint8Array> {
    return this.bytes.read(source);
  }

  async decode(source: ImageSource): Promise<RawImage> {
    if (source.kind === 'raw') {
      if (source.data.length !== source.width * source.height * 3)
        throw new ImageError(source.name, undefined, `expected ${source.width}x${source.height}x3 bytes of RGB, found ${source.data.length}`);
      return { width: source.width, height: source.height, data: source.data };
    }
    return this.decodeBytes(await this.bytes.read(source), source);
  }

  async decodeBytes(bytes: Uint8Array, source: ImageSource): Promise<RawImage> {
    try {
      const { data, info } = await sharp(bytes, { limitInputPixels: this.maxPixels, failOn: 'error' })
        .removeAlpha()
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true });
      return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
    } catch (error) {
      throw this.failure(error, source);
    }
  }

  /** Width and height from the header alone. */
  async size(source: ImageSource): Promise<{ width: number; height: number }> {
    if (source.kind === 'raw') return { width: source.width, height: source.height };
    const bytes = await this.bytes.read(source);
    try {
      const meta = await sharp(bytes, { limitInputPixels: this.maxPixels }).metadata();
      if (!meta.width || !meta.height) throw new Error('no size in the header');
      if (meta.width * meta.height > this.maxPixels) throw new Error('pixel limit');
      return { width: meta.width, height: meta.height };
    } catch (error) {
      throw this.failure(error, source);
    }
  }

  private failure(error: unknown, source: ImageSource): ImageError {
    const { file, field } = sourceLocation(source);
    const message = (error as Error).message;
    return new ImageError(
      file,
      field,
      /pixel limit/i.test(message)
        ? `the image has more pixels than the limit of ${this.maxPixels.toLocaleString('en-US')} (a decompression bomb?); expected a smaller image`
        : `expected a readable image (PNG, JPEG, WebP, ...), found one that cannot be decoded (${message})`,
    );
  }
}
