/**
 * The large view: the stacked pair under the overlay of the chosen matrix, the boundary
 * line, the outline of the inspected patch, the colour legend and the readout. The patch
 * under the pointer is inspected while it is there; keyboard focus pins one that the arrow
 * keys move.
 */
import { el } from '../shared/dom';
import type { ExplorerContext } from './context';
import { fitScale, movePatch, patchAtPoint, patchBoxPercent, type Patch } from './grid';
import { mapMaximum, rampColour } from './heatmap';
import { boundaryLine, overlayCanvas, paintHeatmap, setDisplaySize } from './overlay';
import { mapLabel, readoutText } from './readout';
import { shownMatrix } from './state';
import { overlayValues } from './weights';

/** The box the large view is fitted into, in CSS pixels. */
export const LARGE_BOX = { width: 320, height: 480 } as const;

export type ImageStatus = 'loaded' | 'error';

export interface StageHandlers {
  /** The inspected patch changed (or none is inspected any more). */
  patchChanged(): void;
  image(status: ImageStatus): void;
}

export interface Stage {
  element: HTMLElement;
  /** The patch under the pointer, else the one the keyboard pinned, else null (the mean). */
  inspected(): Patch | null;
  /** Repaints the overlay for `row` (null: the mean) and updates the outline, labels and readout. */
  paint(row: number | null): void;
}

/** The legend's gradient, from the same ramp as the canvases. */
function rampGradient(): string {
  const stops = Array.from({ length: 9 }, (_, i) => {
    const [r, g, b] = rampColour(i / 8);
    return `rgb(${r}, ${g}, ${b}) ${i * 12.5}%`;
  });
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

function samePatch(a: Patch | null, b: Patch | null): boolean {
  return a === b || (a !== null && b !== null && a.row === b.row && a.column === b.column);
}

export function buildStage(ctx: ExplorerContext, on: StageHandlers): Stage {
  const { doc, payload, state, cache } = ctx;
  const { grid, image } = payload;
  const element = el(doc, 'figure', 'large');
  const scale = fitScale(image.width, image.height, LARGE_BOX.width, LARGE_BOX.height);
  const stage = el(doc, 'div', 'stage view');
  setDisplaySize(stage, image.width * scale, image.height * scale);
  stage.tabIndex = 0;
  stage.setAttribute('role', 'application');
  stage.setAttribute('aria-roledescription', 'attention map');
  stage.setAttribute(
    'aria-label',
    'Attention map of the stacked pair (top image above the red line, bottom image below). Arrow keys move the inspected patch, Escape returns to the mean.',
  );
  const picture = el(doc, 'img', 'pair');
  picture.alt = `The stacked image pair: ${payload.title}`;
  picture.decoding = 'async';
  picture.draggable = false;
  picture.addEventListener('load', () => on.image('loaded'));
  picture.addEventListener('error', () => {
    on.image('error');
    imageProblem.hidden = false;
  });
  picture.src = ctx.imageUrl;
  const canvas = overlayCanvas(doc, grid, 'overlay large-overlay');
  const outline = el(doc, 'div', 'outline');
  outline.hidden = true;
  outline.setAttribute('aria-hidden', 'true');
  stage.append(picture, canvas, boundaryLine(doc, payload), outline);

  const label = el(doc, 'figcaption', 'map-label');
  const legend = el(doc, 'div', 'legend');
  const ramp = el(doc, 'div', 'ramp');
  ramp.style.backgroundImage = rampGradient();
  ramp.setAttribute('aria-hidden', 'true');
  const legendMax = el(doc, 'span', 'legend-max');
  legend.append(el(doc, 'span', undefined, '0'), ramp, legendMax);
  const readout = el(doc, 'p', 'readout');
  readout.id = `${ctx.idPrefix}-readout`;
  readout.setAttribute('role', 'status');
  readout.setAttribute('aria-live', 'polite');
  stage.setAttribute('aria-describedby', readout.id);
  const imageProblem = el(doc, 'p', 'problem error', 'The image could not be decoded; the heatmap is shown without it.');
  imageProblem.hidden = true;
  element.append(label, stage, legend, readout, imageProblem);

  let hover: Patch | null = null;
  let keyed: Patch | null = null;
  let pointerFocus = false;
  const inspected = (): Patch | null => hover ?? keyed;

  function paint(row: number | null): void {
    const patch = inspected();
    const values = overlayValues(cache, shownMatrix(payload, state), row);
    paintHeatmap(canvas, values, grid);
    legendMax.textContent = `${mapMaximum(values).toPrecision(3)} (the map's largest weight)`;
    if (patch) {
      const box = patchBoxPercent(patch, grid);
      outline.style.left = `${box.left}%`;
      outline.style.top = `${box.top}%`;
      outline.style.width = `${box.width}%`;
      outline.style.height = `${box.height}%`;
      outline.hidden = false;
    } else {
      outline.hidden = true;
    }
    label.textContent = mapLabel(payload, state);
    readout.textContent = readoutText(payload, state, patch, cache);
  }

  function patchUnder(e: MouseEvent): Patch | null {
    const rect = stage.getBoundingClientRect();
    // Without layout (JSDOM) the sizes are 0: fall back to the size the stage was given.
    const width = stage.clientWidth || image.width * scale;
    const height = stage.clientHeight || image.height * scale;
    return patchAtPoint(e.clientX - rect.left - stage.clientLeft, e.clientY - rect.top - stage.clientTop, width, height, grid);
  }

  stage.addEventListener('pointermove', (e) => {
    const p = patchUnder(e);
    if (samePatch(p, hover)) return;
    hover = p;
    on.patchChanged();
  });
  stage.addEventListener('pointerleave', () => {
    if (hover === null) return;
    hover = null;
    on.patchChanged();
  });
  stage.addEventListener('pointerdown', () => (pointerFocus = true));
  stage.addEventListener('focus', () => {
    // A click focuses the map too; only keyboard focus pins a patch, so that leaving with
    // the mouse still restores the mean.
    if (!pointerFocus && keyed === null) {
      keyed = hover ?? { row: 0, column: 0 };
      on.patchChanged();
    }
    pointerFocus = false;
  });
  stage.addEventListener('blur', () => {
    pointerFocus = false;
    if (keyed === null) return;
    keyed = null;
    on.patchChanged();
  });
  stage.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      if (keyed === null && hover === null) return;
      keyed = null;
      hover = null;
      on.patchChanged();
      return;
    }
    const to = movePatch(hover ?? keyed ?? { row: 0, column: 0 }, e.key, grid);
    if (!to) return;
    e.preventDefault();
    keyed = to;
    hover = null;
    on.patchChanged();
  });

  return { element, inspected, paint };
}
