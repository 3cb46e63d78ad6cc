/** Notebook renderer for application/vnd.idc-lab.progress+json (activation only). */
import type { ActivationFunction } from '../rendererApi';
import { renderProgress } from './render';

export const activate: ActivationFunction = () => ({
  renderOutputItem(item, element) {
    const root = element.shadowRoot ?? element.attachShadow({ mode: 'open' });
    renderProgress(item.json(), root);
  },
  disposeOutputItem() {},
});
