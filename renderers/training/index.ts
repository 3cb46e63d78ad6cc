/**
 * Notebook renderer for application/vnd.idc-lab.training+json (activation only; the drawing
 * is in ./render). The kernel updates this output while runs train: the chart on the page
 * takes the new points in place.
 */
import type { ActivationFunction } from 'vscode-notebook-renderer';
import { readJson, renderProblem } from '../shared/dom';
import { renderTraining, type RenderedCurves } from './render';

const rendered = new Map<string, { element: HTMLElement; curves: RenderedCurves }>();

// <undefined>: it keeps no state in the webview (getState/setState unused)
export const activate: ActivationFunction<undefined> = () => ({
  renderOutputItem(item, element) {
    const root = element.shadowRoot ?? element.attachShadow({ mode: 'open' });
    const json = readJson(item);
    if (!json.ok) {
      // the page is replaced by the message: the next payload must build a new one
      rendered.get(item.id)?.curves.chart?.destroy();
      rendered.delete(item.id);
      return renderProblem(root, 'training curves', json.problem);
    }
    const before = rendered.get(item.id);
    // a new element (the output moved or was re-created): build the page again
    const previous = before && before.element === element ? before.curves : before ? { ...before.curves, update: undefined } : undefined;
    if (before && before.element !== element) before.curves.chart?.destroy();
    rendered.set(item.id, { element, curves: renderTraining(json.value, root, element, previous) });
  },
  disposeOutputItem(id) {
    for (const [key, r] of rendered) {
      if (id === undefined || key === id) {
        r.curves.chart?.destroy();
        rendered.delete(key);
      }
    }
  },
});
