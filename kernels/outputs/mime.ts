/**
 * MIME bundles: the one representation of rich output shared by the kernel, the IPC
 * protocol, the .idcnb format and the HTML report. In memory, text MIME types carry a
 * string, JSON MIME types a parsed JSON value and every other type raw bytes; only the
 * file format turns bytes into base64.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export type MimeData = string | Uint8Array | JsonValue;
export type MimeBundle = Record<string, MimeData>;

/** Output MIME types of our own; each has a JSON payload with a "v" version field. */
export const IDC_MIME = {
  progress: 'application/vnd.idc-lab.progress+json',
  imagePair: 'application/vnd.idc-lab.image-pair+json',
  attention: 'application/vnd.idc-lab.attention+json',
  categoryChart: 'application/vnd.idc-lab.category-chart+json',
  training: 'application/vnd.idc-lab.training+json',
} as const;

/** JSON payloads: application/json and every structured-syntax "+json" type. */
export function isJsonMime(mime: string): boolean {
  return mime === 'application/json' || mime.endsWith('+json');
}

/** Types stored as text (not base64) in nbformat: text/*, SVG, JavaScript, XML. */
export function isTextMime(mime: string): boolean {
  return mime.startsWith('text/') || mime === 'image/svg+xml' || mime === 'application/javascript' || mime === 'application/xml' || mime.endsWith('+xml');
}

export function isBinaryMime(mime: string): boolean {
  return !isJsonMime(mime) && !isTextMime(mime);
}
