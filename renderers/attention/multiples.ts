/**
 * The small multiples: one thumbnail per head of the layer shown, each with its own overlay,
 * so heads can be compared at a glance and one chosen for the large view. They follow the
 * large view's row (the same patch or query), not its matrix.
 */
import { el } from '../shared/dom';
import type { ExplorerContext } from './context';
import { fitScale } from './grid';
import { boundaryLine, overlayCanvas, paintHeatmap, setDisplaySize } from './overlay';
import type { HeadEntry, LayerEntry } from './state';
import { overlayValues } from './weights';

/** The box each thumbnail is fitted into, in CSS pixels. */
export const THUMB_BOX = { width: 64, height: 128 } as const;

export interface Multiples {
  element: HTMLElement;
  /** Rebuilds the thumbnails for a newly shown layer. */
  showLayer(layer: LayerEntry): void;
  /** Repaints every thumbnail for `row` (null: the mean) and marks the head in the large view. */
  paint(row: number | null): void;
}

interface Thumbnail {
  head: HeadEntry;
  button: HTMLButtonElement;
  canvas: HTMLCanvasElement;
}

/** `choose` is called with the head number the reader picked. */
export function buildMultiples(ctx: ExplorerContext, choose: (head: number) => void): Multiples {
  const { doc, payload, state } = ctx;
  const { grid, image } = payload;
  const scale = fitScale(image.width, image.height, THUMB_BOX.width, THUMB_BOX.height);
  const element = el(doc, 'figure', 'multiples');
  const caption = el(doc, 'figcaption');
  const heads = el(doc, 'div', 'heads');
  heads.setAttribute('role', 'group');
  element.append(caption, heads);
  let thumbnails: Thumbnail[] = [];

  function thumbnail(h: HeadEntry, layer: number, what: string): Thumbnail {
    const b = el(doc, 'button', 'multiple');
    b.type = 'button';
    b.dataset.head = String(h.head);
    b.dataset.layer = String(layer);
    b.setAttribute('aria-label', `Head ${h.head}, ${what} ${layer}`);
    const thumb = el(doc, 'div', 'thumb');
    setDisplaySize(thumb, image.width * scale, image.height * scale);
    const img = el(doc, 'img');
    img.alt = '';
    img.decoding = 'async';
    img.draggable = false;
    img.src = ctx.imageUrl;
    const canvas = overlayCanvas(doc, grid, 'overlay');
    thumb.append(img, canvas, boundaryLine(doc, payload));
    b.append(thumb, el(doc, 'span', 'head-label', `Head ${h.head}`));
    b.addEventListener('click', () => choose(h.head));
    // Handled here, not left to the button's default, so Enter and Space act once and
    // the same way in every host.
    b.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter' && e.key !== ' ') return;
      e.preventDefault();
      choose(h.head);
    });
    return { head: h, button: b, canvas };
  }

  function showLayer(entry: LayerEntry): void {
    const what = state.source === 'vit' ? 'ViT layer' : 'Q-Former cross layer';
    caption.textContent = `Heads of ${what} ${entry.layer} (choose one for the large view)`;
    heads.setAttribute('aria-label', `Heads of ${what} ${entry.layer}`);
    thumbnails = entry.heads.map((h) => thumbnail(h, entry.layer, what));
    heads.replaceChildren(...thumbnails.map((t) => t.button));
  }

  function paint(row: number | null): void {
    for (const t of thumbnails) {
      paintHeatmap(t.canvas, overlayValues(ctx.cache, t.head.weights, row), grid);
      t.button.setAttribute('aria-pressed', String(!state.rollout && t.head.head === state.head));
    }
  }

  return { element, showLayer, paint };
}
