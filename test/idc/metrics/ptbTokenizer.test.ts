/**
 * The PTB tokenization of the COCO toolkit, token for token: every caption of the reference
 * corpora (refs in one call, candidates in another, as the toolkit does) against the
 * toolkit's own output. Syned is read from ../shared/metrics when present.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { needsShared, SHARED as SHARED_ROOT } from '../../shared';
import { ptbTokens, tokenizeCaptions } from '../../../kernels/idc/metrics/ptbTokenizer';

const FIXTURES = path.join(__dirname, 'fixtures');
const SHARED = path.join(SHARED_ROOT, 'metrics');

function checkTokens(dir: string, input: string, name: string): number {
  const raw = JSON.parse(fs.readFileSync(path.join(dir, input), 'utf8')) as { refs: Record<string, string[]>; cands: Record<string, string> };
  const want = JSON.parse(fs.readFileSync(path.join(dir, `${name}_expected_tokenized.json`), 'utf8')) as {
    refs: Record<string, string[]>;
    cands: Record<string, string>;
  };
  const ids = Object.keys(raw.refs);
  const refs = tokenizeCaptions(ids.flatMap((id) => raw.refs[id] ?? [])).captions;
  const cands = tokenizeCaptions(ids.map((id) => raw.cands[id] ?? '')).captions;
  assert.deepEqual(
    refs,
    ids.flatMap((id) => want.refs[id] ?? []),
  );
  assert.deepEqual(
    cands,
    ids.map((id) => want.cands[id] ?? ''),
  );
  return refs.length + cands.length;
}

describe('PTB tokenizer (compat mode: the toolkit)', () => {
  it('hand cases: lower-cased, punctuation dropped, brackets kept as -lrb- -rrb-', () =>
    assert.equal(checkTokens(FIXTURES, 'hand_cases.json', 'hand_cases'), 11));
  it('public corpus: all 6,009 captions', () => assert.equal(checkTokens(FIXTURES, 'public_corpus.json', 'public'), 6009));
  it('the end-of-input quirk: a final contraction is not split', () => checkTokens(FIXTURES, 'edge_eof.json', 'edge_eof'));
  it('the line-break quirk: \\r and U+2028 shift later captions, as in the toolkit', () => checkTokens(FIXTURES, 'edge_linebreak.json', 'edge_linebreak'));
  it('syned corpus (read from ../shared/metrics): all 12,075 captions, unicode and noise included', function () {
    needsShared(this, path.join(SHARED, 'syned_corpus.json'));
    assert.equal(checkTokens(SHARED, 'syned_corpus.json', 'syned'), 12075);
  });

  it('splits contractions and keeps what PTB keeps', () => {
    assert.deepEqual(ptbTokens("They can't go, it's Mr. Smith's (new) car... isn't it?! "), [
      'They',
      'ca',
      "n't",
      'go',
      ',',
      'it',
      "'s",
      'Mr.',
      'Smith',
      "'s",
      '-LRB-',
      'new',
      '-RRB-',
      'car',
      '...',
      'is',
      "n't",
      'it',
      '?!',
    ]);
    assert.deepEqual(ptbTokens('3 1/2 cups at 4:30 for $3.50 (50%)'), ['3\u00a01/2', 'cups', 'at', '4:30', 'for', '$', '3.50', '-LRB-', '50', '%', '-RRB-']);
  });
});

describe('PTB tokenizer (strict mode)', () => {
  it('reads stray line breaks as spaces, so no caption moves, and says which captions had them', () => {
    const result = tokenizeCaptions(['a man rides a horse', 'a dog\rruns in the park', 'two cats\u2028sleep'], 'strict');
    assert.deepEqual(result.captions, ['a man rides a horse', 'a dog runs in the park', 'two cats sleep']);
    assert.deepEqual(result.lineBreaks, [1, 2]);
    // every caption is checked on its own, whatever the position of the break before it
    assert.deepEqual(tokenizeCaptions(['a long caption\rthen', 'x\ry'], 'strict').lineBreaks, [0, 1]);
    const compat = tokenizeCaptions(['a man rides a horse', 'a dog\rruns in the park', 'two cats\u2028sleep']);
    assert.deepEqual(compat.captions, ['a man rides a horse', 'a dog', 'runs in the park']);
  });
});
