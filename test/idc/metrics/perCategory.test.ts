/** Per-category scores: parity with the toolkit scoring each category's subset on its own. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { scoreByCategory } from '../../../kernels/idc/metrics/perCategory';
import { METRIC_NAMES } from '../../../kernels/idc/metrics/scoreTokenized';

const FIXTURES = path.join(__dirname, 'fixtures');
const read = <T>(name: string): T => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8')) as T;

describe('caption metrics per category', () => {
  const tokens = read<{ refs: Record<string, string[]>; cands: Record<string, string> }>('public_expected_tokenized.json');
  const categories = new Map(Object.entries(read<Record<string, string>>('public_categories.json')));
  const ids = Object.keys(tokens.refs);
  const set = { ids, refs: ids.map((id) => tokens.refs[id] ?? []), cands: ids.map((id) => tokens.cands[id] ?? '') };

  it("gives the toolkit's corpus scores of each category scored on its own (idf per subset)", () => {
    const expected = read<Record<string, Record<string, number | null>>>('public_per_category_expected.json');
    const scores = scoreByCategory(set, categories);
    assert.deepEqual([...scores.byCategory.keys()].sort(), Object.keys(expected).sort());
    for (const [category, want] of Object.entries(expected)) {
      for (const metric of METRIC_NAMES) {
        const got = scores.byCategory.get(category)?.corpus[metric] as number;
        const value = want[metric] as number;
        assert.ok(Math.abs(got - value) <= 1e-9 + 1e-9 * Math.abs(value), `${category} ${metric}: ${got} != ${value}`);
      }
    }
    const overall = read<{ corpus: Record<string, number> }>('public_expected.json').corpus;
    assert.ok(Math.abs(scores.overall.corpus.CIDEr - (overall.CIDEr as number)) < 1e-12);
  });

  it('with whole-set idf, a category CIDEr-D is the mean of its images whole-set scores', () => {
    const scores = scoreByCategory(set, categories, { idf: 'whole' });
    const color = ids.filter((id) => categories.get(id) === 'Color');
    const mean = color.reduce((sum, id) => sum + (scores.overall.perImage.get(id)?.CIDEr as number), 0) / color.length;
    assert.ok(Math.abs((scores.byCategory.get('Color')?.corpus.CIDEr as number) - mean) < 1e-12);
    const subsetScores = scoreByCategory(set, categories);
    assert.equal(scores.byCategory.get('Color')?.corpus.Bleu_4, subsetScores.byCategory.get('Color')?.corpus.Bleu_4);
    assert.notEqual(scores.byCategory.get('Color')?.corpus.CIDEr, subsetScores.byCategory.get('Color')?.corpus.CIDEr);
  });

  it('names an id without a category', () => {
    const partial = new Map([...categories].slice(1));
    assert.throws(() => scoreByCategory(set, partial), /categories: 1 id\(s\) have no category, for example "q00000"/);
  });
});
