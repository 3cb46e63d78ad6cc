/**
 * N-grams as integers, for speed: every word gets an id, every n-gram of order k an id looked
 * up from its (k-1)-gram's id and its last word's, so a caption's 1..4-grams become sorted id
 * runs with counts. Scorers then compare captions by merging sorted runs instead of building
 * and hashing n-gram strings.
 *
 * A whole list of captions is counted into flat typed arrays (one allocation per order, not
 * per caption): allocating small typed arrays per caption made garbage collection a third of
 * the scoring time.
 */

export const ORDERS = 4;

// Python's str.isspace() characters other than the plain space: a caption holding one needs
// the general split; tokenized captions almost never do.
const OTHER_WHITESPACE = /[\t\n\v\f\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
const PYTHON_WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/**
 * (prefix id, word id) -> id, an open-addressing hash table on typed arrays: Map with
 * composite number keys was most of the scoring time.
 */
class PairTable {
  private bits = 10;
  /**
   * Slot s holds (prefix + 1, word, id) at 3s, 3s+1, 3s+2: one cache line per probe, and 0
   * marks a free slot, so a new table needs no filling.
   */
  private slots = PairTable.empty(this.bits);
  private used = 0;

  private static empty(bits: number): Int32Array {
    return new Int32Array(3 << bits);
  }

  /** The id of (a, b), or `next` after storing it there when the pair is new. */
  getOrAdd(a: number, b: number, next: number): number {
    if ((this.used + 1) * 2 > 1 << this.bits) this.rehash(this.bits + 1);
    const slots = this.slots;
    const mask = (1 << this.bits) - 1;
    // multiplicative hashing, read from the high bits
    let slot = Math.imul(Math.imul(a, 0x9e3779b1) + b, 0x85ebca6b) >>> (32 - this.bits);
    for (;;) {
      const p = slots[3 * slot] as number;
      if (p === 0) break;
      if (p === a + 1 && slots[3 * slot + 1] === b) return slots[3 * slot + 2] as number;
      slot = (slot + 1) & mask;
    }
    slots[3 * slot] = a + 1;
    slots[3 * slot + 1] = b;
    slots[3 * slot + 2] = next;
    this.used++;
    return next;
  }

  private rehash(bits: number): void {
    const old = this.slots;
    const slots = PairTable.empty(bits);
    const mask = (1 << bits) - 1;
    for (let s = 0; s < old.length; s += 3) {
      const stored = old[s] as number;
      if (stored === 0) continue;
      const a = stored - 1;
      const b = old[s + 1] as number;
      let slot = Math.imul(Math.imul(a, 0x9e3779b1) + b, 0x85ebca6b) >>> (32 - bits);
      while (slots[3 * slot] !== 0) slot = (slot + 1) & mask;
      slots[3 * slot] = stored;
      slots[3 * slot + 1] = b;
      slots[3 * slot + 2] = old[s + 2] as number;
    }
    this.slots = slots;
    this.bits = bits;
  }
}

/**
 * Word -> id for words inside longer strings, without cutting them out: FNV-1a over the
 * characters, open addressing, and a character comparison on a hit. Splitting every caption
 * and hashing the pieces in a Map cost more than all the n-gram counting after it.
 */
class WordTable {
  private bits = 12;
  private slots = new Int32Array(1 << this.bits).fill(-1);
  private readonly words: string[] = [];
  private hashes = new Int32Array(1 << this.bits);

  get size(): number {
    return this.words.length;
  }

  /** The id of `text[from..to)`, a new one if the word is new. */
  idOf(text: string, from: number, to: number): number {
    let h = 0x811c9dc5;
    for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    const mask = (1 << this.bits) - 1;
    let slot = Math.imul(h, 0x9e3779b1) >>> (32 - this.bits);
    for (;;) {
      const id = this.slots[slot] as number;
      if (id === -1) break;
      if (this.hashes[id] === h) {
        const word = this.words[id] as string;
        if (word.length === to - from && sameChars(word, text, from)) return id;
      }
      slot = (slot + 1) & mask;
    }
    const id = this.words.length;
    this.words.push(text.slice(from, to));
    if (id >= this.hashes.length) {
      const hashes = new Int32Array(this.hashes.length * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    this.hashes[id] = h;
    this.slots[slot] = id;
    if ((id + 1) * 2 > 1 << this.bits) this.rehash();
    return id;
  }

  private rehash(): void {
    this.bits++;
    const mask = (1 << this.bits) - 1;
    this.slots = new Int32Array(1 << this.bits).fill(-1);
    for (let id = 0; id < this.words.length; id++) {
      let slot = Math.imul(this.hashes[id] as number, 0x9e3779b1) >>> (32 - this.bits);
      while (this.slots[slot] !== -1) slot = (slot + 1) & mask;
      this.slots[slot] = id;
    }
  }
}

function sameChars(word: string, text: string, from: number): boolean {
  for (let i = 0; i < word.length; i++) if (word.charCodeAt(i) !== text.charCodeAt(from + i)) return false;
  return true;
}

/**
 * The n-grams of a list of captions. For order k (index k-1), caption c's unique gram ids,
 * sorted, are `ids[k-1][start[k-1][c] .. start[k-1][c+1])`, their counts beside them in
 * `counts`. `tokens` holds each caption's `split(" ")` tokens as word ids (ROUGE-L's split),
 * caption c at `tokens[tokenStart[c] .. tokenStart[c+1])`.
 */
export interface GramTable {
  captions: number;
  /** Words per caption, split like Python's str.split(). */
  words: Int32Array;
  start: Int32Array[];
  ids: Int32Array[];
  counts: Int32Array[];
  tokenStart: Int32Array;
  tokens: Int32Array;
}

export class GramIndex {
  private readonly words = new WordTable();
  private readonly gramIds: PairTable[] = Array.from({ length: ORDERS - 1 }, () => new PairTable());
  /** How many ids each order has handed out. */
  readonly size: number[] = new Array<number>(ORDERS).fill(0);

  /** The 1..4-gram counts of tokenized captions (words split like Python's str.split()). */
  countAll(captions: readonly string[]): GramTable {
    const n = captions.length;
    // word ids of every caption, and the split(" ") tokens
    const wordStart = new Int32Array(n + 1);
    const tokenStart = new Int32Array(n + 1);
    let wordIds: Int32Array = new Int32Array(1024);
    let tokens: Int32Array = new Int32Array(1024);
    let w = 0;
    let t = 0;
    for (let c = 0; c < n; c++) {
      const caption = captions[c] as string;
      // at most one token per character, and one more
      const room = caption.length + 1;
      if (w + room > wordIds.length) wordIds = grown(wordIds, w + room);
      if (t + room > tokens.length) tokens = grown(tokens, t + room);
      if (!OTHER_WHITESPACE.test(caption)) {
        // the common case: split(" ") gives the tokens, and the words are the non-empty ones
        let from = 0;
        for (;;) {
          let to = caption.indexOf(' ', from);
          if (to === -1) to = caption.length;
          const id = this.words.idOf(caption, from, to);
          tokens[t++] = id;
          if (to > from) wordIds[w++] = id;
          if (to === caption.length) break;
          from = to + 1;
        }
      } else {
        for (const part of caption.split(' ')) tokens[t++] = this.words.idOf(part, 0, part.length);
        for (const word of caption.split(PYTHON_WHITESPACE)) if (word !== '') wordIds[w++] = this.words.idOf(word, 0, word.length);
      }
      wordStart[c + 1] = w;
      tokenStart[c + 1] = t;
    }
    this.size[0] = this.words.size;

    const words = new Int32Array(n);
    for (let c = 0; c < n; c++) words[c] = (wordStart[c + 1] as number) - (wordStart[c] as number);
    const start: Int32Array[] = [];
    const ids: Int32Array[] = [];
    const counts: Int32Array[] = [];
    // grams of the current order, per word position (a k-gram starts at each of the first words-k+1)
    const grams: Int32Array = wordIds.slice(0, w);
    const scratch = new Int32Array(maxOf(words));
    for (let k = 1; k <= ORDERS; k++) {
      if (k > 1) {
        const table = this.gramIds[k - 2] as PairTable;
        // in place: the k-gram at i needs only the (k-1)-gram at i and a word
        let size = this.size[k - 1] as number;
        for (let c = 0; c < n; c++) {
          const from = wordStart[c] as number;
          const last = (wordStart[c + 1] as number) - k + 1;
          for (let i = from; i < last; i++) {
            const id = table.getOrAdd(grams[i] as number, wordIds[i + k - 1] as number, size);
            if (id === size) size++;
            grams[i] = id;
          }
        }
        this.size[k - 1] = size;
      }
      const orderStart = new Int32Array(n + 1);
      const orderIds = new Int32Array(w);
      const orderCounts = new Int32Array(w);
      let out = 0;
      for (let c = 0; c < n; c++) {
        const from = wordStart[c] as number;
        const length = Math.max(0, (words[c] as number) - k + 1);
        for (let i = 0; i < length; i++) scratch[i] = grams[from + i] as number;
        sortPrefix(scratch, length);
        for (let i = 0; i < length; i++) {
          if (i === 0 || scratch[i] !== scratch[i - 1]) {
            orderIds[out] = scratch[i] as number;
            orderCounts[out++] = 1;
          } else orderCounts[out - 1] = (orderCounts[out - 1] as number) + 1;
        }
        orderStart[c + 1] = out;
      }
      start.push(orderStart);
      ids.push(orderIds);
      counts.push(orderCounts);
    }
    return { captions: n, words, start, ids, counts, tokenStart, tokens: tokens.slice(0, t) };
  }
}

function grown(array: Int32Array, atLeast: number): Int32Array {
  const bigger = new Int32Array(Math.max(atLeast, array.length * 2));
  bigger.set(array);
  return bigger;
}

function maxOf(values: Int32Array): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) if ((values[i] as number) > max) max = values[i] as number;
  return max;
}

/** Sorts `a[0 .. length)` ascending: insertion sort for caption-sized runs, else the engine's. */
function sortPrefix(a: Int32Array, length: number): void {
  if (length > 48) {
    a.subarray(0, length).sort();
    return;
  }
  for (let i = 1; i < length; i++) {
    const x = a[i] as number;
    let j = i - 1;
    while (j >= 0 && (a[j] as number) > x) {
      a[j + 1] = a[j] as number;
      j--;
    }
    a[j + 1] = x;
  }
}

/**
 * The n-gram counts of a whole tokenized set, computed once and shared by the scorers:
 * every reference of every image in one table (image i's references are rows
 * `refStart[i] .. refStart[i+1]`), the candidates in another (row i for image i).
 */
export interface CountedSet {
  index: GramIndex;
  refs: GramTable;
  refStart: Int32Array;
  cands: GramTable;
}

export function countSet(set: { refs: readonly (readonly string[])[]; cands: readonly string[] }, index = new GramIndex()): CountedSet {
  const refStart = new Int32Array(set.refs.length + 1);
  set.refs.forEach((list, i) => (refStart[i + 1] = (refStart[i] as number) + list.length));
  return { index, refs: index.countAll(set.refs.flat()), refStart, cands: index.countAll(set.cands) };
}
