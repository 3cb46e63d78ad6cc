/**
 * Notebook renderer for application/vnd.idc-lab.category-chart+json (activation only; the
 * drawing is in ./render). An in-place update renders into the same element again, keeping
 * the chosen metric and view.
 */
import type { ActivationFunction } from 'vscode-notebook-renderer';
import { readJson, renderProblem } from '../shared/dom';
import { renderCategoryChart, type RenderedChart } from './render';

const rendered = new Map<string, RenderedChart>();

// <undefined>: it keeps no state in the webview (getState/setState unused)
export const activate: ActivationFunction<undefined> = () => ({
  renderOutputItem(item, element) {
    const root = element.shadowRoot ?? element.attachShadow({ mode: 'open' });
    const json = readJson(item);
    if (!json.ok) {
      rendered.get(item.id)?.chart?.destroy();
      rendered.delete(item.id);
      return renderProblem(root, 'category chart', json.problem);
    }
    rendered.set(item.id, renderCategoryChart(json.value, root, element, rendered.get(item.id)));
  },
  disposeOutputItem(id) {
    for (const [key, r] of rendered) {
      if (id === undefined || key === id) {
        r.chart?.destroy();
        rendered.delete(key);
      }
    }
  },
});
