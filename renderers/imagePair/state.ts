/**
 * What the viewer remembers between renders of one output: VS Code renders an in-place
 * update into the same element again, and the reader's chosen mode, page, sliders and each
 * pair's zoom should survive it. Kept in a WeakMap keyed by the root, so it goes with the
 * element; per-pair settings are keyed by pair id, so they follow a pair across pages.
 */
import { PAGE_SIZE } from './paging';
import { IDENTITY, type ViewTransform } from './zoom';

export type Mode = 'two-up' | 'swipe' | 'onion' | 'difference';

/** The modes in the order of the mode switch, with their button text. */
export const MODES: ReadonlyArray<readonly [Mode, string]> = [
  ['two-up', '2-up'],
  ['swipe', 'Swipe'],
  ['onion', 'Onion skin'],
  ['difference', 'Difference'],
];

export type ImageChoice = 'after' | 'before' | 'difference';

export interface ViewState {
  mode: Mode;
  /** The renderer's page over the payload's pairs (0-based; clamped when shown). */
  page: number;
  /** Pairs per page (PAGE_SIZES). */
  pageSize: number;
  /** Onion skin: opacity of the after image over the before image, 0..100. */
  opacity: number;
  /** Difference mode: smallest difference (0..255 per channel) still shown. */
  threshold: number;
  /** Swipe: divider position per pair, 0 (all after) .. 100 (all before), percent from the left. */
  swipe: Map<string, number>;
  zoom: Map<string, ViewTransform>;
  /** Which slice of the selection the page number refers to ("offset/total" of the last payload). */
  slice: string | null;
}

export const DEFAULT_SWIPE = 50;

export function initialState(): ViewState {
  return { mode: 'two-up', page: 0, pageSize: PAGE_SIZE, opacity: 50, threshold: 8, swipe: new Map(), zoom: new Map(), slice: null };
}

const states = new WeakMap<object, ViewState>();

/** The state of the output rendered into `key`, created on its first render. */
export function viewStateFor(key: object): ViewState {
  let state = states.get(key);
  if (!state) {
    state = initialState();
    states.set(key, state);
  }
  return state;
}

/** Drops per-pair settings of pairs an update no longer holds, so the maps cannot grow without bound. */
export function keepPairs(state: ViewState, ids: ReadonlySet<string>): void {
  for (const map of [state.swipe, state.zoom] as const) {
    for (const id of [...map.keys()]) if (!ids.has(id)) map.delete(id);
  }
}

/**
 * Keeps the page for an update of the same slice of the selection (new scores, say), but
 * starts at the first page when the kernel sent another slice: page 3 of a different set of
 * pairs is not where the reader was.
 */
export function keepPage(state: ViewState, offset: number, total: number): void {
  const slice = `${offset}/${total}`;
  if (state.slice !== null && state.slice !== slice) state.page = 0;
  state.slice = slice;
}

export function zoomOf(state: ViewState, id: string): ViewTransform {
  return state.zoom.get(id) ?? IDENTITY;
}

export function swipeOf(state: ViewState, id: string): number {
  return state.swipe.get(id) ?? DEFAULT_SWIPE;
}

export function isMode(value: string): value is Mode {
  return MODES.some(([m]) => m === value);
}
