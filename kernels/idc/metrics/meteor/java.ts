/**
 * The few behaviours of Java's String and StringTokenizer that Meteor's results depend on,
 * where JavaScript's built-ins differ.
 */

/** Java's String.hashCode: Meteor compares words and stems by it. */
export function javaHashCode(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0;
  return hash;
}

/** Java's String.trim: strips code units up to U+0020 at both ends, not Unicode spaces. */
export function javaTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  return text.slice(start, end);
}

const TOKEN_DELIMITERS = /[ \t\n\r\f]+/u;

/** Java's StringTokenizer: splits on space, tab, newline, carriage return and form feed only. */
export function javaTokens(line: string): string[] {
  return line.split(TOKEN_DELIMITERS).filter((token) => token !== '');
}

/** Java's String.split with a literal separator: trailing empty parts are dropped. */
export function javaSplit(text: string, separator: string): string[] {
  const parts = text.split(separator);
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}
