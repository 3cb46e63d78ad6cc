/**
 * The `display` function cells call. `display(value)` picks a representation (images by
 * their bytes, plain objects as JSON, rich library results through MIME_BUNDLE);
 * `display(value, mime)` and the helpers state the type explicitly, which is the only way
 * to show HTML or markdown. Each call returns a handle whose update() replaces the output.
 */
import type { CellContext } from '../../outputs/cellContext';
import type { JsonObject, MimeBundle } from '../../outputs/mime';
import { toMimeBundle } from './mimeBundles';

/** Marks display handles, so a cell ending in `display(...)` shows no handle as its result. */
export const DISPLAY_HANDLE: unique symbol = Symbol.for('idc-lab.displayHandle') as never;

export function isDisplayHandle(value: unknown): boolean {
  return typeof value === 'object' && value !== null && DISPLAY_HANDLE in value;
}

export interface UserDisplayHandle {
  readonly [DISPLAY_HANDLE]: true;
  readonly displayId: string;
  update(value: unknown, mime?: string): void;
}

export interface Display {
  (value: unknown, mime?: string): UserDisplayHandle;
  html(html: string): UserDisplayHandle;
  markdown(markdown: string): UserDisplayHandle;
  json(value: unknown): UserDisplayHandle;
  image(bytes: Uint8Array, mime?: string): UserDisplayHandle;
  /** A ready MIME bundle, for example a vendor type with its fallbacks. */
  bundle(bundle: MimeBundle, metadata?: JsonObject): UserDisplayHandle;
}

export function createDisplay(cell: () => CellContext | undefined): Display {
  const show = (bundle: MimeBundle, metadata?: JsonObject): UserDisplayHandle => {
    const context = cell();
    if (!context) throw new Error('display() was called outside a running cell');
    const handle = context.display(bundle, metadata);
    return {
      [DISPLAY_HANDLE]: true,
      displayId: handle.displayId,
      update: (value: unknown, mime?: string) => handle.update(toMimeBundle(value, mime)),
    };
  };
  const display = ((value: unknown, mime?: string) => show(toMimeBundle(value, mime))) as Display;
  display.html = (html) => show(toMimeBundle(html, 'text/html'));
  display.markdown = (markdown) => show(toMimeBundle(markdown, 'text/markdown'));
  display.json = (value) => show(toMimeBundle(value, 'application/json'));
  display.image = (bytes, mime) => show(toMimeBundle(bytes, mime));
  display.bundle = (bundle, metadata) => show(bundle, metadata);
  return display;
}
