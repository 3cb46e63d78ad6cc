/**
 * The swipe mode's divider: the before image shows left of it, the after image right of it.
 * The divider lives in viewport coordinates (outside the zoomed layer), so it stays where
 * the reader put it while they zoom and pan. It is a role="slider" operable by pointer
 * (dragging it) and by keyboard (sliderKeys), and reports its position through aria-valuenow.
 */
import { el } from '../shared/dom';
import { sliderKeyValue, type SliderRange } from './sliderKeys';

const RANGE: SliderRange = { min: 0, max: 100, step: 1, bigStep: 10 };

export interface SwipeDivider {
  divider: HTMLElement;
  set(percent: number): void;
}

/** `clip` holds the before layer; it is cut at the divider. */
export function swipeDivider(
  doc: Document,
  viewport: HTMLElement,
  clip: HTMLElement,
  pairLabel: string,
  value: number,
  onChange: (percent: number) => void,
): SwipeDivider {
  const divider = el(doc, 'div', 'divider');
  divider.tabIndex = 0;
  divider.setAttribute('role', 'slider');
  divider.setAttribute('aria-label', `Swipe divider for ${pairLabel}`);
  divider.setAttribute('aria-orientation', 'horizontal');
  divider.setAttribute('aria-valuemin', String(RANGE.min));
  divider.setAttribute('aria-valuemax', String(RANGE.max));
  divider.append(el(doc, 'span', 'knob'));

  let current = value;
  const set = (percent: number) => {
    current = Math.round(Math.min(RANGE.max, Math.max(RANGE.min, percent)) * 10) / 10;
    divider.style.left = `${current}%`;
    clip.style.clipPath = `inset(0 ${100 - current}% 0 0)`;
    divider.setAttribute('aria-valuenow', String(current));
    divider.setAttribute('aria-valuetext', `${current}% before, ${Math.round((100 - current) * 10) / 10}% after`);
  };
  set(value);
  const change = (percent: number) => {
    set(percent);
    onChange(current);
  };

  divider.addEventListener('keydown', (e) => {
    const next = sliderKeyValue(e.key, e.shiftKey, current, RANGE);
    if (next === null) return;
    // handled here: the pan area around the divider would otherwise pan on the same arrow key
    e.preventDefault();
    e.stopPropagation();
    change(next);
  });

  const fromPointer = (clientX: number) => {
    const rect = viewport.getBoundingClientRect();
    if (rect.width > 0) change((100 * (clientX - rect.left)) / rect.width);
  };
  divider.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    // a drag of the divider is not a pan of the images under it
    e.stopPropagation();
    e.preventDefault();
    divider.focus();
    divider.setPointerCapture?.(e.pointerId);
    const move = (m: PointerEvent) => fromPointer(m.clientX);
    const end = () => {
      divider.removeEventListener('pointermove', move);
      divider.removeEventListener('pointerup', end);
      divider.removeEventListener('pointercancel', end);
    };
    divider.addEventListener('pointermove', move);
    divider.addEventListener('pointerup', end);
    divider.addEventListener('pointercancel', end);
  });
  return { divider, set };
}
