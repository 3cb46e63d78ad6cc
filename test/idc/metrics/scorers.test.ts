/** Properties of the scorers beyond parity: the splitting rules, LCS, and CIDEr options. */
import assert from 'node:assert/strict';
import { cider, documentFrequency } from '../../../kernels/idc/metrics/cider';
import { lcsLength, rougeLOne } from '../../../kernels/idc/metrics/rougeL';
import { ngramCounts, splitOnSpaces, splitWords } from '../../../kernels/idc/metrics/tokens';

describe('caption metric building blocks', () => {
  it('splits like Python: str.split() on any Unicode space, split(" ") on spaces only', () => {
    assert.deepEqual(splitWords(' a  b\u00a0c\td\u3000e '), ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(splitWords('a\ufeffb'), ['a\ufeffb'], 'a BOM is not whitespace to Python');
    assert.deepEqual(splitOnSpaces('a\u00a0b c'), ['a\u00a0b', 'c']);
    assert.deepEqual(splitOnSpaces(''), ['']);
  });

  it('counts n-grams per order', () => {
    const [uni, bi, tri] = ngramCounts(['a', 'b', 'a', 'b'], 3);
    assert.deepEqual(
      [...(uni ?? [])],
      [
        ['a', 2],
        ['b', 2],
      ],
    );
    assert.deepEqual(
      [...(bi ?? [])],
      [
        ['a b', 2],
        ['b a', 1],
      ],
    );
    assert.deepEqual(
      [...(tri ?? [])],
      [
        ['a b a', 1],
        ['b a b', 1],
      ],
    );
  });

  it('computes LCS lengths', () => {
    assert.equal(lcsLength('a man wearing a hat rides a horse'.split(' '), 'a man rides a horse'.split(' ')), 5);
    assert.equal(lcsLength([], ['a']), 0);
    assert.equal(rougeLOne('', ['two men play chess']), 0);
  });

  it('plain CIDEr has no clipping, no length penalty and no x10; idf may come from a larger set', () => {
    const set = { ids: ['1', '2'], refs: [['a big red cube'], ['a small blue ball']], cands: ['a big red cube a big red cube', 'a small blue ball'] };
    const d = cider(set);
    const plain = cider(set, { variant: 'plain' });
    assert.ok(plain.perImage[0] !== undefined && d.perImage[0] !== undefined);
    assert.ok(Math.abs((plain.perImage[1] as number) - 1) < 1e-12, 'an identical caption scores 1 in plain CIDEr');
    assert.ok(Math.abs((d.perImage[1] as number) - 10) < 1e-12, 'and 10 in CIDEr-D');
    assert.ok((d.perImage[0] as number) / 10 < (plain.perImage[0] as number), 'repetition is penalised by clipping and length');
    // Captions shorter than 4 words have no 4-grams: that order contributes 0, as in the toolkit.
    assert.ok(
      Math.abs((cider({ ids: ['1', '2'], refs: [['a red cube'], ['a blue ball']], cands: ['a red cube', 'a blue ball'] }).perImage[0] as number) - 7.5) < 1e-12,
    );
    const wide = documentFrequency([['a big red cube'], ['a small blue ball'], ['a green cone'], ['a red ring']]);
    const withWideIdf = cider({ ids: ['1'], refs: [['a big red cube']], cands: ['a big red cube'] }, { documentFrequency: wide });
    assert.ok(Math.abs((withWideIdf.perImage[0] as number) - 10) < 1e-12);
  });
});
