/**
 * Meteor's paraphrase table (`paraphrase-en.gz` of the Meteor 1.5 distribution, or any file in
 * its format): entries of three lines, a probability (unused by Meteor), a phrase, and its
 * paraphrase, tokens separated by spaces. Gzip or plain text.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';

export class ParaphraseTable {
  /** phrase -> the phrases it may be written as, both directions. */
  private readonly pairs = new Map<string, Set<string>>();
  /** Longest phrase, in tokens. */
  readonly longest: number;
  readonly entries: number;

  constructor(pairs: Iterable<readonly [string, string]>) {
    let longest = 0;
    let entries = 0;
    const add = (a: string, b: string) => {
      let set = this.pairs.get(a);
      if (!set) {
        set = new Set();
        this.pairs.set(a, set);
      }
      set.add(b);
      longest = Math.max(longest, a.split(' ').length);
    };
    for (const [a, b] of pairs) {
      add(a, b);
      add(b, a);
      entries++;
    }
    this.longest = longest;
    this.entries = entries;
  }

  static read(file: string): ParaphraseTable {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (error) {
      throw new Error(`paraphrase table ${file}: cannot read it: ${(error as Error).message}`);
    }
    const text = bytes[0] === 0x1f && bytes[1] === 0x8b ? zlib.gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
    const lines = text.split(/\r?\n/);
    if (lines[lines.length - 1] === '') lines.pop();
    if (lines.length === 0 || lines.length % 3 !== 0) {
      throw new Error(`paraphrase table ${file}: expected entries of 3 lines (probability, phrase, paraphrase), found ${lines.length} line(s)`);
    }
    const pairs: [string, string][] = [];
    for (let i = 0; i < lines.length; i += 3) {
      const probability = lines[i] as string;
      if (!Number.isFinite(Number(probability)) || probability.trim() === '') {
        throw new Error(`paraphrase table ${file}: line ${i + 1}: expected a probability, found ${JSON.stringify(probability.slice(0, 40))}`);
      }
      const phrase = normalise(lines[i + 1] as string);
      const paraphrase = normalise(lines[i + 2] as string);
      if (phrase === '' || paraphrase === '') throw new Error(`paraphrase table ${file}: line ${phrase === '' ? i + 2 : i + 3}: empty phrase`);
      pairs.push([phrase, paraphrase]);
    }
    return new ParaphraseTable(pairs);
  }

  /** The paraphrases of a phrase (tokens joined by single spaces). */
  paraphrasesOf(phrase: string): ReadonlySet<string> | undefined {
    return this.pairs.get(phrase);
  }
}

const normalise = (line: string) => line.trim().toLowerCase().split(/\s+/).filter(Boolean).join(' ');
