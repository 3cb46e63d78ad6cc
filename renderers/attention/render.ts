/**
 * The attention explorer: the stacked pair under a heatmap of one head (or the rollout, or a
 * Q-Former query) in ./stage, a small multiple per head of the chosen layer in ./multiples,
 * the controls in ./controls, all reading and changing one view state (./state). Payload
 * text reaches the page only through textContent and attribute APIs.
 */
import { el, renderProblem, startRoot } from '../shared/dom';
import type { ExplorerContext } from './context';
import { buildControls } from './controls';
import { patchIndex, type Patch } from './grid';
import { buildMultiples } from './multiples';
import { buildStage } from './stage';
import { chooseHead, currentHead, currentLayer, initialState, type ViewState } from './state';
import { ATTENTION_STYLE } from './style';
import { validateAttentionPayload } from './validate';
import { WeightCache } from './weights';

export { THUMB_BOX } from './multiples';
export { paintHeatmap } from './overlay';
export { LARGE_BOX } from './stage';

/** Ids only need to be unique per document (outputs rendered without a shadow root share one). */
let nextId = 0;

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
  const { image } = payload;
  root.append(
    buildExplorer({
      doc,
      payload,
      state,
      cache: new WeightCache(),
      idPrefix: `idc-attention-${++nextId}`,
      imageUrl: `data:${image.mime};base64,${image.data}`,
    }),
  );
  return state;
}

/** The row of each matrix the overlays show: a Q-Former row is a query, a ViT or rollout row a patch that looks. */
function overlayRow(ctx: ExplorerContext, patch: Patch | null): number | null {
  if (ctx.state.source === 'cross') return ctx.state.query;
  return patch ? patchIndex(patch, ctx.payload.grid) : null;
}

function buildExplorer(ctx: ExplorerContext): HTMLElement {
  const { doc, payload, state } = ctx;
  const wrapper = el(doc, 'div', 'attention');
  const showOpacity = (): void => wrapper.style.setProperty('--overlay-opacity', String(state.opacity));
  showOpacity();

  const title = el(doc, 'div', 'title', payload.title);
  title.setAttribute('role', 'heading');
  title.setAttribute('aria-level', '3');
  wrapper.append(title);
  if (payload.caption !== undefined) {
    const caption = el(doc, 'p', 'caption');
    caption.append(el(doc, 'span', 'label', 'Caption: '), el(doc, 'span', 'text', payload.caption));
    wrapper.append(caption);
  }

  const controls = buildControls(ctx, { changed: refresh, opacity: showOpacity });
  const stage = buildStage(ctx, {
    patchChanged: refresh,
    image: (status) => (wrapper.dataset.image = status),
  });
  const multiples = buildMultiples(ctx, (head) => {
    chooseHead(state, head);
    refresh();
  });
  const main = el(doc, 'div', 'main');
  main.append(stage.element, multiples.element);
  wrapper.append(controls.element, main);

  if (payload.notes.length > 0) {
    const notes = el(doc, 'ul', 'notes');
    for (const n of payload.notes) notes.append(el(doc, 'li', undefined, n));
    wrapper.append(notes);
  }

  // Thumbnails and options are rebuilt only when the layer changes, not on every hover.
  let shownLayer = '';

  function refresh(): void {
    const layer = currentLayer(payload, state);
    const layerKey = `${state.source}:${layer.layer}`;
    if (layerKey !== shownLayer) {
      shownLayer = layerKey;
      multiples.showLayer(layer);
      controls.showLayer(layer);
    }
    controls.sync();
    const patch = stage.inspected();
    const row = overlayRow(ctx, patch);
    stage.paint(row);
    multiples.paint(row);
    const d = wrapper.dataset;
    d.source = state.source;
    d.layer = String(layer.layer);
    d.head = String(currentHead(payload, state).head);
    d.rollout = String(state.rollout);
    d.query = state.query === null ? 'mean' : String(state.query);
    d.patch = patch ? `${patch.row},${patch.column}` : '';
  }

  refresh();
  wrapper.dataset.ready = 'true';
  return wrapper;
}
