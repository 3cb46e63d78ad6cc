/**
 * Paging inside the renderer: which pairs of the payload one page shows, and the words for
 * it. Two levels exist: the renderer's pages over the payload's pairs ("13-24 of 64"), and
 * the payload itself being one slice of a bigger selection the kernel chose ("pairs 1-64 of
 * 500 in the selection"). Positions in labels count from 1; indexes count from 0.
 */

export const PAGE_SIZE = 12;
/** What the reader can choose: a few pairs to compare closely, or every pair of a 64-pair output at once. */
export const PAGE_SIZES = [12, 24, 64] as const;

export interface PageRange {
  /** The page shown, clamped to the pages there are (0-based). */
  page: number;
  /** Pages in all; at least 1 so an empty payload still has a page to say "0 of 0" on. */
  pages: number;
  /** Index of the first pair shown, inclusive. */
  start: number;
  /** Index after the last pair shown. */
  end: number;
}

export function pageRange(count: number, page: number, size = PAGE_SIZE): PageRange {
  const pages = Math.max(1, Math.ceil(count / size));
  const p = Math.min(pages - 1, Math.max(0, Math.floor(Number.isFinite(page) ? page : 0)));
  const start = Math.min(count, p * size);
  return { page: p, pages, start, end: Math.min(count, start + size) };
}

/** "13-24 of 64"; "0 of 0" when there is nothing. */
export function pageLabel(range: PageRange, count: number): string {
  return range.end === range.start ? `0 of ${count}` : `${range.start + 1}-${range.end} of ${count}`;
}

/**
 * "pairs 101-164 of 500 in the selection" when the payload is a slice of a bigger selection;
 * null when it holds the whole selection (the page label then says everything).
 */
export function selectionLabel(offset: number, shown: number, total: number): string | null {
  if (offset === 0 && shown === total) return null;
  if (shown === 0) return `no pairs of the ${total} in the selection`;
  return `pairs ${offset + 1}-${offset + shown} of ${total} in the selection`;
}

/** Where a pair of this payload stands in the whole selection, 1-based ("113 of 500"). */
export function selectionPosition(offset: number, index: number, total: number): string {
  return `${offset + index + 1} of ${total}`;
}
