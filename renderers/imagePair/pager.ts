/**
 * Previous and next buttons around the "13-24 of 64" label. When a button the reader just
 * pressed becomes disabled (the last page reached), focus moves to the other one rather
 * than falling back to the top of the document.
 */
import { button, choice, el } from '../shared/dom';
import { pageLabel, PAGE_SIZES, type PageRange } from './paging';

export interface Pager {
  element: HTMLElement;
  update(range: PageRange, count: number): void;
}

export function pager(doc: Document, pageSize: number, onStep: (delta: -1 | 1) => void, onSize: (size: number) => void): Pager {
  const nav = el(doc, 'nav', 'toolbar pager');
  nav.setAttribute('aria-label', 'Pages of pairs');
  const label = el(doc, 'span', 'page-label');
  label.setAttribute('aria-live', 'polite');
  const previous = button(doc, 'Previous', () => onStep(-1));
  previous.setAttribute('aria-label', 'Previous page of pairs');
  previous.dataset.action = 'previous-page';
  const next = button(doc, 'Next', () => onStep(1));
  next.setAttribute('aria-label', 'Next page of pairs');
  next.dataset.action = 'next-page';
  const size = choice(
    doc,
    'Pairs per page',
    PAGE_SIZES.map((n) => [String(n), String(n)] as const),
    String(pageSize),
    (v) => onSize(Number(v)),
  );
  size.label.dataset.control = 'page-size';
  nav.append(previous, label, next, size.label);

  return {
    element: nav,
    update(range, count) {
      const root = nav.getRootNode() as Document | ShadowRoot;
      const focused = root.activeElement;
      label.textContent = pageLabel(range, count);
      nav.dataset.page = String(range.page);
      nav.dataset.pages = String(range.pages);
      previous.disabled = range.page === 0;
      next.disabled = range.page >= range.pages - 1;
      if (focused === previous && previous.disabled && !next.disabled) next.focus();
      if (focused === next && next.disabled && !previous.disabled) previous.focus();
    },
  };
}
