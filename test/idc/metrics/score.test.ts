/** From raw captions to the toolkit's scores: tokenizer and scorers together. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { needsShared, SHARED as SHARED_ROOT } from '../../shared';
import { parseRefsCandsJson } from '../../../kernels/idc/metrics/inputs';
import { scoreCaptions } from '../../../kernels/idc/metrics/score';
import { METRIC_NAMES } from '../../../kernels/idc/metrics/scoreTokenized';

const FIXTURES = path.join(__dirname, 'fixtures');
const SHARED = path.join(SHARED_ROOT, 'metrics');

function checkPipeline(dir: string, input: string, expectedFile: string): void {
  const set = parseRefsCandsJson(fs.readFileSync(path.join(dir, input), 'utf8'), input);
  const expected = JSON.parse(fs.readFileSync(path.join(dir, expectedFile), 'utf8')) as {
    corpus: Record<string, number>;
    per_image: Record<string, Record<string, number>>;
  };
  const scores = scoreCaptions(set);
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 + 1e-9 * Math.abs(b);
  for (const m of METRIC_NAMES) {
    assert.ok(close(scores.corpus[m], expected.corpus[m] as number), `${input} corpus ${m}`);
    for (const id of set.ids) assert.ok(close(scores.perImage.get(id)?.[m] as number, expected.per_image[id]?.[m] as number), `${input} ${id} ${m}`);
  }
}

describe('scoring raw captions like the COCO toolkit', () => {
  it('public corpus: every corpus and per-image value from the raw captions', () => checkPipeline(FIXTURES, 'public_corpus.json', 'public_expected.json'));
  it('hand cases', () => checkPipeline(FIXTURES, 'hand_cases.json', 'hand_cases_expected.json'));
  it('syned corpus (read from ../shared/metrics): every value from the raw captions', function () {
    needsShared(this, path.join(SHARED, 'syned_corpus.json'));
    checkPipeline(SHARED, 'syned_corpus.json', 'syned_expected.json');
  });

  it('reproduces the line-break quirk by default and warns about it; strict mode does not shift', () => {
    const set = parseRefsCandsJson(fs.readFileSync(path.join(FIXTURES, 'edge_linebreak.json'), 'utf8'), 'edge_linebreak.json');
    const compat = scoreCaptions(set);
    checkPipeline(FIXTURES, 'edge_linebreak.json', 'edge_linebreak_expected.json');
    assert.match(compat.warnings[0] ?? '', /candidates of 2 image\(s\) \("e2", "e3"\) contain \\r, U\+2028.*shift the captions after them.*Use mode 'strict'/);
    const strict = scoreCaptions(set, { mode: 'strict' });
    assert.equal(strict.tokenized.cands[1], 'a dog runs in the park');
    assert.ok(strict.corpus.CIDEr > compat.corpus.CIDEr);
    assert.match(strict.warnings[0] ?? '', /read as spaces \(strict mode\)/);
  });
});
