/**
 * A word-level tokenizer built from the training captions: lower-cased words (letters,
 * digits, inner hyphens and apostrophes), punctuation dropped as the COCO toolkit's PTB
 * tokenization drops it. Ids 0-3 are <pad>, <bos>, <eos>, <unk>; words follow by frequency,
 * ties alphabetical, so the same captions always give the same vocabulary.
 */

export const PAD = 0;
export const BOS = 1;
export const EOS = 2;
export const UNK = 3;
const SPECIAL = ['<pad>', '<bos>', '<eos>', '<unk>'];

export function words(caption: string): string[] {
  return caption.toLowerCase().match(/[a-z0-9]+(?:['-][a-z0-9]+)*/g) ?? [];
}

export interface TokenizerJson {
  type: 'idc-lab-word-tokenizer';
  version: 1;
  vocabulary: string[];
}

export class WordTokenizer {
  private readonly ids: Map<string, number>;

  constructor(readonly vocabulary: readonly string[]) {
    if (SPECIAL.some((s, i) => vocabulary[i] !== s)) throw new Error(`tokenizer: expected the vocabulary to start with ${SPECIAL.join(', ')}`);
    this.ids = new Map(vocabulary.map((w, i) => [w, i]));
    if (this.ids.size !== vocabulary.length) throw new Error('tokenizer: the vocabulary lists a word twice');
  }

  /** From training captions; words seen fewer than `minCount` times become <unk>. */
  static fromCaptions(captions: Iterable<string>, minCount = 1): WordTokenizer {
    const counts = new Map<string, number>();
    for (const c of captions) for (const w of words(c)) counts.set(w, (counts.get(w) ?? 0) + 1);
    const kept = [...counts].filter(([, n]) => n >= minCount).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return new WordTokenizer([...SPECIAL, ...kept.map(([w]) => w)]);
  }

  static fromJson(json: unknown, source: string): WordTokenizer {
    const j = json as Partial<TokenizerJson> | null;
    if (typeof j !== 'object' || j === null || j.type !== 'idc-lab-word-tokenizer') throw new Error(`${source}: type: expected "idc-lab-word-tokenizer"`);
    if (!Array.isArray(j.vocabulary) || !j.vocabulary.every((w) => typeof w === 'string')) throw new Error(`${source}: vocabulary: expected a list of words`);
    return new WordTokenizer(j.vocabulary);
  }

  toJson(): TokenizerJson {
    return { type: 'idc-lab-word-tokenizer', version: 1, vocabulary: [...this.vocabulary] };
  }

  get size(): number {
    return this.vocabulary.length;
  }

  encode(caption: string): number[] {
    return words(caption).map((w) => this.ids.get(w) ?? UNK);
  }

  /** Words of the ids up to the first <eos>, specials left out. */
  decode(ids: readonly number[]): string {
    const out: string[] = [];
    for (const id of ids) {
      if (id === EOS) break;
      if (id === PAD || id === BOS) continue;
      out.push(this.vocabulary[id] ?? '<unk>');
    }
    return out.join(' ');
  }

  /**
   * Decoder inputs and targets for one caption at a fixed length: inputs `<bos> w1 .. wn`,
   * targets `w1 .. wn <eos>`, padded with <pad> (mask 0) or truncated to `length`.
   */
  teacherForcing(caption: string, length: number): { inputs: number[]; targets: number[]; mask: number[] } {
    const ids = this.encode(caption).slice(0, length - 1);
    const inputs = [BOS, ...ids];
    const targets = [...ids, EOS];
    const mask = targets.map(() => 1);
    while (inputs.length < length) {
      inputs.push(PAD);
      targets.push(PAD);
      mask.push(0);
    }
    return { inputs, targets, mask };
  }
}
