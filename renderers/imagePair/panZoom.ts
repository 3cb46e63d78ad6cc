/**
 * Pointer, wheel and keyboard input on a pan area, turned into the pair's one shared
 * transform (the maths is in ./zoom). The wheel zooms only with Ctrl or Cmd held (also what
 * a trackpad pinch sends): a plain wheel must keep scrolling the notebook past the grid.
 */
import { IDENTITY, panBy, wheelFactor, zoomAt, ZOOM_STEP, type ViewTransform } from './zoom';

export interface ZoomTarget {
  get(): ViewTransform;
  set(t: ViewTransform): void;
}

/** Keyboard pan step, in viewport fractions. */
const KEY_PAN = 0.1;

export function attachPanZoom(viewport: HTMLElement, target: ZoomTarget): void {
  const point = (clientX: number, clientY: number): [number, number] => {
    const r = viewport.getBoundingClientRect();
    return r.width > 0 && r.height > 0 ? [(clientX - r.left) / r.width, (clientY - r.top) / r.height] : [0.5, 0.5];
  };

  viewport.addEventListener(
    'wheel',
    (e) => {
      if (!e.ctrlKey && !e.metaKey) return;
      e.preventDefault();
      const [x, y] = point(e.clientX, e.clientY);
      target.set(zoomAt(target.get(), wheelFactor(e.deltaY), x, y));
    },
    { passive: false },
  );

  viewport.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    const r = viewport.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return;
    e.preventDefault();
    viewport.focus();
    viewport.setPointerCapture?.(e.pointerId);
    viewport.classList.add('panning');
    let lastX = e.clientX;
    let lastY = e.clientY;
    const move = (m: PointerEvent) => {
      target.set(panBy(target.get(), (m.clientX - lastX) / r.width, (m.clientY - lastY) / r.height));
      lastX = m.clientX;
      lastY = m.clientY;
    };
    const end = () => {
      viewport.classList.remove('panning');
      viewport.removeEventListener('pointermove', move);
      viewport.removeEventListener('pointerup', end);
      viewport.removeEventListener('pointercancel', end);
    };
    viewport.addEventListener('pointermove', move);
    viewport.addEventListener('pointerup', end);
    viewport.addEventListener('pointercancel', end);
  });

  viewport.addEventListener('keydown', (e) => {
    const t = target.get();
    let next: ViewTransform | null = null;
    if (e.key === '+' || e.key === '=') next = zoomAt(t, ZOOM_STEP);
    else if (e.key === '-' || e.key === '_') next = zoomAt(t, 1 / ZOOM_STEP);
    else if (e.key === '0') next = IDENTITY;
    // arrows move the view the way the content would be dragged to show what lies that way
    else if (t.scale > 1 && e.key === 'ArrowLeft') next = panBy(t, KEY_PAN, 0);
    else if (t.scale > 1 && e.key === 'ArrowRight') next = panBy(t, -KEY_PAN, 0);
    else if (t.scale > 1 && e.key === 'ArrowUp') next = panBy(t, 0, KEY_PAN);
    else if (t.scale > 1 && e.key === 'ArrowDown') next = panBy(t, 0, -KEY_PAN);
    if (!next) return;
    e.preventDefault();
    target.set(next);
  });
}
