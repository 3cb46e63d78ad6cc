/**
 * Captions through Hugging Face's tokenizer.json, read by @huggingface/tokenizers: the mini
 * model's word-level vocabulary in that format gives, on every synthetic caption, the words the
 * PTB-style word split keeps at the vocabulary's ids after OPT's BOS; a byte-level BPE file
 * like OPT's (GPT-2's) merges and decodes as BPE does.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateSynthetic } from '../../../../kernels/idc/data/synthetic/generate';
import { CaptionTokenizer, tokenizerConfigJson, wordLevelTokenizerJson, wordVocabulary } from '../../../../kernels/idc/model/blip2/tokenizer';

/** The word split the vocabulary was made with, written out independently of the tokenizer file. */
const split = (caption: string) => caption.toLowerCase().match(/[a-z0-9]+(?:['-][a-z0-9]+)*/g) ?? [];

describe('caption tokenizers in tokenizer.json', () => {
  it('word level: every synthetic caption encodes to BOS and its words at their ids, unknown words as <unk>, and decodes back', async () => {
    const data = generateSynthetic({ pairs: 400, size: 32, seed: 3 });
    const captions = data.samples.flatMap((s) => s.references);
    const vocabulary = wordVocabulary(captions);
    assert.deepEqual(vocabulary.slice(0, 4), ['<s>', '<pad>', '</s>', '<unk>']);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idc-tokenizer-'));
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(wordLevelTokenizerJson(vocabulary)));
    fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfigJson(32)));
    const tokenizer = await CaptionTokenizer.load(dir);
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(tokenizer.size, vocabulary.length);
    for (const caption of captions) {
      assert.deepEqual(tokenizer.encode(caption), [2, ...split(caption).map((w) => vocabulary.indexOf(w))], caption);
      assert.equal(tokenizer.decode(tokenizer.encode(caption)), split(caption).join(' '));
    }
    const said = "The SIGN now says 'zebra-crossing', don't quokka?";
    const known = (w: string) => (vocabulary.includes(w) ? vocabulary.indexOf(w) : 3);
    assert.deepEqual(tokenizer.encode(said), [2, known('the'), known('sign'), known('now'), known('says'), 3, 3, 3]);
    assert.equal(tokenizer.decode([2, vocabulary.indexOf('red'), vocabulary.indexOf('circle'), 2, 1, 1]), 'red circle');
    // a caption that ends at once: BOS then EOS, nothing in between
    assert.equal(tokenizer.decode([2, 2, 1, 1]), '');
  });

  it("byte-level BPE as OPT's tokenizer.json has it: merges, BOS first, spaces as Ġ, decoded back to text", () => {
    const json = {
      version: '1.0',
      added_tokens: ['<s>', '<pad>', '</s>', '<unk>'].map((content, id) => ({
        id,
        content,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: true,
        special: true,
      })),
      normalizer: null,
      pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
      post_processor: {
        type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: '</s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
        pair: [{ SpecialToken: { id: '</s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
        special_tokens: { '</s>': { id: '</s>', ids: [2], tokens: ['</s>'] } },
      },
      decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
      model: {
        type: 'BPE',
        dropout: null,
        unk_token: null,
        continuing_subword_prefix: '',
        end_of_word_suffix: '',
        fuse_unk: false,
        vocab: { '<s>': 0, '<pad>': 1, '</s>': 2, '<unk>': 3, a: 4, b: 5, Ġ: 6, ab: 7, Ġa: 8, Ġab: 9 },
        // merged in rank order: Ġ+a before a+b, so " ab" becomes Ġa+b, then Ġab
        merges: ['Ġ a', 'a b', 'Ġa b'],
      },
    };
    const tokenizer = CaptionTokenizer.fromJson(json, { tokenizer_class: 'GPT2Tokenizer' }, 'bpe tokenizer.json');
    assert.deepEqual(tokenizer.encode('ab ab a'), [2, 7, 9, 8]);
    assert.equal(tokenizer.decode([2, 7, 9, 8, 2]), 'ab ab a');
  });
});
