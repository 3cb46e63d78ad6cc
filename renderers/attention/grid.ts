/**
 * Pure patch-grid maths: which patch lies under a point of a displayed image, where a patch
 * and the boundary between the two stacked images are, and how the keyboard moves a patch.
 * Patches are numbered row-major, as the model reads them and as the matrices index them.
 */

export interface Grid {
  rows: number;
  columns: number;
  /** Patch side in image pixels. */
  patch: number;
}

export interface Patch {
  row: number;
  column: number;
}

export type Half = 'top' | 'bottom';

/** Index of a patch in a matrix row or column (row-major). */
export function patchIndex(p: Patch, grid: Grid): number {
  return p.row * grid.columns + p.column;
}

export function patchOfIndex(index: number, grid: Grid): Patch {
  return { row: Math.floor(index / grid.columns), column: index % grid.columns };
}

/** The patch under image pixel (x, y), or null outside the image. */
export function patchAtPixel(x: number, y: number, grid: Grid): Patch | null {
  return patchAtPoint(x, y, grid.columns * grid.patch, grid.rows * grid.patch, grid);
}

/**
 * The patch under point (x, y) of the image shown `width` x `height` (CSS pixels, from the
 * image's top left), or null outside: the displayed size need not be a multiple of the grid.
 */
export function patchAtPoint(x: number, y: number, width: number, height: number, grid: Grid): Patch | null {
  if (!(width > 0 && height > 0) || x < 0 || y < 0 || x >= width || y >= height) return null;
  return { row: Math.min(grid.rows - 1, Math.floor((y / height) * grid.rows)), column: Math.min(grid.columns - 1, Math.floor((x / width) * grid.columns)) };
}

/** A patch's box in image pixels. */
export function patchRect(p: Patch, grid: Grid): { x: number; y: number; width: number; height: number } {
  return { x: p.column * grid.patch, y: p.row * grid.patch, width: grid.patch, height: grid.patch };
}

/** The same box as percentages of the image, so it stays right however the image is scaled. */
export function patchBoxPercent(p: Patch, grid: Grid): { left: number; top: number; width: number; height: number } {
  return { left: (100 * p.column) / grid.columns, top: (100 * p.row) / grid.rows, width: 100 / grid.columns, height: 100 / grid.rows };
}

/** Image pixel row where the bottom image starts. */
export function boundaryY(boundaryRow: number, grid: Grid): number {
  return boundaryRow * grid.patch;
}

export function halfOf(p: Patch, boundaryRow: number): Half {
  return p.row < boundaryRow ? 'top' : 'bottom';
}

/** Scale that fits an image into a box (upscaling too: the model's images are small). */
export function fitScale(width: number, height: number, maxWidth: number, maxHeight: number): number {
  return Math.min(maxWidth / width, maxHeight / height);
}

/** Where an arrow (or Home/End) key moves `from`, kept inside the grid; null for other keys. */
export function movePatch(from: Patch, key: string, grid: Grid): Patch | null {
  const clamp = (row: number, column: number): Patch => ({
    row: Math.max(0, Math.min(grid.rows - 1, row)),
    column: Math.max(0, Math.min(grid.columns - 1, column)),
  });
  switch (key) {
    case 'ArrowUp':
      return clamp(from.row - 1, from.column);
    case 'ArrowDown':
      return clamp(from.row + 1, from.column);
    case 'ArrowLeft':
      return clamp(from.row, from.column - 1);
    case 'ArrowRight':
      return clamp(from.row, from.column + 1);
    case 'Home':
      return clamp(from.row, 0);
    case 'End':
      return clamp(from.row, grid.columns - 1);
    default:
      return null;
  }
}
