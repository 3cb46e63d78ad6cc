/**
 * BLEU-1..4, ROUGE-L and CIDEr-D against the COCO caption toolkit's own numbers
 * (pycocoevalcap 1.2, see fixtures/README of ../shared/metrics), on the toolkit's tokens, so
 * the scorers are checked apart from the tokenizer. Tolerance: 1e-9 absolute + 1e-9 relative.
 * The Syned corpus may not be copied into the project: it is read from ../shared/metrics
 * when present, and the run says so when it is not.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { needsShared, SHARED as SHARED_ROOT } from '../../shared';
import { METRIC_NAMES, scoreTokenized } from '../../../kernels/idc/metrics/scoreTokenized';

interface Tokenized {
  refs: Record<string, string[]>;
  cands: Record<string, string>;
}
interface Expected {
  corpus: Record<string, number | null>;
  per_image: Record<string, Record<string, number | null>>;
}

const FIXTURES = path.join(__dirname, 'fixtures');
const SHARED = path.join(SHARED_ROOT, 'metrics');

function close(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= 1e-9 + 1e-9 * Math.abs(expected);
}

function checkParity(dir: string, name: string): void {
  const tokens = JSON.parse(fs.readFileSync(path.join(dir, `${name}_expected_tokenized.json`), 'utf8')) as Tokenized;
  const expected = JSON.parse(fs.readFileSync(path.join(dir, `${name}_expected.json`), 'utf8')) as Expected;
  const ids = Object.keys(tokens.refs);
  const scores = scoreTokenized({ ids, refs: ids.map((id) => tokens.refs[id] ?? []), cands: ids.map((id) => tokens.cands[id] ?? '') });
  let compared = 0;
  for (const metric of METRIC_NAMES) {
    const want = expected.corpus[metric] as number;
    assert.ok(close(scores.corpus[metric], want), `${name} corpus ${metric}: ${scores.corpus[metric]} != ${want}`);
    for (const id of ids) {
      const got = scores.perImage.get(id)?.[metric] as number;
      const wantImage = expected.per_image[id]?.[metric] as number;
      assert.ok(close(got, wantImage), `${name} ${id} ${metric}: ${got} != ${wantImage}`);
      compared++;
    }
  }
  assert.equal(compared, ids.length * METRIC_NAMES.length);
}

describe('caption metrics: parity with the COCO toolkit on its tokens', () => {
  for (const name of ['hand_cases', 'public', 'edge_eof', 'edge_linebreak']) {
    it(`${name}: every corpus and per-image BLEU-1..4, ROUGE-L and CIDEr-D value`, () => checkParity(FIXTURES, name));
  }
  it('syned (2,022 real references, read from ../shared/metrics): every value', function () {
    needsShared(this, path.join(SHARED, 'syned_expected.json'));
    checkParity(SHARED, 'syned');
  });

  it('gives the hand-worked values of HAND_CASES.md', () => {
    const tokens = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'hand_cases_expected_tokenized.json'), 'utf8')) as Tokenized;
    const ids = Object.keys(tokens.refs);
    const s = scoreTokenized({ ids, refs: ids.map((id) => tokens.refs[id] ?? []), cands: ids.map((id) => tokens.cands[id] ?? '') });
    assert.equal(s.perImage.get('h1')?.Bleu_1, 0.8333333330555557);
    assert.equal(s.corpus.Bleu_1, 0.7438478709538987);
    assert.equal(s.perImage.get('h3')?.Bleu_4, 0);
    assert.equal(s.perImage.get('h4')?.ROUGE_L, 0.6288659793814433);
    assert.ok(close(s.perImage.get('h2')?.CIDEr as number, 5.353263249883691));
  });
});
