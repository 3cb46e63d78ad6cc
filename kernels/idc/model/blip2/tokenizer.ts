/**
 * Captions to ids and back through Hugging Face's `tokenizer.json`, read by the maintained
 * `@huggingface/tokenizers` (the tokenizers of transformers.js): GPT-2's byte-level BPE for a
 * real OPT checkpoint, and for the mini model a word-level vocabulary written in the same format,
 * with OPT's special tokens at OPT's ids, so Hugging Face's own `tokenizers` reads it too.
 *
 * The word-level tokenizer keeps what the COCO toolkit's PTB tokenization keeps: lower-cased
 * words of letters and digits with inner hyphens and apostrophes; punctuation is dropped. Like
 * OPT's tokenizer, encoding starts with BOS (`</s>`, id 2).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { expectObject, readJsonFile } from '../../../platform/jsonFile';

export const TOKENIZER_FILE = 'tokenizer.json';
export const TOKENIZER_CONFIG_FILE = 'tokenizer_config.json';

/** OPT's special tokens at OPT's ids: <s> 0, <pad> 1, </s> 2 (its BOS and EOS), <unk> 3. */
export const OPT_SPECIALS = ['<s>', '<pad>', '</s>', '<unk>'] as const;
const BOS = '</s>';

/** A word as the word-level tokenizer keeps it (after lower-casing). */
export const WORD_PATTERN = "[a-z0-9]+(?:['-][a-z0-9]+)*";

/** The vocabulary of `captions`: OPT's specials, then words by frequency, ties alphabetical (the same captions, the same ids). */
export function wordVocabulary(captions: Iterable<string>): string[] {
  const counts = new Map<string, number>();
  const re = new RegExp(WORD_PATTERN, 'g');
  for (const c of captions) for (const w of c.toLowerCase().match(re) ?? []) counts.set(w, (counts.get(w) ?? 0) + 1);
  const words = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([w]) => w);
  return [...OPT_SPECIALS, ...words];
}

/** tokenizer.json of a word-level vocabulary (its first four entries OPT's specials). */
export function wordLevelTokenizerJson(vocabulary: readonly string[]): Record<string, unknown> {
  if (OPT_SPECIALS.some((s, i) => vocabulary[i] !== s)) throw new RangeError(`tokenizer: expected the vocabulary to start with ${OPT_SPECIALS.join(', ')}`);
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: OPT_SPECIALS.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'Lowercase' },
    // the words are the pattern's matches: everything between them (spaces, punctuation) is dropped
    pre_tokenizer: { type: 'Split', pattern: { Regex: WORD_PATTERN }, behavior: 'Removed', invert: true },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: BOS, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [{ SpecialToken: { id: BOS, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { [BOS]: { id: BOS, ids: [2], tokens: [BOS] } },
    },
    decoder: null,
    model: { type: 'WordLevel', vocab: Object.fromEntries(vocabulary.map((w, i) => [w, i])), unk_token: '<unk>' },
  };
}

/** tokenizer_config.json beside it, as transformers' AutoTokenizer reads it. */
export function tokenizerConfigJson(maxLength: number): Record<string, unknown> {
  return {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: BOS,
    eos_token: BOS,
    pad_token: '<pad>',
    unk_token: '<unk>',
    model_max_length: maxLength,
    add_bos_token: true,
    clean_up_tokenization_spaces: false,
  };
}

export class CaptionTokenizer {
  private constructor(
    private readonly tokenizer: Tokenizer,
    /** Ids of the special tokens, left out of decoded text. */
    private readonly specials: ReadonlySet<number>,
    readonly size: number,
  ) {}

  static fromJson(json: Record<string, unknown>, config: Record<string, unknown>, source: string): CaptionTokenizer {
    const model = expectObject(json.model, source, 'model');
    const vocab = expectObject(model.vocab, source, 'model.vocab');
    const added = Array.isArray(json.added_tokens) ? (json.added_tokens as Array<{ id?: unknown; special?: unknown }>) : [];
    const specials = new Set(added.filter((t) => t.special === true && typeof t.id === 'number').map((t) => t.id as number));
    const ids = [...Object.values(vocab), ...added.map((t) => t.id)].filter((v): v is number => typeof v === 'number');
    return new CaptionTokenizer(new Tokenizer(json, config), specials, Math.max(-1, ...ids) + 1);
  }

  /** tokenizer.json (and tokenizer_config.json when present) of a folder. */
  static async load(folder: string): Promise<CaptionTokenizer> {
    const file = path.join(folder, TOKENIZER_FILE);
    const json = expectObject(await readJsonFile(file), file, '');
    const configFile = path.join(folder, TOKENIZER_CONFIG_FILE);
    const config = fs.existsSync(configFile) ? expectObject(await readJsonFile(configFile), configFile, '') : {};
    return CaptionTokenizer.fromJson(json, config, file);
  }

  /** Ids of a caption, BOS first (as OPT's tokenizer adds it). */
  encode(text: string): number[] {
    return this.tokenizer.encode(text).ids;
  }

  /** Text of ids, special tokens left out. */
  decode(ids: readonly number[]): string {
    const words = ids.filter((id) => !this.specials.has(id));
    // a caption that ends at once (EOS first) is empty; the package refuses an empty list
    if (words.length === 0) return '';
    return this.tokenizer.decode(words, { skip_special_tokens: true });
  }
}
