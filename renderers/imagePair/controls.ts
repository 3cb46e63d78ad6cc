/**
 * The viewer's toolbar: the mode switch (toggle buttons, aria-pressed) that applies to every
 * pair shown, and the slider of the modes that have one (onion skin's opacity, difference's
 * threshold), shown only in its mode. The sliders also apply to every pair: comparing pairs
 * at one setting is the point of a grid.
 */
import { button, el, slider } from '../shared/dom';
import { MODES, type Mode, type ViewState } from './state';

export interface ControlHandlers {
  mode(mode: Mode): void;
  opacity(percent: number): void;
  threshold(threshold: number): void;
}

export interface Controls {
  element: HTMLElement;
  setMode(mode: Mode): void;
}

function valueSlider(
  doc: Document,
  label: string,
  control: string,
  min: number,
  max: number,
  value: number,
  text: (v: number) => string,
  onInput: (v: number) => void,
) {
  const shown = el(doc, 'span', 'slider-value', text(value));
  const s = slider(doc, label, min, max, 1, value, (v) => {
    shown.textContent = text(v);
    s.input.setAttribute('aria-valuetext', text(v));
    onInput(v);
  });
  s.input.setAttribute('aria-valuetext', text(value));
  s.label.dataset.control = control;
  s.label.append(shown);
  return s;
}

export function modeControls(doc: Document, state: ViewState, on: ControlHandlers): Controls {
  const bar = el(doc, 'div', 'toolbar controls');
  const group = el(doc, 'div', 'modes');
  group.setAttribute('role', 'group');
  group.setAttribute('aria-label', 'Comparison mode');
  const buttons = MODES.map(([mode, text]) => {
    const b = button(doc, text, () => on.mode(mode), mode === state.mode);
    b.dataset.mode = mode;
    return b;
  });
  group.append(...buttons);

  const opacity = valueSlider(doc, 'After opacity', 'opacity', 0, 100, state.opacity, (v) => `${v}%`, on.opacity);
  const threshold = valueSlider(doc, 'Difference threshold', 'threshold', 1, 255, state.threshold, (v) => `${v} of 255`, on.threshold);
  const hint = el(doc, 'span', 'hint', 'Drag to pan; Ctrl+wheel or the + and − buttons zoom.');
  bar.append(group, opacity.label, threshold.label, hint);

  const setMode = (mode: Mode) => {
    for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.mode === mode));
    opacity.label.hidden = mode !== 'onion';
    threshold.label.hidden = mode !== 'difference';
  };
  setMode(state.mode);
  return { element: bar, setMode };
}
