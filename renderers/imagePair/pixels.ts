/**
 * From a payload's encoded images to what the browser can show and compute with: data: URLs
 * for <img> (nothing is fetched), the encoded bytes, and decoded RGBA pixels through a 2D
 * canvas. Where there is no 2D canvas (JSDOM, a locked-down webview) the functions say so
 * with null instead of throwing, and the views show a note.
 */
import type { EncodedImage, ImagePairItem } from '../../kernels/outputs/contracts';
import { absoluteDifference } from './difference';

export function dataUrl(image: EncodedImage): string {
  return `data:${image.mime};base64,${image.data}`;
}

export function base64Bytes(data: string): Uint8Array<ArrayBuffer> {
  const text = atob(data);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

export interface Canvas2d {
  canvas: HTMLCanvasElement;
  ctx: CanvasRenderingContext2D;
}

/** A 2D context on a new canvas of this size, or null where the DOM gives none. */
export function canvas2d(doc: Document, width: number, height: number, canvas: HTMLCanvasElement = doc.createElement('canvas')): Canvas2d | null {
  canvas.width = width;
  canvas.height = height;
  let ctx: CanvasRenderingContext2D | null = null;
  try {
    ctx = canvas.getContext('2d', { willReadFrequently: true });
  } catch {
    ctx = null;
  }
  return ctx ? { canvas, ctx } : null;
}

/** A decoded image element (decode() where the browser has it, else the load event). */
export function loadImage(doc: Document, image: EncodedImage): Promise<HTMLImageElement> {
  const img = doc.createElement('img');
  img.src = dataUrl(image);
  if (typeof img.decode === 'function') return img.decode().then(() => img);
  return new Promise((resolve, reject) => {
    img.addEventListener('load', () => resolve(img), { once: true });
    img.addEventListener('error', () => reject(new Error(`cannot decode the ${image.mime} image`)), { once: true });
  });
}

/** RGBA pixels of an image at its declared size, or null without a 2D canvas. */
export async function rgbaOf(doc: Document, image: EncodedImage): Promise<Uint8ClampedArray | null> {
  const c = canvas2d(doc, image.width, image.height);
  if (!c) return null;
  const img = await loadImage(doc, image);
  c.ctx.drawImage(img, 0, 0, image.width, image.height);
  return c.ctx.getImageData(0, 0, image.width, image.height).data;
}

export interface DifferenceData {
  width: number;
  height: number;
  /** One byte per pixel: |before - after|, largest over R, G and B. */
  diff: Uint8Array;
}

// Keyed by the pair object: an update parses a new payload, so stale entries go with the old one.
const differences = new WeakMap<ImagePairItem, Promise<DifferenceData | null>>();

/**
 * The pair's per-pixel difference, decoded and computed once per pair and shared by the
 * heatmap view and the PNG export; null without a 2D canvas.
 */
export function differenceOf(doc: Document, pair: ImagePairItem): Promise<DifferenceData | null> {
  let result = differences.get(pair);
  if (!result) {
    result = Promise.all([rgbaOf(doc, pair.before), rgbaOf(doc, pair.after)]).then(([before, after]) =>
      before && after ? { width: pair.after.width, height: pair.after.height, diff: absoluteDifference(before, after) } : null,
    );
    // A failed decode is not remembered, so a later try (another mode switch) can succeed.
    result.catch(() => differences.delete(pair));
    differences.set(pair, result);
  }
  return result;
}

/** A canvas's content as a PNG blob. */
export function canvasPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the canvas gave no PNG'))), 'image/png');
  });
}
