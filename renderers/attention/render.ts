/**
 * The attention explorer's DOM: the stacked pair under a heatmap of one head (or the
 * rollout, or a Q-Former query), a small multiple per head of the chosen layer, the controls,
 * and a readout of where an inspected patch looks. Payload text reaches the page only through
 * textContent and attribute APIs. Overlays are canvases of one pixel per patch that CSS scales
 * up, so a change of head or patch repaints a few hundred pixels, not the picture.
 */
import type { AttentionPayload } from '../../kernels/idc/display/contracts';
import { button, choice, el, renderProblem, slider, startRoot } from '../shared/dom';
import { boundaryY, fitScale, movePatch, patchAtPoint, patchBoxPercent, patchIndex, type Grid, type Patch } from './grid';
import { heatmapRgba, mapMaximum, rampColour } from './heatmap';
import { mapLabel, readoutText } from './readout';
import { chooseLayer, chooseSource, currentHead, currentLayer, hasCross, initialState, layerPosition, layersOf, shownMatrix, type HeadEntry, type Source, type ViewState } from './state';
import { ATTENTION_STYLE } from './style';
import { validateAttentionPayload } from './validate';
import { overlayValues, WeightCache } from './weights';

/** Boxes the large view and the small multiples are fitted into, in CSS pixels. */
export const LARGE_BOX = { width: 320, height: 480 } as const;
export const THUMB_BOX = { width: 64, height: 128 } as const;

/** Ids only need to be unique per document (outputs rendered without a shadow root share one). */
let nextId = 0;

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

