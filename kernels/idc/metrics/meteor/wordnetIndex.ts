/**
 * WordNet's index files, looked up as WordNet itself does: by binary search over lines sorted by
 * lemma. Reading a file is then one read and one pass for line starts, instead of parsing
 * 150,000 lines that a caption set mostly never asks for.
 */
import fs from 'node:fs';

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'latin1');
  } catch (error) {
    throw new Error(`METEOR synonyms: cannot read the WordNet ${what} ${file}: ${(error as Error).message}`);
  }
}

/** One `index.pos` file: `lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...`. */
export class WordNetIndexFile {
  private readonly text: string;
  /** Start of each lemma line (the licence header lines, which start with a space, left out). */
  private readonly starts: Int32Array;

  private constructor(text: string) {
    this.text = text;
    const starts: number[] = [];
    for (let at = 0; at < text.length; ) {
      const end = text.indexOf('\n', at);
      const next = end === -1 ? text.length : end + 1;
      if (text.charCodeAt(at) !== 0x20 && next - at > 1) starts.push(at);
      at = next;
    }
    this.starts = Int32Array.from(starts);
  }

  static read(file: string): WordNetIndexFile {
    return new WordNetIndexFile(readText(file, 'index'));
  }

  private lemmaAt(line: number): string {
    const start = this.starts[line] as number;
    return this.text.slice(start, this.text.indexOf(' ', start));
  }

  /** The synset offsets of a lemma in this part of speech; undefined when it is not a lemma. */
  offsets(lemma: string): number[] | undefined {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const found = this.lemmaAt(mid);
      if (found === lemma) return this.parseOffsets(mid);
      if (found < lemma) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  private parseOffsets(line: number): number[] {
    const start = this.starts[line] as number;
    const end = this.text.indexOf('\n', start);
    const fields = this.text
      .slice(start, end === -1 ? undefined : end)
      .trim()
      .split(' ');
    const synsetCount = Number(fields[2]);
    const pointerCount = Number(fields[3]);
    return fields.slice(6 + pointerCount, 6 + pointerCount + synsetCount).map(Number);
  }
}

/** inflected form -> its base forms, from WordNet exception lists (`form base...` lines). */
export function readExceptionLists(files: readonly string[]): Map<string, string[]> {
  const bases = new Map<string, string[]>();
  for (const file of files) {
    for (const line of readText(file, 'exception list').split('\n')) {
      const [form, ...forms] = line.trim().split(/\s+/);
      if (!form || forms.length === 0) continue;
      const known = bases.get(form);
      if (known) known.push(...forms);
      else bases.set(form, forms);
    }
  }
  return bases;
}
