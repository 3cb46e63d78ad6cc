/**
 * The pieces the large view and every small multiple share. Overlays are canvases of one
 * pixel per patch that CSS scales up, so a change of head or patch repaints a few hundred
 * pixels, not the picture.
 */
import type { AttentionPayload } from '../../kernels/outputs/contracts';
import { el } from '../shared/dom';
import { boundaryY, type Grid } from './grid';
import { heatmapRgba } from './heatmap';

/** Paints one pixel per patch; false where the canvas has no 2D context (JSDOM, say). */
export function paintHeatmap(canvas: HTMLCanvasElement, values: ArrayLike<number>, grid: Grid): boolean {
  let ctx: CanvasRenderingContext2D | null;
  try {
    ctx = canvas.getContext('2d');
  } catch {
    ctx = null;
  }
  if (!ctx) return false;
  const image = ctx.createImageData(grid.columns, grid.rows);
  heatmapRgba(values, image.data);
  ctx.putImageData(image, 0, 0);
  return true;
}

export function overlayCanvas(doc: Document, grid: Grid, className: string): HTMLCanvasElement {
  const canvas = el(doc, 'canvas', className);
  canvas.width = grid.columns;
  canvas.height = grid.rows;
  canvas.setAttribute('aria-hidden', 'true');
  return canvas;
}

export function boundaryLine(doc: Document, payload: AttentionPayload): HTMLDivElement {
  const line = el(doc, 'div', 'boundary');
  // A percentage keeps the line on the boundary however CSS scales the image.
  line.style.top = `${(100 * payload.boundaryRow) / payload.grid.rows}%`;
  line.dataset.boundaryRow = String(payload.boundaryRow);
  line.dataset.boundaryY = String(boundaryY(payload.boundaryRow, payload.grid));
  line.setAttribute('aria-hidden', 'true');
  return line;
}

/** An aspect ratio rather than a height, so the box keeps the image's shape when max-width narrows it. */
export function setDisplaySize(e: HTMLElement, width: number, height: number): void {
  e.style.width = `${Math.round(width)}px`;
  e.style.setProperty('aspect-ratio', `${Math.round(width)} / ${Math.round(height)}`);
}
