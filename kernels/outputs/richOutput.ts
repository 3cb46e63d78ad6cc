/**
 * How a value shows itself in a notebook: an object with a method under MIME_BUNDLE
 * returns the MIME bundle the kernel displays (a vendor type plus image/png and text/plain
 * fallbacks, typically). Library result types implement it, and so can user classes.
 */
import type { MimeBundle } from './mime';

export const MIME_BUNDLE: unique symbol = Symbol.for('idc-lab.mimeBundle') as never;

export interface RichOutput {
  [MIME_BUNDLE](): MimeBundle;
}

export function isRichOutput(value: unknown): value is RichOutput {
  return typeof value === 'object' && value !== null && typeof (value as Partial<Record<typeof MIME_BUNDLE, unknown>>)[MIME_BUNDLE] === 'function';
}
