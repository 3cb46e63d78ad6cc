import assert from 'node:assert/strict';
import { BOS, EOS, PAD, UNK, WordTokenizer, words } from '../../../kernels/idc/model/tokenizer';

describe('word tokenizer', () => {
  it('builds its vocabulary by frequency, then alphabetically, after the special tokens', () => {
    const t = WordTokenizer.fromCaptions(['The red circle.', 'a red square', 'A blue 8-bit circle']);
    assert.deepEqual(t.vocabulary, ['<pad>', '<bos>', '<eos>', '<unk>', 'a', 'circle', 'red', '8-bit', 'blue', 'square', 'the']);
    assert.deepEqual(words("Don't move the RED circle!"), ["don't", 'move', 'the', 'red', 'circle']);
  });

  it('encodes with <unk>, decodes to the first <eos>, and teacher-forces at a fixed length', () => {
    const t = WordTokenizer.fromCaptions(['a red circle']);
    assert.deepEqual(t.encode('a green circle'), [4, UNK, 5]);
    assert.equal(t.decode([BOS, 4, 6, 5, EOS, 4]), 'a red circle');
    assert.deepEqual(t.teacherForcing('a red circle', 5), { inputs: [BOS, 4, 6, 5, PAD], targets: [4, 6, 5, EOS, PAD], mask: [1, 1, 1, 1, 0] });
    // truncated: the caption is cut, the last target is still <eos>
    assert.deepEqual(t.teacherForcing('a red circle', 3), { inputs: [BOS, 4, 6], targets: [4, 6, EOS], mask: [1, 1, 1] });
  });

  it('round-trips through JSON and names what is wrong with a bad file', () => {
    const t = WordTokenizer.fromCaptions(['make it night']);
    assert.deepEqual(WordTokenizer.fromJson(JSON.parse(JSON.stringify(t.toJson())), 'tokenizer.json').vocabulary, t.vocabulary);
    assert.throws(() => WordTokenizer.fromJson({ type: 'bpe' }, 'tok.json'), { message: 'tok.json: type: expected "idc-lab-word-tokenizer"' });
    assert.throws(() => WordTokenizer.fromJson({ type: 'idc-lab-word-tokenizer', vocabulary: ['<pad>', 3] }, 'tok.json'), {
      message: 'tok.json: vocabulary: expected a list of words',
    });
    assert.throws(() => WordTokenizer.fromJson({ type: 'idc-lab-word-tokenizer', vocabulary: ['a'] }, 'tok.json'), {
      message: 'tokenizer: expected the vocabulary to start with <pad>, <bos>, <eos>, <unk>',
    });
  });
});
