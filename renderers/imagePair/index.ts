/**
 * Notebook renderer for application/vnd.idc-lab.image-pair+json (activation only; the
 * viewer is in ./render). An in-place update calls renderOutputItem again with the same
 * element: the shadow root is reused, its content replaced, and the reader's mode, page and
 * zoom, kept per root, carry over.
 */
import type { ActivationFunction } from 'vscode-notebook-renderer';
import { readJson, renderProblem } from '../shared/dom';
import { renderImagePairs } from './render';

// <undefined>: it keeps no state in the webview (getState/setState unused)
export const activate: ActivationFunction<undefined> = () => ({
  renderOutputItem(item, element) {
    const root = element.shadowRoot ?? element.attachShadow({ mode: 'open' });
    const json = readJson(item);
    if (!json.ok) return renderProblem(root, 'image-pair output', json.problem);
    renderImagePairs(json.value, root);
  },
  disposeOutputItem() {},
});
