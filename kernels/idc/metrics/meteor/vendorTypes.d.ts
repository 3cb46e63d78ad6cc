// The two packages ship no type declarations; these are the parts METEOR uses.
declare module 'wink-porter2-stemmer' {
  /** The Porter2 (Snowball English) stem of a lower-case word. */
  function stem(word: string): string;
  export = stem;
}

declare module 'stopword' {
  /** English stop words, lower case. */
  export const eng: readonly string[];
}
