/** Bootstrap intervals and the paired test: seeded, consistent with the corpus scorer, informative. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { bootstrapIntervals, pairedBootstrap, quantile } from '../../../kernels/idc/metrics/bootstrap';
import { subset } from '../../../kernels/idc/metrics/perCategory';
import { METRIC_NAMES, scoreTokenized } from '../../../kernels/idc/metrics/scoreTokenized';

const tokens = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'public_expected_tokenized.json'), 'utf8')) as {
  refs: Record<string, string[]>;
  cands: Record<string, string>;
};
const ids = Object.keys(tokens.refs);
const set = { ids, refs: ids.map((id) => tokens.refs[id] ?? []), cands: ids.map((id) => tokens.cands[id] ?? '') };

describe('bootstrap confidence intervals', () => {
  it('interpolates quantiles as numpy does', () => {
    assert.equal(quantile([1, 2, 3, 4], 0.25), 1.75);
    assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
    assert.equal(quantile([5], 0.975), 5);
  });

  it('centres every interval on the corpus score and is reproducible from its seed', () => {
    const a = bootstrapIntervals(set, { samples: 200, seed: 7 });
    const b = bootstrapIntervals(set, { samples: 200, seed: 7 });
    const c = bootstrapIntervals(set, { samples: 200, seed: 8 });
    const corpus = scoreTokenized(set).corpus;
    for (const m of METRIC_NAMES) {
      assert.ok(Math.abs(a[m].value - corpus[m]) < 1e-12, `${m} value is the corpus score`);
      assert.ok(a[m].low < a[m].value && a[m].value < a[m].high, `${m}: ${a[m].low} < ${a[m].value} < ${a[m].high}`);
    }
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('gives wider intervals for fewer images', () => {
    const small = subset(set, (id) => Number(id.slice(1)) < 100);
    const wide = bootstrapIntervals(small, { samples: 300 }).CIDEr;
    const narrow = bootstrapIntervals(set, { samples: 300 }).CIDEr;
    assert.ok(wide.high - wide.low > 2 * (narrow.high - narrow.low), `${wide.high - wide.low} vs ${narrow.high - narrow.low}`);
  });

  it('says when its input cannot be resampled', () => {
    assert.throws(() => bootstrapIntervals({ ids: [], refs: [], cands: [] }), /bootstrap: the set has no images to resample/);
    assert.throws(() => bootstrapIntervals(set, { confidence: 95 }), /confidence 95: expected a number between 0 and 1/);
  });
});

describe('paired bootstrap test', () => {
  const copies = set.refs.map((r) => r[0] ?? '');

  it('finds a clearly better prediction set better, with a delta interval above zero', () => {
    const result = pairedBootstrap(set, copies, set.cands, { samples: 300 });
    for (const m of METRIC_NAMES) {
      assert.equal(result[m].probabilityABetter, 1, m);
      assert.ok(result[m].delta.low > 0, `${m} delta low ${result[m].delta.low}`);
    }
    assert.ok(Math.abs(result.CIDEr.b - scoreTokenized(set).corpus.CIDEr) < 1e-12);
  });

  it('calls two identical prediction sets a coin flip', () => {
    const result = pairedBootstrap(set, set.cands, set.cands, { samples: 100 });
    for (const m of METRIC_NAMES) {
      assert.equal(result[m].probabilityABetter, 0.5);
      assert.deepEqual([result[m].delta.low, result[m].delta.value, result[m].delta.high], [0, 0, 0]);
    }
  });

  it('needs one candidate per image in each set', () => {
    assert.throws(() => pairedBootstrap(set, copies.slice(1), set.cands), /expected 1200 candidates in each set, found 1199 \(A\) and 1200 \(B\)/);
  });
});
