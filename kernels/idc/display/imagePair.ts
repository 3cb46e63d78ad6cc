/**
 * Builders of the image-pair output: the payload of the contract (both images at the modified
 * image's size, scaled to fit a thumbnail side, and their difference mask), a text fallback
 * (ids, categories, references, predictions), and a PNG fallback: one row per pair with the
 * reference, the modified image and the difference as a heatmap.
 */
import sharp from 'sharp';
import { IDC_MIME, payloadJson, type EncodedImage, type ImagePairItem, type ImagePairPayload } from '../../outputs/contracts';
import type { MimeBundle } from '../../outputs/mime';
import type { RawImage } from '../../platform/rawImage';
import { channelDifference, heatColour } from '../../outputs/differenceMaps';

export interface PairView {
  id: string;
  /** The reference, already at `after`'s size (as the model sees it). */
  before: RawImage;
  after: RawImage;
  references: string[];
  prediction?: string;
  category?: string;
  split?: string;
  scores?: Record<string, number>;
}

export interface PairPage {
  title: string;
  offset: number;
  total: number;
  notes: string[];
}

function rawOf(image: RawImage, channels: 1 | 3 = 3) {
  return { raw: { width: image.width, height: image.height, channels } };
}

/** Per-pixel |before - after|, the largest over the channels: one byte per pixel. */
export function differenceMask(before: RawImage, after: RawImage): Uint8Array {
  if (before.width !== after.width || before.height !== after.height)
    throw new RangeError(`differenceMask: sizes differ (${before.width}x${before.height} and ${after.width}x${after.height})`);
  return channelDifference(before.data, after.data, 3);
}

/** RGB heatmap of a mask (see differenceMaps.ts). */
export function heatmap(mask: Uint8Array): Uint8Array {
  const out = new Uint8Array(mask.length * 3);
  for (let p = 0; p < mask.length; p++) out.set(heatColour(mask[p] as number), p * 3);
  return out;
}

async function scaled(image: RawImage, maxSide: number): Promise<RawImage> {
  const scale = Math.min(1, maxSide / Math.max(image.width, image.height));
  if (scale === 1) return image;
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const data = await sharp(image.data, rawOf(image)).resize(width, height, { kernel: 'cubic', fit: 'fill' }).raw().toBuffer();
  return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

async function png(data: Uint8Array, width: number, height: number, channels: 1 | 3): Promise<EncodedImage> {
  const image = sharp(data, { raw: { width, height, channels } });
  // one channel stays one (sharp would otherwise write grey as RGB)
  const bytes = await (channels === 1 ? image.toColourspace('b-w') : image).png({ compressionLevel: 6 }).toBuffer();
  return { mime: 'image/png', width, height, data: bytes.toString('base64') };
}

export async function imagePairPayload(views: readonly PairView[], page: PairPage, maxSide = 256): Promise<ImagePairPayload> {
  const pairs: ImagePairItem[] = [];
  for (const view of views) {
    const [before, after] = await Promise.all([scaled(view.before, maxSide), scaled(view.after, maxSide)]);
    const item: ImagePairItem = {
      id: view.id,
      before: await png(before.data, before.width, before.height, 3),
      after: await png(after.data, after.width, after.height, 3),
      mask: await png(differenceMask(before, after), after.width, after.height, 1),
      references: [...view.references],
    };
    if (view.prediction !== undefined) item.prediction = view.prediction;
    if (view.category !== undefined) item.category = view.category;
    if (view.split !== undefined) item.split = view.split;
    if (view.scores !== undefined) item.scores = { ...view.scores };
    pairs.push(item);
  }
  return { v: 1, title: page.title, pairs, offset: page.offset, total: page.total, notes: [...page.notes] };
}

export function imagePairText(payload: ImagePairPayload): string {
  const lines = [`${payload.title}: pairs ${payload.total === 0 ? 0 : payload.offset + 1}-${payload.offset + payload.pairs.length} of ${payload.total}`];
  for (const p of payload.pairs) {
    const where = [p.split, p.category].filter((x) => x !== undefined).join(', ');
    lines.push('', `${p.id}${where ? ` (${where})` : ''}  ${p.after.width}x${p.after.height}`);
    p.references.forEach((r, i) => lines.push(`  ref ${i + 1}: ${r}`));
    if (p.prediction !== undefined) lines.push(`  prediction: ${p.prediction}`);
    if (p.scores)
      lines.push(
        `  ${Object.entries(p.scores)
          .map(([k, v]) => `${k} ${v.toFixed(3)}`)
          .join(', ')}`,
      );
  }
  for (const note of payload.notes) lines.push('', `note: ${note}`);
  return lines.join('\n');
}

/** The static fallback: one row per pair (reference | modified | difference heatmap), thumbnails `side` px high. */
export async function imagePairPng(views: readonly PairView[], side = 96): Promise<Uint8Array> {
  const gap = 4;
  const rows: Array<{ tiles: RawImage[]; width: number }> = [];
  for (const view of views) {
    const scale = side / view.after.height;
    const width = Math.max(1, Math.round(view.after.width * scale));
    const toSize = async (image: RawImage) => (image.width === width && image.height === side ? image : scaledTo(image, width, side));
    const [before, after] = await Promise.all([toSize(view.before), toSize(view.after)]);
    const diff: RawImage = { width, height: side, data: heatmap(differenceMask(before, after)) };
    rows.push({ tiles: [before, after, diff], width: width * 3 + gap * 2 });
  }
  const width = Math.max(1, ...rows.map((r) => r.width)) + gap * 2;
  const height = Math.max(1, rows.length * (side + gap) + gap);
  const composites: sharp.OverlayOptions[] = [];
  rows.forEach((row, r) => {
    let x = gap;
    for (const tile of row.tiles) {
      composites.push({
        input: Buffer.from(tile.data.buffer, tile.data.byteOffset, tile.data.length),
        raw: { width: tile.width, height: tile.height, channels: 3 },
        left: x,
        top: gap + r * (side + gap),
      });
      x += tile.width + gap;
    }
  });
  const bytes = await sharp({ create: { width, height, channels: 3, background: { r: 128, g: 128, b: 128 } } })
    .composite(composites)
    .png()
    .toBuffer();
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

async function scaledTo(image: RawImage, width: number, height: number): Promise<RawImage> {
  const data = await sharp(image.data, rawOf(image)).resize(width, height, { kernel: 'cubic', fit: 'fill' }).raw().toBuffer();
  return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** The whole output: the payload (from imagePairPayload of the same views) and both fallbacks. */
export async function imagePairBundle(views: readonly PairView[], payload: ImagePairPayload): Promise<MimeBundle> {
  return {
    [IDC_MIME.imagePair]: payloadJson(payload),
    'image/png': await imagePairPng(views),
    'text/plain': imagePairText(payload),
  };
}
