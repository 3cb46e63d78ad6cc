/**
 * Zoom and pan of a pair's images as one transform. Coordinates are fractions of the
 * viewport (0..1 across, 0..1 down), not pixels, so the same transform fits the two small
 * viewports of 2-up and the one larger viewport of the other modes, and survives a resize.
 * The CSS is `translate(x%, y%) scale(s)` with transform-origin 0 0 on a layer that fills
 * the viewport: translate percentages are of the layer's own (unscaled) size.
 */

export interface ViewTransform {
  scale: number;
  /** Offset of the content's left edge, in viewport widths (0 or less once clamped). */
  x: number;
  /** Offset of the content's top edge, in viewport heights. */
  y: number;
}

export const IDENTITY: ViewTransform = Object.freeze({ scale: 1, x: 0, y: 0 });
export const MIN_SCALE = 1;
export const MAX_SCALE = 32;
/** One press of a zoom button: two presses double the size. */
export const ZOOM_STEP = Math.SQRT2;

export function clampScale(scale: number): number {
  if (!Number.isFinite(scale)) return MIN_SCALE;
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
}

/** Keeps the content covering the viewport: no empty margin can be panned into view. */
export function clampTransform(t: ViewTransform): ViewTransform {
  const scale = clampScale(t.scale);
  const limit = 1 - scale;
  const clampOffset = (v: number) => (Number.isFinite(v) ? Math.min(0, Math.max(limit, v)) : 0);
  return { scale, x: clampOffset(t.x), y: clampOffset(t.y) };
}

/**
 * Multiplies the scale by `factor` keeping the content point under (px, py) where it is,
 * for example under the mouse for a wheel zoom, or the centre (0.5, 0.5) for a button.
 */
export function zoomAt(t: ViewTransform, factor: number, px = 0.5, py = 0.5): ViewTransform {
  const scale = clampScale(t.scale * factor);
  const ratio = scale / t.scale;
  return clampTransform({ scale, x: px - (px - t.x) * ratio, y: py - (py - t.y) * ratio });
}

/** Moves the content by (dx, dy) viewport fractions (a drag of half the width is dx 0.5). */
export function panBy(t: ViewTransform, dx: number, dy: number): ViewTransform {
  return clampTransform({ scale: t.scale, x: t.x + dx, y: t.y + dy });
}

/** The zoom factor of one wheel event: a notch of 100 (pixels) zooms by about 1.2. */
export function wheelFactor(deltaY: number): number {
  return Math.exp(-deltaY * 0.0018);
}

export function isIdentity(t: ViewTransform): boolean {
  return t.scale === 1 && t.x === 0 && t.y === 0;
}

/** Rounded so the style attribute stays short and stable across tiny float differences. */
export function transformCss(t: ViewTransform): string {
  const r = (v: number) => Math.round(v * 1e4) / 1e4;
  return `translate(${r(t.x * 100)}%, ${r(t.y * 100)}%) scale(${r(t.scale)})`;
}

/** Scale as a percentage for a label ("200%"). */
export function zoomLabel(t: ViewTransform): string {
  return `${Math.round(t.scale * 100)}%`;
}
