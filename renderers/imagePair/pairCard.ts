/**
 * One pair's element: its id and place in the selection, the picture in the current mode,
 * its zoom and export buttons with a status line, and its text. The card owns the pair's
 * one transform and gives it to every layer of the picture, so zoom and pan stay in sync
 * between before and after in every mode, and survive a mode switch.
 */
import type { ImagePairItem } from '../../kernels/outputs/contracts';
import { button, choice, el } from '../shared/dom';
import type { DifferenceStatus } from './differenceView';
import { canCopyImages, copyPng, NO_CLIPBOARD, savePng } from './exportImage';
import { pairInfo } from './pairInfo';
import { selectionPosition } from './paging';
import { attachPanZoom } from './panZoom';
import { buildStage, type Stage } from './stage';
import { isIdentity, IDENTITY, transformCss, zoomAt, zoomLabel, ZOOM_STEP, type ViewTransform } from './zoom';
import { swipeOf, zoomOf, type ImageChoice, type Mode, type ViewState } from './state';

export interface PairCardOptions {
  doc: Document;
  pair: ImagePairItem;
  /** Index of the pair in the payload. */
  index: number;
  /** The payload's place in the selection, for "113 of 500". */
  offset: number;
  total: number;
  state: ViewState;
}

export interface PairCard {
  element: HTMLElement;
  setMode(mode: Mode): void;
  setOpacity(percent: number): void;
  setThreshold(threshold: number): void;
  /** Difference mode: settles when the heatmap is drawn or known impossible; else undefined. */
  difference(): Promise<DifferenceStatus> | undefined;
}

/** Zooming past this scale shows pixels as squares: what is compared is pixel values. */
const PIXELATED_FROM = 3;

const IMAGE_CHOICES: ReadonlyArray<readonly [ImageChoice, string]> = [
  ['after', 'After'],
  ['before', 'Before'],
  ['difference', 'Heatmap'],
];

export function pairCard(o: PairCardOptions): PairCard {
  const { doc, pair, state } = o;
  const card = el(doc, 'article', 'pair');
  card.dataset.id = pair.id;
  card.dataset.index = String(o.index);
  card.setAttribute('aria-label', `Pair ${pair.id}`);

  const head = el(doc, 'header', 'pair-head');
  head.append(el(doc, 'h3', 'pair-id', pair.id), el(doc, 'span', 'position', selectionPosition(o.offset, o.index, o.total)));

  const status = el(doc, 'p', 'pair-status');
  status.setAttribute('role', 'status');
  const say = (text: string) => {
    status.textContent = text;
  };

  let stage: Stage | null = null;
  const zoomLevel = el(doc, 'span', 'zoom-level', zoomLabel(IDENTITY));

  const apply = (t: ViewTransform) => {
    if (isIdentity(t)) state.zoom.delete(pair.id);
    else state.zoom.set(pair.id, t);
    const css = transformCss(t);
    for (const layer of stage?.layers ?? []) layer.style.transform = css;
    zoomLevel.textContent = zoomLabel(t);
    card.dataset.zoom = String(Math.round(t.scale * 1000) / 1000);
    card.classList.toggle('pixelated', t.scale >= PIXELATED_FROM);
  };
  const target = { get: () => zoomOf(state, pair.id), set: apply };

  const zoomButton = (text: string, label: string, action: string, next: () => ViewTransform) => {
    const b = button(doc, text, () => apply(next()));
    b.setAttribute('aria-label', `${label} ${pair.id}`);
    b.dataset.action = action;
    return b;
  };
  const zoomOut = zoomButton('−', 'Zoom out of', 'zoom-out', () => zoomAt(target.get(), 1 / ZOOM_STEP));
  const zoomIn = zoomButton('+', 'Zoom into', 'zoom-in', () => zoomAt(target.get(), ZOOM_STEP));
  const reset = zoomButton('Reset', 'Reset zoom and pan of', 'zoom-reset', () => IDENTITY);

  // The image to save or copy follows the mode (the heatmap in difference mode) until the reader picks one.
  let picked = false;
  const imageChoice = choice(doc, 'Image', IMAGE_CHOICES, 'after', () => {
    picked = true;
  });
  imageChoice.select.setAttribute('aria-label', `Image of ${pair.id} to save or copy`);
  imageChoice.label.dataset.control = 'image';
  const chosen = () => imageChoice.select.value as ImageChoice;
  const save = button(doc, 'Save PNG', () => {
    say('Saving…');
    void savePng(doc, pair, chosen(), state.threshold).then(say);
  });
  save.setAttribute('aria-label', `Save the chosen image of ${pair.id} as PNG`);
  save.dataset.action = 'save';
  const copy = button(doc, 'Copy', () => {
    if (!canCopyImages(doc.defaultView)) return say(NO_CLIPBOARD);
    say('Copying…');
    void copyPng(doc, pair, chosen(), state.threshold).then(say);
  });
  copy.setAttribute('aria-label', `Copy the chosen image of ${pair.id} to the clipboard`);
  copy.dataset.action = 'copy';

  const zoomTools = el(doc, 'div', 'tools');
  zoomTools.setAttribute('role', 'group');
  zoomTools.setAttribute('aria-label', `Zoom of ${pair.id}`);
  zoomTools.append(zoomOut, zoomLevel, zoomIn, reset);
  const exportTools = el(doc, 'div', 'tools');
  exportTools.setAttribute('role', 'group');
  exportTools.setAttribute('aria-label', `Save or copy an image of ${pair.id}`);
  exportTools.append(imageChoice.label, save, copy);

  const tools = el(doc, 'div', 'pair-tools');
  tools.append(zoomTools, exportTools);
  const stageSlot = el(doc, 'div', 'stage-slot');
  card.append(head, stageSlot, tools, status, pairInfo(doc, pair));

  const setMode = (mode: Mode) => {
    card.className = `pair mode-${mode}`;
    card.dataset.mode = mode;
    delete card.dataset.difference;
    stage = buildStage({
      doc,
      pair,
      card,
      mode,
      opacity: state.opacity,
      threshold: state.threshold,
      swipe: swipeOf(state, pair.id),
      onSwipe: (percent) => state.swipe.set(pair.id, percent),
    });
    for (const v of stage.viewports) attachPanZoom(v, target);
    stageSlot.replaceChildren(stage.element);
    apply(target.get());
    if (!picked) imageChoice.select.value = mode === 'difference' ? 'difference' : 'after';
  };
  setMode(state.mode);

  return {
    element: card,
    setMode,
    setOpacity: (percent) => stage?.setOpacity(percent),
    setThreshold: (threshold) => stage?.setThreshold(threshold),
    difference: () => stage?.difference,
  };
}
