/**
 * Splitting tokenized captions the way the COCO toolkit's Python does, and n-gram counts.
 * BLEU and CIDEr-D split with `str.split()` (any Unicode whitespace, so a no-break space
 * inside a PTB token splits it there); ROUGE-L splits with `split(" ")` (spaces only, and an
 * empty caption is one empty token).
 */

// The characters Python's str.isspace() accepts (Unicode White_Space plus \x1c-\x1f, minus U+180E).
const PYTHON_WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** Python's `s.split()`. */
export function splitWords(caption: string): string[] {
  return caption.split(PYTHON_WHITESPACE).filter((w) => w !== '');
}

/** Python's `s.split(" ")`. */
export function splitOnSpaces(caption: string): string[] {
  return caption.split(' ');
}

/**
 * Counts of the 1..n-grams of `words`, one map per order (index 0 holds unigrams). An
 * n-gram's key is its words joined by a space, unambiguous because words hold no whitespace.
 */
export function ngramCounts(words: readonly string[], n: number): Array<Map<string, number>> {
  const counts = Array.from({ length: n }, () => new Map<string, number>());
  for (let k = 1; k <= n; k++) {
    const map = counts[k - 1] as Map<string, number>;
    for (let i = 0; i + k <= words.length; i++) {
      const key = k === 1 ? (words[i] as string) : words.slice(i, i + k).join(' ');
      map.set(key, (map.get(key) ?? 0) + 1);
    }
  }
  return counts;
}
