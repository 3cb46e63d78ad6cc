/**
 * The text under a pair's picture: where it comes from, its reference captions, the model's
 * prediction and its scores. Every string from the payload is set with textContent, so a
 * caption that looks like markup stays text.
 */
import type { ImagePairItem } from '../../kernels/outputs/contracts';
import { el } from '../shared/dom';
import { originText, scoreTexts } from './pairText';

export function pairInfo(doc: Document, pair: ImagePairItem): HTMLElement {
  const info = el(doc, 'div', 'info');
  const origin = originText(pair);
  if (origin !== null) info.append(el(doc, 'p', 'origin', origin));

  const refs = el(doc, 'div', 'references');
  const heading = el(doc, 'span', 'label', pair.references.length === 1 ? 'Reference' : `References (${pair.references.length})`);
  const list = el(doc, 'ol', 'reference-list');
  for (const r of pair.references) list.append(el(doc, 'li', 'reference', r));
  if (pair.references.length === 0) refs.append(heading, el(doc, 'span', 'none', ' none'));
  else refs.append(heading, list);
  info.append(refs);

  if (pair.prediction !== undefined) {
    const p = el(doc, 'p', 'prediction');
    p.append(el(doc, 'span', 'label', 'Prediction '), el(doc, 'span', 'prediction-text', pair.prediction));
    info.append(p);
  }

  const scores = scoreTexts(pair.scores);
  if (scores.length > 0) {
    const ul = el(doc, 'ul', 'scores');
    ul.setAttribute('aria-label', 'Scores');
    Object.keys(pair.scores ?? {}).forEach((name, k) => {
      const li = el(doc, 'li', 'score', scores[k]);
      li.dataset.metric = name;
      ul.append(li);
    });
    info.append(ul);
  }
  return info;
}
