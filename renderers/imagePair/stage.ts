/**
 * The picture part of one pair in each mode, as GitHub's image diff shows it: 2-up (two
 * viewports side by side), swipe (after under before, before cut at a divider), onion skin
 * (after over before at an opacity) and difference (the heatmap over the dimmed after
 * image). Every image sits in a `.layer` that fills its `.viewport`; the card gives all
 * layers of a pair one transform, which is what keeps zoom and pan in sync.
 */
import type { EncodedImage, ImagePairItem } from '../../kernels/outputs/contracts';
import { el } from '../shared/dom';
import { differenceLayer, type DifferenceStatus } from './differenceView';
import { dataUrl } from './pixels';
import type { Mode } from './state';
import { swipeDivider } from './swipe';

/** Tallest a viewport is drawn, in CSS pixels; wide images are limited by the card's width. */
export const MAX_VIEW_HEIGHT = 240;

export interface StageOptions {
  doc: Document;
  pair: ImagePairItem;
  /** The pair's element, which carries data-difference while difference mode draws. */
  card: HTMLElement;
  mode: Mode;
  opacity: number;
  threshold: number;
  swipe: number;
  onSwipe(percent: number): void;
}

export interface Stage {
  element: HTMLElement;
  /** The pan areas: pointer, wheel and keyboard input on these zooms and pans. */
  viewports: HTMLElement[];
  /** Everything that takes the pair's transform. */
  layers: HTMLElement[];
  setOpacity(percent: number): void;
  setThreshold(threshold: number): void;
  /** Difference mode only: settles when the heatmap is drawn or known impossible. */
  difference?: Promise<DifferenceStatus>;
}

function image(doc: Document, encoded: EncodedImage, className: string, alt: string): HTMLImageElement {
  const img = el(doc, 'img', className);
  img.alt = alt;
  img.width = encoded.width;
  img.height = encoded.height;
  img.decoding = 'async';
  img.draggable = false;
  img.src = dataUrl(encoded);
  return img;
}

function viewport(doc: Document, pair: ImagePairItem, what: string): HTMLElement {
  const v = el(doc, 'div', 'viewport');
  v.tabIndex = 0;
  v.setAttribute('role', 'group');
  v.setAttribute('aria-roledescription', 'pan and zoom area');
  v.setAttribute('aria-label', `${what} of ${pair.id}: drag or use the arrow keys to pan, Ctrl+wheel or + and - to zoom, 0 to reset`);
  v.dataset.pan = what;
  const { width, height } = pair.after;
  v.style.aspectRatio = `${width} / ${height}`;
  v.style.maxWidth = `${Math.round((MAX_VIEW_HEIGHT * width) / height)}px`;
  return v;
}

function layer(doc: Document, ...content: HTMLElement[]): HTMLElement {
  const l = el(doc, 'div', 'layer');
  l.append(...content);
  return l;
}

function corner(doc: Document, side: 'left' | 'right', text: string): HTMLElement {
  const c = el(doc, 'span', `corner ${side}`, text);
  c.setAttribute('aria-hidden', 'true');
  return c;
}

const sizeText = (i: EncodedImage) => `${i.width}×${i.height}`;

export function buildStage(o: StageOptions): Stage {
  const { doc, pair } = o;
  const stage = el(doc, 'div', `stage stage-${o.mode}`);
  const none = () => undefined;

  if (o.mode === 'two-up') {
    const sides = (['before', 'after'] as const).map((which) => {
      const figure = el(doc, 'figure', 'side');
      figure.dataset.image = which;
      const v = viewport(doc, pair, which === 'before' ? 'Before image' : 'After image');
      const l = layer(doc, image(doc, pair[which], 'picture', `${which} image of ${pair.id}`));
      v.append(l);
      figure.append(el(doc, 'figcaption', undefined, `${which === 'before' ? 'Before' : 'After'} · ${sizeText(pair[which])}`), v);
      return { figure, v, l };
    });
    stage.append(...sides.map((s) => s.figure));
    return { element: stage, viewports: sides.map((s) => s.v), layers: sides.map((s) => s.l), setOpacity: none, setThreshold: none };
  }

  const v = viewport(doc, pair, 'Images');
  stage.append(v);

  if (o.mode === 'swipe') {
    const under = layer(doc, image(doc, pair.after, 'picture', `after image of ${pair.id}`));
    const over = layer(doc, image(doc, pair.before, 'picture', `before image of ${pair.id}`));
    const clip = el(doc, 'div', 'clip');
    clip.append(over);
    const { divider } = swipeDivider(doc, v, clip, pair.id, o.swipe, o.onSwipe);
    v.append(under, clip, divider, corner(doc, 'left', 'Before'), corner(doc, 'right', 'After'));
    return { element: stage, viewports: [v], layers: [under, over], setOpacity: none, setThreshold: none };
  }

  if (o.mode === 'onion') {
    const top = image(doc, pair.after, 'picture top', `after image of ${pair.id}`);
    const setOpacity = (percent: number) => {
      top.style.opacity = String(percent / 100);
    };
    setOpacity(o.opacity);
    const l = layer(doc, image(doc, pair.before, 'picture', `before image of ${pair.id}`), top);
    v.append(l);
    return { element: stage, viewports: [v], layers: [l], setOpacity, setThreshold: none };
  }

  const diff = differenceLayer(doc, pair, o.card, o.threshold);
  const l = layer(doc, image(doc, pair.after, 'picture dim', `after image of ${pair.id}, dimmed`), diff.content);
  v.append(l);
  stage.append(diff.summary);
  return { element: stage, viewports: [v], layers: [l], setOpacity: none, setThreshold: diff.setThreshold, difference: diff.done };
}
