/**
 * The one check of an options object, run first by every `idc.*` entry point: a plain object,
 * and no key the entry point does not know. An unknown key is refused with its name and the
 * nearest known one (`maxStep` -> `maxSteps`), so a typo never silently runs on a default.
 */
import { distance } from 'fastest-levenshtein';

/**
 * Every option of T marked `true`: the list of known keys as an object the compiler checks
 * against T, so an option added to an interface and not here (or here and not there) fails
 * to compile.
 */
export type OptionKeys<T> = { readonly [K in keyof Required<T>]: true };

/** The known key nearest `key` (case ignored), when it is near enough to be a typo of it. */
export function nearestName(key: string, known: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const name of known) {
    const d = distance(key.toLowerCase(), name.toLowerCase());
    if (!best || d < best.d) best = { name, d };
  }
  // a third of the name, at least 2: "maxStep" -> "maxSteps", "lr" is not "id"
  return best && best.d <= Math.max(2, Math.floor(Math.max(key.length, best.name.length) / 3)) && best.d < key.length ? best.name : undefined;
}

export function checkOptions<T extends object>(api: string, options: T | undefined, known: OptionKeys<T>): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(
      `${api}: options: expected an object, found ${Array.isArray(options) ? 'a list' : options === null ? 'null' : `${typeof options} ${JSON.stringify(options)}`}`,
    );
  }
  const names = Object.keys(known);
  for (const key of Object.keys(options)) {
    if (Object.hasOwn(known, key)) continue;
    const near = nearestName(key, names);
    throw new TypeError(
      `${api}: unknown option ${JSON.stringify(key)}; ${near ? `did you mean ${JSON.stringify(near)}? ` : ''}expected one of ${names.join(', ')}`,
    );
  }
}
