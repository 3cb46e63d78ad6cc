/**
 * Saving and copying a pair's images as PNG, all inside the page: the before and after
 * images from the payload's own bytes (PNG as is; JPEG redrawn through a canvas), the
 * difference heatmap as drawn at the current threshold. Saving is an <a download> of a
 * Blob; copying uses the async clipboard with a ClipboardItem where the page has one.
 * Each action ends in a sentence for the pair's status line, never in an exception.
 */
import type { ImagePairItem } from '../../kernels/outputs/contracts';
import { download } from '../shared/dom';
import { paintHeatmap } from './differenceView';
import { fileName } from './pairText';
import { base64Bytes, canvas2d, canvasPng, differenceOf, loadImage } from './pixels';
import type { ImageChoice } from './state';

const NAMES: Record<ImageChoice, string> = { after: 'after image', before: 'before image', difference: 'difference heatmap' };

const NO_CANVAS = 'this view has no 2D canvas';

/** The chosen image of a pair as a PNG blob (rejects with a readable reason). */
export async function pngBlob(doc: Document, pair: ImagePairItem, choice: ImageChoice, threshold: number): Promise<Blob> {
  if (choice === 'difference') {
    const data = await differenceOf(doc, pair);
    const c = data && canvas2d(doc, data.width, data.height);
    if (!data || !c) throw new Error(`${NO_CANVAS} to compute the difference`);
    paintHeatmap(c, data, threshold);
    return canvasPng(c.canvas);
  }
  const image = pair[choice];
  if (image.mime === 'image/png') return new Blob([base64Bytes(image.data)], { type: 'image/png' });
  const c = canvas2d(doc, image.width, image.height);
  if (!c) throw new Error(`${NO_CANVAS} to turn the JPEG into PNG`);
  c.ctx.drawImage(await loadImage(doc, image), 0, 0, image.width, image.height);
  return canvasPng(c.canvas);
}

const reason = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function savePng(doc: Document, pair: ImagePairItem, choice: ImageChoice, threshold: number): Promise<string> {
  try {
    const name = fileName(pair.id, choice);
    download(doc, await pngBlob(doc, pair, choice, threshold), name);
    return `Saved the ${NAMES[choice]} as ${name}.`;
  } catch (e) {
    return `Could not save the ${NAMES[choice]}: ${reason(e)}.`;
  }
}

type ClipboardWindow = Window & { ClipboardItem?: typeof ClipboardItem };

/** Whether this page can put an image on the clipboard at all. */
export function canCopyImages(win: Window | null): boolean {
  const w = win as ClipboardWindow | null;
  return !!w && typeof w.ClipboardItem === 'function' && typeof w.navigator.clipboard?.write === 'function';
}

export const NO_CLIPBOARD = 'Copying images is not available here (no ClipboardItem in this view); use Save PNG instead.';

/**
 * Copies the image. The clipboard write starts at once with a promised blob (rather than
 * after awaiting it) because browsers allow clipboard writes only during the click's user
 * activation, and making a PNG may outlast it.
 */
export async function copyPng(doc: Document, pair: ImagePairItem, choice: ImageChoice, threshold: number): Promise<string> {
  const win = doc.defaultView as ClipboardWindow | null;
  if (!win || !canCopyImages(win) || !win.ClipboardItem) return NO_CLIPBOARD;
  const blob = pngBlob(doc, pair, choice, threshold);
  // the write below reports a failed blob; this only keeps it from also surfacing as unhandled
  blob.catch(() => undefined);
  try {
    await win.navigator.clipboard.write([new win.ClipboardItem({ 'image/png': blob })]);
    return `Copied the ${NAMES[choice]} to the clipboard.`;
  } catch (e) {
    return `Could not copy the ${NAMES[choice]}: ${reason(e)}.`;
  }
}
