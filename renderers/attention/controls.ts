/**
 * The explorer's toolbar: the source switch (only when the payload has Q-Former
 * cross-attention), the layer slider over the layers present, the head and query selects,
 * the rollout toggle and the overlay opacity. A control changes the view state, then says so
 * through its handlers; the explorer repaints.
 */
import { button, choice, el, slider } from '../shared/dom';
import type { ExplorerContext } from './context';
import { chooseHead, chooseLayer, chooseSource, currentHead, currentLayer, hasCross, layerPosition, layersOf, type LayerEntry, type Source } from './state';

export interface ControlHandlers {
  /** The view state changed in a way the map and the small multiples show. */
  changed(): void;
  /** Only the overlay opacity changed: a style to set, nothing to repaint. */
  opacity(): void;
}

export interface Controls {
  element: HTMLDivElement;
  /** Refills the head and query options for a newly shown layer. */
  showLayer(layer: LayerEntry): void;
  /** Brings every control in line with the view state. */
  sync(): void;
}

function sourceSwitch(ctx: ExplorerContext, on: ControlHandlers): { group: HTMLDivElement; buttons: Map<Source, HTMLButtonElement> } {
  const { doc, payload, state } = ctx;
  const group = el(doc, 'div', 'group source');
  group.setAttribute('role', 'group');
  group.setAttribute('aria-label', 'Attention source');
  const buttons = new Map<Source, HTMLButtonElement>();
  for (const [source, label] of [
    ['vit', 'ViT self-attention'],
    ['cross', 'Q-Former cross-attention'],
  ] as const) {
    const b = button(
      doc,
      label,
      () => {
        chooseSource(payload, state, source);
        on.changed();
      },
      state.source === source,
    );
    b.dataset.source = source;
    buttons.set(source, b);
    group.append(b);
  }
  return { group, buttons };
}

function rolloutToggle(ctx: ExplorerContext, on: ControlHandlers): { label: HTMLSpanElement; button: HTMLButtonElement } {
  const { doc, payload, state } = ctx;
  const note = el(
    doc,
    'span',
    'rollout-note',
    payload.rollout ? 'attention rollout across every ViT layer' : 'not available: this output carries no rollout matrix',
  );
  note.id = `${ctx.idPrefix}-rollout-note`;
  const toggle = button(
    doc,
    'Rollout',
    () => {
      if (!payload.rollout) return;
      // The rollout is of ViT layers, so turning it on from Q-Former leaves Q-Former.
      if (!state.rollout && state.source !== 'vit') chooseSource(payload, state, 'vit');
      state.rollout = !state.rollout;
      on.changed();
    },
    state.rollout,
  );
  toggle.classList.add('rollout');
  toggle.setAttribute('aria-describedby', note.id);
  if (!payload.rollout) {
    toggle.disabled = true;
    toggle.title = 'This output carries no rollout matrix';
  }
  const label = el(doc, 'span', 'rollout-control');
  label.append(toggle, doc.createTextNode(' '), note);
  return { label, button: toggle };
}

function opacitySlider(ctx: ExplorerContext, on: ControlHandlers): HTMLLabelElement {
  const { doc, state } = ctx;
  const opacity = slider(doc, 'Overlay opacity', 0, 100, 5, Math.round(state.opacity * 100), (v) => {
    state.opacity = v / 100;
    on.opacity();
    show();
  });
  opacity.input.classList.add('opacity');
  const value = el(doc, 'output', 'opacity-value');
  opacity.label.append(value);
  const show = (): void => {
    const text = `${Math.round(state.opacity * 100)}%`;
    value.textContent = text;
    opacity.input.setAttribute('aria-valuetext', text);
  };
  show();
  return opacity.label;
}

function option(doc: Document, value: string, text: string): HTMLOptionElement {
  const o = el(doc, 'option', undefined, text);
  o.value = value;
  return o;
}

export function buildControls(ctx: ExplorerContext, on: ControlHandlers): Controls {
  const { doc, payload, state } = ctx;
  const element = el(doc, 'div', 'toolbar controls');
  element.setAttribute('role', 'group');
  element.setAttribute('aria-label', 'Attention view');

  const sources = hasCross(payload) ? sourceSwitch(ctx, on) : null;
  if (sources) element.append(sources.group);

  const layer = slider(doc, 'Layer', 0, 0, 1, 0, (position) => {
    const entry = layersOf(payload, state.source)[position];
    if (!entry) return;
    chooseLayer(payload, state, entry);
    state.rollout = false;
    on.changed();
  });
  layer.input.classList.add('layer');
  const layerValue = el(doc, 'output', 'layer-value');
  layer.label.append(layerValue);

  // Options are filled by showLayer: they depend on the layer shown.
  const head = choice(doc, 'Head', [], '', (v) => {
    chooseHead(state, Number(v));
    on.changed();
  });
  head.select.classList.add('head');

  const query = choice(doc, 'Query', [], 'mean', (v) => {
    state.query = v === 'mean' ? null : Number(v);
    on.changed();
  });
  query.select.classList.add('query');

  const rollout = rolloutToggle(ctx, on);
  element.append(layer.label, head.label, query.label, rollout.label, opacitySlider(ctx, on));

  function showLayer(entry: LayerEntry): void {
    head.select.replaceChildren(...entry.heads.map((h) => option(doc, String(h.head), `Head ${h.head}`)));
    const queries = currentHead(payload, state).weights.rows;
    query.select.replaceChildren(
      option(doc, 'mean', `Mean over ${queries} queries`),
      ...Array.from({ length: queries }, (_, q) => option(doc, String(q), `Query ${q}`)),
    );
  }

  function sync(): void {
    const layers = layersOf(payload, state.source);
    const position = layerPosition(payload, state);
    const entry = currentLayer(payload, state);
    for (const [source, b] of sources?.buttons ?? []) b.setAttribute('aria-pressed', String(state.source === source));
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
    rollout.button.setAttribute('aria-pressed', String(state.rollout));
  }

  return { element, showLayer, sync };
}
