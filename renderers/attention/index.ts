/**
 * Notebook renderer for application/vnd.idc-lab.attention+json (activation only; the
 * explorer is built in ./render). An in-place update calls renderOutputItem again with the
 * same element: the shadow root is reused, its content replaced, and the reader's choices
 * (layer, head, source, opacity...) carried over from the element's previous render.
 */
import type { ActivationFunction } from 'vscode-notebook-renderer';
import { readJson, renderProblem } from '../shared/dom';
import { renderAttention } from './render';
import type { ViewState } from './state';

// <undefined>: it keeps no state in the webview (getState/setState unused)
export const activate: ActivationFunction<undefined> = () => {
  const remembered = new WeakMap<HTMLElement, ViewState>();
  return {
    renderOutputItem(item, element) {
      const root = element.shadowRoot ?? element.attachShadow({ mode: 'open' });
      const json = readJson(item);
      if (!json.ok) {
        renderProblem(root, 'attention output', json.problem);
        return;
      }
      const state = renderAttention(json.value, root, remembered.get(element));
      if (state) remembered.set(element, state);
    },
    disposeOutputItem() {},
  };
};
