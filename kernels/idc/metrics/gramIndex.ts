/**
 * N-grams as integers, for speed: every word gets an id, every n-gram of order k an id looked
 * up from its (k-1)-gram's id and its last word's, so a caption's 1..4-grams become sorted id
 * arrays with counts. Scorers then compare captions by merging sorted arrays instead of
 * building and hashing n-gram strings (which dominated the time on long captions).
 */
import { splitWords } from './tokens';

export const ORDERS = 4;

/**
 * (prefix id, word id) -> id, an open-addressing hash table on typed arrays: Map with
 * composite number keys was most of the scoring time.
 */
class PairTable {
  private prefix = new Int32Array(1024).fill(-1);
  private word = new Int32Array(1024);
  private id = new Int32Array(1024);
  private used = 0;

  /** The id of (a, b), or `next` after storing it there when the pair is new. */
  getOrAdd(a: number, b: number, next: number): number {
    let mask = this.prefix.length - 1;
    let slot = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)) & mask;
    for (;;) {
      const p = this.prefix[slot] as number;
      if (p === -1) break;
      if (p === a && this.word[slot] === b) return this.id[slot] as number;
      slot = (slot + 1) & mask;
    }
    if ((this.used + 1) * 2 > this.prefix.length) {
      this.grow();
      mask = this.prefix.length - 1;
      slot = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)) & mask;
      while (this.prefix[slot] !== -1) slot = (slot + 1) & mask;
    }
    this.prefix[slot] = a;
    this.word[slot] = b;
    this.id[slot] = next;
    this.used++;
    return next;
  }

  private grow(): void {
    const { prefix, word, id } = this;
    const size = prefix.length * 2;
    this.prefix = new Int32Array(size).fill(-1);
    this.word = new Int32Array(size);
    this.id = new Int32Array(size);
    const mask = size - 1;
    for (let i = 0; i < prefix.length; i++) {
      const a = prefix[i] as number;
      if (a === -1) continue;
      let slot = (Math.imul(a, 0x9e3779b1) ^ Math.imul(word[i] as number, 0x85ebca6b)) & mask;
      while (this.prefix[slot] !== -1) slot = (slot + 1) & mask;
      this.prefix[slot] = a;
      this.word[slot] = word[i] as number;
      this.id[slot] = id[i] as number;
    }
  }
}

/** One caption's n-grams: for each order k (index k-1), sorted unique ids and their counts. */
export interface GramCounts {
  ids: Int32Array[];
  counts: Int32Array[];
  /** Number of words. */
  words: number;
}

export class GramIndex {
  private readonly wordIds = new Map<string, number>();
  private readonly gramIds: PairTable[] = Array.from({ length: ORDERS - 1 }, () => new PairTable());
  /** How many ids each order has handed out. */
  readonly size: number[] = new Array<number>(ORDERS).fill(0);

  /** The 1..4-gram counts of a tokenized caption (split like Python's str.split()). */
  count(caption: string): GramCounts {
    const words = splitWords(caption);
    const n = words.length;
    const ids: Int32Array[] = [];
    const counts: Int32Array[] = [];
    let previous = new Int32Array(n);
    for (let i = 0; i < n; i++) previous[i] = this.word(words[i] as string);
    const unigrams = previous;
    this.collect(previous, ids, counts);
    for (let k = 2; k <= ORDERS; k++) {
      const m = Math.max(0, n - k + 1);
      const current = new Int32Array(m);
      const table = this.gramIds[k - 2] as PairTable;
      for (let i = 0; i < m; i++) {
        const next = this.size[k - 1] as number;
        const id = table.getOrAdd(previous[i] as number, unigrams[i + k - 1] as number, next);
        if (id === next) this.size[k - 1] = next + 1;
        current[i] = id;
      }
      this.collect(current, ids, counts);
      previous = current;
    }
    return { ids, counts, words: n };
  }

  private word(word: string): number {
    let id = this.wordIds.get(word);
    if (id === undefined) {
      id = this.size[0] as number;
      this.size[0] = id + 1;
      this.wordIds.set(word, id);
    }
    return id;
  }

  /** Sorts the ids of one order and run-length encodes them into unique ids and counts. */
  private collect(grams: Int32Array, ids: Int32Array[], counts: Int32Array[]): void {
    const sorted = grams.slice().sort();
    let unique = 0;
    for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) unique++;
    const u = new Int32Array(unique);
    const c = new Int32Array(unique);
    let j = -1;
    for (let i = 0; i < sorted.length; i++) {
      if (i === 0 || sorted[i] !== sorted[i - 1]) u[++j] = sorted[i] as number;
      c[j] = (c[j] as number) + 1;
    }
    ids.push(u);
    counts.push(c);
  }
}

/** The n-gram counts of a whole tokenized set, computed once and shared by the scorers. */
export interface CountedSet {
  index: GramIndex;
  refs: GramCounts[][];
  cands: GramCounts[];
}

export function countSet(set: { refs: readonly (readonly string[])[]; cands: readonly string[] }, index = new GramIndex()): CountedSet {
  return { index, refs: set.refs.map((refs) => refs.map((ref) => index.count(ref))), cands: set.cands.map((cand) => index.count(cand)) };
}
