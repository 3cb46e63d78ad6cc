/**
 * The image-pair viewer, drawn into a shadow root (or any element): title, where the payload
 * stands in the selection, the mode switch and its slider, paging, a grid of pair cards for
 * the current page, and the payload's notes. Only one page of cards exists at a time, and
 * heatmaps are computed only for it and only in difference mode, which keeps a payload of
 * many pairs quick to show. Rendering into the same root again (an in-place update) keeps
 * the mode, page, sliders and zoom (./state).
 */
import type { ImagePairPayload } from '../../kernels/outputs/contracts';
import { el, renderProblem, startRoot } from '../shared/dom';
import { modeControls } from './controls';
import type { DifferenceStatus } from './differenceView';
import { pager } from './pager';
import { pageRange, selectionLabel } from './paging';
import { pairCard, type PairCard } from './pairCard';
import { keepPage, keepPairs, viewStateFor, type Mode } from './state';
import { STYLE } from './style';
import { validateImagePairPayload } from './validate';

export interface ImagePairView {
  /**
   * Settles when every pair on the page shows its heatmap or says why it cannot (at once
   * outside difference mode). The same news reaches the DOM as data-difference on `.pairs`.
   */
  settled(): Promise<void>;
}

/** The page's difference status as one word: ready only when every pair is. */
function overall(statuses: DifferenceStatus[]): DifferenceStatus {
  if (statuses.includes('failed')) return 'failed';
  if (statuses.includes('unavailable')) return 'unavailable';
  return 'ready';
}

/** Replaces root's content with the viewer; returns null (and shows why) for an invalid payload. */
export function renderImagePairs(value: unknown, root: ShadowRoot | HTMLElement): ImagePairView | null {
  const checked = validateImagePairPayload(value);
  if (!checked.ok) {
    renderProblem(root, 'image-pair output', checked.problem);
    return null;
  }
  const payload: ImagePairPayload = checked.payload;
  const state = viewStateFor(root);
  keepPairs(state, new Set(payload.pairs.map((p) => p.id)));
  keepPage(state, payload.offset, payload.total);
  const doc = startRoot(root, STYLE);

  const viewer = el(doc, 'div', 'viewer');
  viewer.dataset.mode = state.mode;
  if (payload.title) viewer.append(el(doc, 'div', 'title', payload.title));
  const selection = selectionLabel(payload.offset, payload.pairs.length, payload.total);
  if (selection !== null) viewer.append(el(doc, 'p', 'selection', `This output holds ${selection}.`));

  const grid = el(doc, 'div', 'pairs');
  let cards: PairCard[] = [];
  let settled: Promise<void> = Promise.resolve();

  const track = () => {
    if (state.mode !== 'difference') {
      delete grid.dataset.difference;
      settled = Promise.resolve();
      return;
    }
    grid.dataset.difference = 'pending';
    const shown = cards;
    settled = Promise.all(shown.map((c) => c.difference() ?? Promise.resolve<DifferenceStatus>('ready'))).then((statuses) => {
      // a later page or mode has its own tracking by now
      if (cards === shown && state.mode === 'difference') grid.dataset.difference = overall(statuses);
    });
  };

  const pages = pager(
    doc,
    state.pageSize,
    (delta) => {
      state.page += delta;
      showPage();
    },
    (size) => {
      // keep the first pair on view on the page that now holds it
      state.page = Math.floor((state.page * state.pageSize) / size);
      state.pageSize = size;
      showPage();
    },
  );

  const showPage = () => {
    const range = pageRange(payload.pairs.length, state.page, state.pageSize);
    state.page = range.page;
    cards = payload.pairs
      .slice(range.start, range.end)
      .map((pair, k) => pairCard({ doc, pair, index: range.start + k, offset: payload.offset, total: payload.total, state }));
    if (cards.length > 0) grid.replaceChildren(...cards.map((c) => c.element));
    else grid.replaceChildren(el(doc, 'p', 'empty', 'This output holds no pairs.'));
    grid.dataset.start = String(range.start);
    grid.dataset.end = String(range.end);
    pages.update(range, payload.pairs.length);
    track();
  };

  const controls = modeControls(doc, state, {
    mode(mode: Mode) {
      state.mode = mode;
      viewer.dataset.mode = mode;
      controls.setMode(mode);
      for (const c of cards) c.setMode(mode);
      track();
    },
    opacity(percent) {
      state.opacity = percent;
      for (const c of cards) c.setOpacity(percent);
    },
    threshold(threshold) {
      state.threshold = threshold;
      for (const c of cards) c.setThreshold(threshold);
    },
  });

  viewer.append(controls.element, pages.element, grid);
  if (payload.notes.length > 0) {
    const notes = el(doc, 'ul', 'notes');
    for (const note of payload.notes) notes.append(el(doc, 'li', 'note-item', note));
    viewer.append(notes);
  }
  root.append(viewer);
  showPage();
  return { settled: () => settled };
}
