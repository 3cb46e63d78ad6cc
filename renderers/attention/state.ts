/**
 * What the reader has chosen (source, layer, head, query, rollout, opacity) and how a choice
 * survives a new payload: VS Code re-renders an output in place, and the view should stay on
 * the same layer and head when the new payload still has them.
 */
import type { AttentionPayload, QuantisedMatrix } from '../../kernels/outputs/contracts';

/** ViT self-attention (patches x patches) or Q-Former cross-attention (queries x patches). */
export type Source = 'vit' | 'cross';

export interface ViewState {
  source: Source;
  /** Layer and head numbers as the payload names them (not positions). */
  layer: number;
  head: number;
  /** Cross-attention: one query's row, or null for the mean over queries. */
  query: number | null;
  /** Show the rollout matrix instead of the chosen ViT layer and head. */
  rollout: boolean;
  /** Overlay opacity, 0 to 1. */
  opacity: number;
  /** The layer and head last shown of each source, to return to after a switch. */
  bySource: Partial<Record<Source, { layer: number; head: number }>>;
}

export type LayerEntry = AttentionPayload['layers'][number];
export type HeadEntry = LayerEntry['heads'][number];

export const DEFAULT_OPACITY = 0.7;

export function hasCross(payload: AttentionPayload): boolean {
  return (payload.cross?.length ?? 0) > 0;
}

/** The layers the layer slider walks for a source (the payload may carry only some). */
export function layersOf(payload: AttentionPayload, source: Source): LayerEntry[] {
  return source === 'cross' && payload.cross && payload.cross.length > 0 ? payload.cross : payload.layers;
}

/** Position of the chosen layer in its list (validated payloads are never empty). */
export function layerPosition(payload: AttentionPayload, state: ViewState): number {
  return Math.max(
    0,
    layersOf(payload, state.source).findIndex((l) => l.layer === state.layer),
  );
}

export function currentLayer(payload: AttentionPayload, state: ViewState): LayerEntry {
  const layers = layersOf(payload, state.source);
  return (layers[layerPosition(payload, state)] ?? layers[0]) as LayerEntry;
}

export function currentHead(payload: AttentionPayload, state: ViewState): HeadEntry {
  const heads = currentLayer(payload, state).heads;
  return (heads.find((h) => h.head === state.head) ?? heads[0]) as HeadEntry;
}

/** The matrix the large view shows: the rollout when chosen, else the layer's head. */
export function shownMatrix(payload: AttentionPayload, state: ViewState): QuantisedMatrix {
  return state.rollout && payload.rollout ? payload.rollout : currentHead(payload, state).weights;
}

/** Moves to layer entry `layer`, keeping the head number where that layer has it. */
export function chooseLayer(payload: AttentionPayload, state: ViewState, layer: LayerEntry): void {
  state.layer = layer.layer;
  if (!layer.heads.some((h) => h.head === state.head)) state.head = (layer.heads[0] as HeadEntry).head;
  clampQuery(payload, state);
}

/** Shows head `head` of the current layer; a head is a choice of matrix, so it ends a rollout view. */
export function chooseHead(state: ViewState, head: number): void {
  state.head = head;
  state.rollout = false;
}

/** Switches source, back to the layer and head last shown there (else its first layer). */
export function chooseSource(payload: AttentionPayload, state: ViewState, source: Source): void {
  const to: Source = source === 'cross' && hasCross(payload) ? 'cross' : 'vit';
  if (to !== state.source) {
    state.bySource[state.source] = { layer: state.layer, head: state.head };
    const back = state.bySource[to];
    if (back) {
      state.layer = back.layer;
      state.head = back.head;
    }
  }
  state.source = to;
  if (state.source === 'cross') state.rollout = false;
  const layers = layersOf(payload, state.source);
  chooseLayer(payload, state, layers.find((l) => l.layer === state.layer) ?? (layers[0] as LayerEntry));
}

function clampQuery(payload: AttentionPayload, state: ViewState): void {
  if (state.source !== 'cross' || state.query === null) return;
  if (state.query >= currentHead(payload, state).weights.rows) state.query = null;
}

/** A state valid for `payload`, keeping what it can of `previous`. */
export function initialState(payload: AttentionPayload, previous?: ViewState): ViewState {
  const state: ViewState = {
    source: 'vit',
    layer: (payload.layers[0] as LayerEntry).layer,
    head: -1,
    query: previous?.query ?? null,
    rollout: Boolean(previous?.rollout && payload.rollout),
    opacity: previous && Number.isFinite(previous.opacity) ? Math.max(0, Math.min(1, previous.opacity)) : DEFAULT_OPACITY,
    bySource: { ...previous?.bySource },
  };
  if (previous) {
    state.layer = previous.layer;
    state.head = previous.head;
  }
  // Starts in ViT with the previous layer and head; a previous Q-Former view is then restored.
  if (previous?.source === 'cross') {
    state.source = 'cross';
    chooseSource(payload, state, hasCross(payload) ? 'cross' : 'vit');
  } else chooseSource(payload, state, 'vit');
  return state;
}
