/**
 * The difference mode's picture: a canvas at the images' own size holding the heatmap of
 * |before - after| computed in the page, laid over the dimmed after image, with a line
 * saying how much differs. Drawing is asynchronous (the images decode first), so the pair
 * element's data-difference tells when it is done: pending, ready, unavailable (no 2D
 * canvas; the kernel's grey mask is shown instead when the payload has one) or failed.
 */
import type { ImagePairItem } from '../../kernels/outputs/contracts';
import { el } from '../shared/dom';
import { heatmapRgba, summarise, summaryText } from './difference';
import { canvas2d, dataUrl, differenceOf, type Canvas2d, type DifferenceData } from './pixels';

export type DifferenceStatus = 'pending' | 'ready' | 'unavailable' | 'failed';

export function paintHeatmap(c: Canvas2d, data: DifferenceData, threshold: number): void {
  const image = c.ctx.createImageData(data.width, data.height);
  heatmapRgba(data.diff, threshold, image.data);
  c.ctx.putImageData(image, 0, 0);
}

export interface DifferenceLayer {
  /** What goes into the pair's transformed layer, above the dimmed after image. */
  content: HTMLElement;
  /** The sentence under the picture: how much differs, or why nothing is drawn. */
  summary: HTMLElement;
  setThreshold(threshold: number): void;
  /** Settles when the heatmap is drawn or known impossible (never rejects). */
  done: Promise<DifferenceStatus>;
}

export function differenceLayer(doc: Document, pair: ImagePairItem, card: HTMLElement, threshold: number): DifferenceLayer {
  const canvas = el(doc, 'canvas', 'heat');
  canvas.setAttribute('aria-hidden', 'true');
  // not a live region: a threshold drag would have every pair on the page announce itself
  const summary = el(doc, 'p', 'difference-summary', 'Computing the difference…');
  const set = (status: DifferenceStatus) => {
    // a mode switch or page change may have replaced this picture while it was computed
    if (card.dataset.mode === 'difference' && card.contains(canvas)) card.dataset.difference = status;
    return status;
  };
  card.dataset.difference = 'pending';

  const c = canvas2d(doc, pair.after.width, pair.after.height, canvas);
  if (!c) {
    card.dataset.difference = 'unavailable';
    summary.className = 'difference-summary note';
    if (pair.mask) {
      summary.textContent =
        'This view has no 2D canvas, so the difference cannot be computed here; the grey difference mask from the kernel is shown instead, without the threshold.';
      const mask = el(doc, 'img', 'mask');
      mask.alt = `difference mask of ${pair.id}`;
      mask.src = dataUrl(pair.mask);
      return { content: mask, summary, setThreshold() {}, done: Promise.resolve('unavailable') };
    }
    summary.textContent = 'This view has no 2D canvas, so the difference cannot be computed here.';
    return { content: canvas, summary, setThreshold() {}, done: Promise.resolve('unavailable') };
  }

  let data: DifferenceData | null = null;
  let current = threshold;
  const paint = () => {
    if (!data) return;
    paintHeatmap(c, data, current);
    summary.textContent = summaryText(summarise(data.diff, current), current);
  };
  const done = differenceOf(doc, pair).then(
    (d) => {
      if (!d) {
        summary.textContent = 'This view has no 2D canvas, so the difference cannot be computed here.';
        return set('unavailable');
      }
      data = d;
      paint();
      return set('ready');
    },
    (e: unknown) => {
      summary.textContent = `The difference could not be computed: ${e instanceof Error ? e.message : String(e)}.`;
      return set('failed');
    },
  );
  return {
    content: canvas,
    summary,
    setThreshold(t) {
      current = t;
      paint();
    },
    done,
  };
}
