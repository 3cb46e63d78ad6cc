// placeholder until the renderer lands
import type { ActivationFunction } from '../rendererApi';
import { renderProblem } from '../shared/dom';

export const activate: ActivationFunction = () => ({
  renderOutputItem(_item, element) {
    renderProblem(element.shadowRoot ?? element.attachShadow({ mode: 'open' }), 'output', 'renderer not built yet');
  },
});