/** The legend's gradient, from the same ramp as the canvases. */
function rampGradient(): string {
  const stops = Array.from({ length: 9 }, (_, i) => {
    const [r, g, b] = rampColour(i / 8);
    return `rgb(${r}, ${g}, ${b}) ${i * 12.5}%`;
  });
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

function overlayCanvas(doc: Document, grid: Grid, className: string): HTMLCanvasElement {
  const canvas = el(doc, 'canvas', className);
  canvas.width = grid.columns;
  canvas.height = grid.rows;
  canvas.setAttribute('aria-hidden', 'true');
  return canvas;
}

function boundaryLine(doc: Document, payload: AttentionPayload): HTMLDivElement {
  const line = el(doc, 'div', 'boundary');
  // A percentage keeps the line on the boundary however CSS scales the image.
  line.style.top = `${(100 * payload.boundaryRow) / payload.grid.rows}%`;
  line.dataset['boundaryRow'] = String(payload.boundaryRow);
  line.dataset['boundaryY'] = String(boundaryY(payload.boundaryRow, payload.grid));
  line.setAttribute('aria-hidden', 'true');
  return line;
}

function sized(e: HTMLElement, width: number, height: number): void {
  e.style.width = `${Math.round(width)}px`;
  e.style.setProperty('aspect-ratio', `${Math.round(width)} / ${Math.round(height)}`);
}

/**
 * Replaces root's content with the explorer, or with a readable problem for a payload it
 * cannot show. Returns the live view state (changed as the reader uses the controls) so an
 * in-place re-render can start from it, or null for a problem.
 */
export function renderAttention(value: unknown, root: ShadowRoot | HTMLElement, remembered?: ViewState): ViewState | null {
  const checked = validateAttentionPayload(value);
  if (!checked.ok) {
    renderProblem(root, 'attention output', checked.problem);
    return null;
  }
  const payload = checked.payload;
  const state = initialState(payload, remembered);
  const doc = startRoot(root, ATTENTION_STYLE);
  root.append(buildExplorer(doc, payload, state));
  return state;
}

function buildExplorer(doc: Document, payload: AttentionPayload, state: ViewState): HTMLElement {
  const { grid, image } = payload;
  const cache = new WeightCache();
  const id = `idc-attention-${++nextId}`;
  const src = `data:${image.mime};base64,${image.data}`;

  const wrapper = el(doc, 'div', 'attention');
  wrapper.style.setProperty('--overlay-opacity', String(state.opacity));

  const title = el(doc, 'div', 'title', payload.title);
  title.setAttribute('role', 'heading');
  title.setAttribute('aria-level', '3');
  wrapper.append(title);
  if (payload.caption !== undefined) {
    const caption = el(doc, 'p', 'caption');
    caption.append(el(doc, 'span', 'label', 'Caption: '), el(doc, 'span', 'text', payload.caption));
    wrapper.append(caption);
  }

  // ---- controls --------------------------------------------------------------------
  const controls = el(doc, 'div', 'toolbar controls');
  controls.setAttribute('role', 'group');
  controls.setAttribute('aria-label', 'Attention view');
  wrapper.append(controls);

  const sourceButtons = new Map<Source, HTMLButtonElement>();
  if (hasCross(payload)) {
    const group = el(doc, 'div', 'group source');
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', 'Attention source');
    for (const [source, label] of [['vit', 'ViT self-attention'], ['cross', 'Q-Former cross-attention']] as const) {
      const b = button(doc, label, () => {
        chooseSource(payload, state, source);
        refresh();
      }, state.source === source);
      b.dataset['source'] = source;
      sourceButtons.set(source, b);
      group.append(b);
    }
    controls.append(group);
  }

  const layer = slider(doc, 'Layer', 0, 0, 1, 0, (position) => {
    const entry = layersOf(payload, state.source)[position];
    if (!entry) return;
    chooseLayer(payload, state, entry);
    state.rollout = false;
    refresh();
  });
  layer.input.classList.add('layer');
  const layerValue = el(doc, 'output', 'layer-value');
  layer.label.append(layerValue);

  const head = choice(doc, 'Head', [], '', (v) => selectHead(Number(v)));
  head.select.classList.add('head');

  const query = choice(doc, 'Query', [], 'mean', (v) => {
    state.query = v === 'mean' ? null : Number(v);
    refresh();
  });
  query.select.classList.add('query');

  const rolloutNote = el(doc, 'span', 'rollout-note', payload.rollout ? 'attention rollout across every ViT layer' : 'not available: this output carries no rollout matrix');
  rolloutNote.id = `${id}-rollout-note`;
  const rollout = button(doc, 'Rollout', () => {
    if (!payload.rollout) return;
    if (!state.rollout && state.source !== 'vit') chooseSource(payload, state, 'vit');
    state.rollout = !state.rollout;
    refresh();
  }, state.rollout);
  rollout.classList.add('rollout');
  rollout.setAttribute('aria-describedby', rolloutNote.id);
  if (!payload.rollout) {
    rollout.disabled = true;
    rollout.title = 'This output carries no rollout matrix';
  }

  const opacity = slider(doc, 'Overlay opacity', 0, 100, 5, Math.round(state.opacity * 100), (v) => {
    state.opacity = v / 100;
    wrapper.style.setProperty('--overlay-opacity', String(state.opacity));
    showOpacity();
  });
  opacity.input.classList.add('opacity');
  const opacityValue = el(doc, 'output', 'opacity-value');
  opacity.label.append(opacityValue);
  const showOpacity = (): void => {
    const text = `${Math.round(state.opacity * 100)}%`;
    opacityValue.textContent = text;
    opacity.input.setAttribute('aria-valuetext', text);
  };
  showOpacity();

  const rolloutLabel = el(doc, 'span', 'rollout-control');
  rolloutLabel.append(rollout, doc.createTextNode(' '), rolloutNote);
  controls.append(layer.label, head.label, query.label, rolloutLabel, opacity.label);

  // ---- the large view ------------------------------------------------------------------
  const main = el(doc, 'div', 'main');
  const large = el(doc, 'figure', 'large');
  const scale = fitScale(image.width, image.height, LARGE_BOX.width, LARGE_BOX.height);
  const stage = el(doc, 'div', 'stage view');
  sized(stage, image.width * scale, image.height * scale);
  stage.tabIndex = 0;
  stage.setAttribute('role', 'application');
  stage.setAttribute('aria-roledescription', 'attention map');
  stage.setAttribute('aria-label', 'Attention map of the stacked pair (top image above the red line, bottom image below). Arrow keys move the inspected patch, Escape returns to the mean.');
  const picture = el(doc, 'img', 'pair');
  picture.alt = `The stacked image pair: ${payload.title}`;
  picture.decoding = 'async';
  picture.draggable = false;
  picture.addEventListener('load', () => (wrapper.dataset['image'] = 'loaded'));
  picture.addEventListener('error', () => {
    wrapper.dataset['image'] = 'error';
    imageProblem.hidden = false;
  });
  picture.src = src;
  const largeCanvas = overlayCanvas(doc, grid, 'overlay large-overlay');
  const outline = el(doc, 'div', 'outline');
  outline.hidden = true;
  outline.setAttribute('aria-hidden', 'true');
  stage.append(picture, largeCanvas, boundaryLine(doc, payload), outline);

  const label = el(doc, 'figcaption', 'map-label');
  const legend = el(doc, 'div', 'legend');
  const ramp = el(doc, 'div', 'ramp');
  ramp.style.backgroundImage = rampGradient();
  ramp.setAttribute('aria-hidden', 'true');
  const legendMax = el(doc, 'span', 'legend-max');
  legend.append(el(doc, 'span', undefined, '0'), ramp, legendMax);
  const readout = el(doc, 'p', 'readout');
  readout.id = `${id}-readout`;
  readout.setAttribute('role', 'status');
  readout.setAttribute('aria-live', 'polite');
  stage.setAttribute('aria-describedby', readout.id);
  const imageProblem = el(doc, 'p', 'problem error', 'The image could not be decoded; the heatmap is shown without it.');
  imageProblem.hidden = true;
  large.append(label, stage, legend, readout, imageProblem);

  // ---- small multiples -------------------------------------------------------------------
  const multiples = el(doc, 'figure', 'multiples');
  const multiplesCaption = el(doc, 'figcaption');
  const heads = el(doc, 'div', 'heads');
  heads.setAttribute('role', 'group');
  multiples.append(multiplesCaption, heads);
  main.append(large, multiples);
  wrapper.append(main);

  if (payload.notes.length > 0) {
    const notes = el(doc, 'ul', 'notes');
    for (const n of payload.notes) notes.append(el(doc, 'li', undefined, n));
    wrapper.append(notes);
  }

  // ---- behaviour -------------------------------------------------------------------------
  const thumbScale = fitScale(image.width, image.height, THUMB_BOX.width, THUMB_BOX.height);
  let thumbs: Array<{ head: HeadEntry; button: HTMLButtonElement; canvas: HTMLCanvasElement }> = [];
  let shownLayer = '';
  let hover: Patch | null = null;
  let keyed: Patch | null = null;
  let pointerFocus = false;

  function selectHead(h: number): void {
    state.head = h;
    state.rollout = false;
    refresh();
  }

  /** Rebuilds what depends on the layer: the heads' small multiples and the select options. */
  function showLayer(): void {
    const entry = currentLayer(payload, state);
    const key = `${state.source}:${entry.layer}`;
    if (key === shownLayer) return;
    shownLayer = key;
    const what = state.source === 'vit' ? 'ViT layer' : 'Q-Former cross layer';
    multiplesCaption.textContent = `Heads of ${what} ${entry.layer} (choose one for the large view)`;
    heads.setAttribute('aria-label', `Heads of ${what} ${entry.layer}`);
    thumbs = entry.heads.map((h) => {
      const b = el(doc, 'button', 'multiple');
      b.type = 'button';
      b.dataset['head'] = String(h.head);
      b.dataset['layer'] = String(entry.layer);
      b.setAttribute('aria-label', `Head ${h.head}, ${what} ${entry.layer}`);
      const thumb = el(doc, 'div', 'thumb');
      sized(thumb, image.width * thumbScale, image.height * thumbScale);
      const img = el(doc, 'img');
      img.alt = '';
      img.decoding = 'async';
      img.draggable = false;
      img.src = src;
      const canvas = overlayCanvas(doc, grid, 'overlay');
      thumb.append(img, canvas, boundaryLine(doc, payload));
      b.append(thumb, el(doc, 'span', 'head-label', `Head ${h.head}`));
      b.addEventListener('click', () => selectHead(h.head));
      // Handled here, not left to the button's default, so Enter and Space act once and
      // the same way in every host.
      b.addEventListener('keydown', (e) => {
        if (e.key !== 'Enter' && e.key !== ' ') return;
        e.preventDefault();
        selectHead(h.head);
      });
      return { head: h, button: b, canvas };
    });
    heads.replaceChildren(...thumbs.map((t) => t.button));

    const headOptions = entry.heads.map((h) => {
      const o = el(doc, 'option', undefined, `Head ${h.head}`);
      o.value = String(h.head);
      return o;
    });
    head.select.replaceChildren(...headOptions);
    const queries = currentHead(payload, state).weights.rows;
    const queryOptions = [['mean', `Mean over ${queries} queries`] as const, ...Array.from({ length: queries }, (_, q) => [String(q), `Query ${q}`] as const)].map(([v, text]) => {
      const o = el(doc, 'option', undefined, text);
      o.value = v;
      return o;
    });
    query.select.replaceChildren(...queryOptions);
  }

  function syncControls(): void {
    const layers = layersOf(payload, state.source);
    const position = layerPosition(payload, state);
    const entry = currentLayer(payload, state);
    for (const [source, b] of sourceButtons) b.setAttribute('aria-pressed', String(state.source === source));
    layer.input.max = String(layers.length - 1);
    layer.input.value = String(position);
    layer.input.disabled = layers.length < 2;
    const layerText = `layer ${entry.layer} (${position + 1} of ${layers.length})`;
    layer.input.setAttribute('aria-valuetext', layerText);
    layerValue.textContent = String(entry.layer);
    layerValue.title = layerText;
    head.select.value = String(currentHead(payload, state).head);
    query.label.hidden = state.source !== 'cross';
    query.select.value = state.query === null ? 'mean' : String(state.query);
    rollout.setAttribute('aria-pressed', String(state.rollout));
  }

  function refresh(): void {
    showLayer();
    syncControls();
    const patch = hover ?? keyed;
    // A Q-Former row is a query, a ViT or rollout row a patch that looks.
    const row = state.source === 'cross' ? state.query : patch ? patchIndex(patch, grid) : null;
    const m = shownMatrix(payload, state);
    const values = overlayValues(cache, m, row);
    paintHeatmap(largeCanvas, values, grid);
    legendMax.textContent = `${mapMaximum(values).toPrecision(3)} (the map's largest weight)`;
    for (const t of thumbs) {
      paintHeatmap(t.canvas, overlayValues(cache, t.head.weights, row), grid);
      t.button.setAttribute('aria-pressed', String(!state.rollout && t.head.head === state.head));
    }
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
    const d = wrapper.dataset;
    d['source'] = state.source;
    d['layer'] = String(currentLayer(payload, state).layer);
    d['head'] = String(currentHead(payload, state).head);
    d['rollout'] = String(state.rollout);
    d['query'] = state.query === null ? 'mean' : String(state.query);
    d['patch'] = patch ? `${patch.row},${patch.column}` : '';
  }

  function patchUnder(e: MouseEvent): Patch | null {
    const rect = stage.getBoundingClientRect();
    // Without layout (JSDOM) the sizes are 0: fall back to the size the stage was given.
    const width = stage.clientWidth || image.width * scale;
    const height = stage.clientHeight || image.height * scale;
    return patchAtPoint(e.clientX - rect.left - stage.clientLeft, e.clientY - rect.top - stage.clientTop, width, height, grid);
  }

  const same = (a: Patch | null, b: Patch | null): boolean => a === b || (a !== null && b !== null && a.row === b.row && a.column === b.column);
  stage.addEventListener('pointermove', (e) => {
    const p = patchUnder(e);
    if (same(p, hover)) return;
    hover = p;
    refresh();
  });
  stage.addEventListener('pointerleave', () => {
    if (hover === null) return;
    hover = null;
    refresh();
  });
  stage.addEventListener('pointerdown', () => (pointerFocus = true));
  stage.addEventListener('focus', () => {
    // A click focuses the map too; only keyboard focus pins a patch, so that leaving with
    // the mouse still restores the mean.
    if (!pointerFocus && keyed === null) {
      keyed = hover ?? { row: 0, column: 0 };
      refresh();
    }
    pointerFocus = false;
  });
  stage.addEventListener('blur', () => {
    pointerFocus = false;
    if (keyed === null) return;
    keyed = null;
    refresh();
  });
  stage.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      if (keyed === null && hover === null) return;
      keyed = null;
      hover = null;
      refresh();
      return;
    }
    const to = movePatch(hover ?? keyed ?? { row: 0, column: 0 }, e.key, grid);
    if (!to) return;
    e.preventDefault();
    keyed = to;
    hover = null;
    refresh();
  });

  refresh();
  wrapper.dataset['ready'] = 'true';
  return wrapper;
}
