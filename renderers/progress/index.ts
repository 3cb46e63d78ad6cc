/**
 * Notebook renderer for application/vnd.idc-lab.progress+json (activation only; the
 * drawing is in ./render). An in-place update of the output calls renderOutputItem again
 * with the same element: the shadow root is reused and its content replaced.
 */
import type { ActivationFunction } from 'vscode-notebook-renderer';
import { renderProblem, renderProgress } from './render';

// <undefined>: it keeps no state in the webview (getState/setState unused)
export const activate: ActivationFunction<undefined> = () => ({
  renderOutputItem(item, element) {
    const root = element.shadowRoot ?? element.attachShadow({ mode: 'open' });
    let value: unknown;
    try {
      value = item.json();
    } catch (e) {
      renderProblem(`the payload is not valid JSON (${e instanceof Error ? e.message : String(e)})`, root);
      return;
    }
    renderProgress(value, root);
  },
  disposeOutputItem() {},
});
