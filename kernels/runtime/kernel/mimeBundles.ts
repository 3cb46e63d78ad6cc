/**
 * Values to MIME bundles: what `display(value, mime?)` and a cell's final expression show.
 * HTML and markdown are shown only when asked for by MIME type: a string is always text.
 */
import { inspect } from 'node:util';
import { isRichOutput, MIME_BUNDLE } from '../../outputs/richOutput';
import { isBinaryMime, isJsonMime, isTextMime, type JsonValue, type MimeBundle } from '../../outputs/mime';

export function plainText(value: unknown): string {
  return typeof value === 'string' ? value : inspect(value, { depth: 4, colors: false, maxArrayLength: 50, breakLength: 100 });
}

export function sniffImage(bytes: Uint8Array): string | undefined {
  const b = (i: number) => bytes[i] ?? -1;
  if (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47) return 'image/png';
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'image/jpeg';
  if (b(0) === 0x47 && b(1) === 0x49 && b(2) === 0x46) return 'image/gif';
  if (b(0) === 0x52 && b(1) === 0x49 && b(2) === 0x46 && b(3) === 0x46 && b(8) === 0x57 && b(9) === 0x45) return 'image/webp';
  return undefined;
}

function toJson(value: unknown): JsonValue | undefined {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : (JSON.parse(text) as JsonValue);
  } catch {
    return undefined; // cycles, BigInt: shown as text only
  }
}

/** The value of a cell's last expression: like display(), but strings show quoted, as a REPL does. */
export function resultBundle(value: unknown): MimeBundle {
  return typeof value === 'string' ? { 'text/plain': inspect(value) } : toMimeBundle(value);
}

export function toMimeBundle(value: unknown, mime?: string): MimeBundle {
  if (mime === undefined) {
    if (isRichOutput(value)) return value[MIME_BUNDLE]();
    if (value instanceof Uint8Array) {
      const image = sniffImage(value);
      if (image) return { [image]: value, 'text/plain': `<${image}, ${value.byteLength} bytes>` };
      return { 'text/plain': plainText(value) };
    }
    if (typeof value === 'object' && value !== null && (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype)) {
      const json = toJson(value);
      if (json !== undefined) return { 'application/json': json, 'text/plain': plainText(value) };
    }
    return { 'text/plain': plainText(value) };
  }
  if (isJsonMime(mime)) {
    const json = toJson(value);
    if (json === undefined) throw new TypeError(`display(value, '${mime}'): the value cannot be written as JSON`);
    return { [mime]: json, 'text/plain': plainText(value) };
  }
  if (isTextMime(mime)) {
    if (typeof value !== 'string') throw new TypeError(`display(value, '${mime}'): expected a string, got ${typeof value}`);
    return mime === 'text/plain' ? { 'text/plain': value } : { [mime]: value, 'text/plain': mime === 'text/markdown' ? value : `<${mime}>` };
  }
  if (isBinaryMime(mime)) {
    if (!(value instanceof Uint8Array)) throw new TypeError(`display(value, '${mime}'): expected bytes (Uint8Array or Buffer)`);
    return { [mime]: value, 'text/plain': `<${mime}, ${value.byteLength} bytes>` };
  }
  return { [mime]: plainText(value) };
}
