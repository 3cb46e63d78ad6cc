/**
 * METEOR against the real Meteor 1.5, run as the COCO toolkit runs it (`-l en -norm -m "exact
 * stem synonym"`, no paraphrase table): ../shared/metrics/meteor/README.md. Each image's 23
 * statistics must be Meteor's exactly, and every per-image and corpus score within 1e-6. The
 * public, hand and edge references are fixtures; the Syned corpus may not be copied into the
 * project and is read from ../shared/metrics, pending when it is absent.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { needsShared, SHARED as SHARED_ROOT } from '../../../shared';
import { parseRefsCandsJson } from '../../../../kernels/idc/metrics/inputs';
import { meteor, meteorStatsLine, type MeteorStats } from '../../../../kernels/idc/metrics/meteor/index';
import { tokenizeSet } from '../../../../kernels/idc/metrics/score';
import type { TokenizedSet } from '../../../../kernels/idc/metrics/types';

interface MeteorExpected {
  corpus: { METEOR: number };
  per_image: Record<string, { METEOR: number }>;
  meteor_stats: Record<string, string>;
}

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const SHARED = path.join(SHARED_ROOT, 'metrics');
const TOLERANCE = 1e-6;

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T;

function tokenizedSet(file: string): TokenizedSet {
  const tokens = readJson<{ refs: Record<string, string[]>; cands: Record<string, string> }>(file);
  const ids = Object.keys(tokens.refs);
  return { ids, refs: ids.map((id) => tokens.refs[id] ?? []), cands: ids.map((id) => tokens.cands[id] ?? '') };
}

/** Compares every image and the corpus; the message names the first few images that differ. */
function checkMeteor(set: TokenizedSet, expected: MeteorExpected, what: string): void {
  const scores = meteor(set);
  assert.equal(scores.perImage.length, Object.keys(expected.per_image).length, `${what}: image count`);
  const off: string[] = [];
  set.ids.forEach((id, i) => {
    const stats = meteorStatsLine(scores.stats[i] as MeteorStats);
    const want = expected.per_image[id]?.METEOR as number;
    if (stats !== expected.meteor_stats[id] || !(Math.abs((scores.perImage[i] as number) - want) <= TOLERANCE)) {
      off.push(`${id}: ${scores.perImage[i]} [${stats}] != ${want} [${expected.meteor_stats[id]}]`);
    }
  });
  assert.deepEqual(off.slice(0, 5), [], `${what}: ${off.length} of ${set.ids.length} images differ from Meteor 1.5`);
  assert.ok(Math.abs(scores.corpus - expected.corpus.METEOR) <= TOLERANCE, `${what} corpus: ${scores.corpus} != ${expected.corpus.METEOR}`);
}

describe('METEOR: parity with the real Meteor 1.5 as the COCO toolkit runs it', () => {
  for (const name of ['hand_cases', 'public', 'edge_eof', 'edge_linebreak']) {
    it(`${name}: every image's statistics and score, and the corpus score, on the toolkit's tokens`, () => {
      const expected = readJson<MeteorExpected>(path.join(FIXTURES, `${name}_meteor_expected.json`));
      checkMeteor(tokenizedSet(path.join(FIXTURES, `${name}_expected_tokenized.json`)), expected, name);
    });
  }

  it("syned (2,022 real references, read from ../shared/metrics): every image and the corpus, on the toolkit's tokens", function () {
    needsShared(this, path.join(SHARED, 'meteor', 'syned_meteor_expected.json'));
    const expected = readJson<MeteorExpected>(path.join(SHARED, 'meteor', 'syned_meteor_expected.json'));
    checkMeteor(tokenizedSet(path.join(SHARED, 'syned_expected_tokenized.json')), expected, 'syned');
  });

  for (const [name, input] of [
    ['hand_cases', 'hand_cases.json'],
    ['public', 'public_corpus.json'],
    ['edge_eof', 'edge_eof.json'],
    ['edge_linebreak', 'edge_linebreak.json'],
  ] as const) {
    it(`${name} from the raw captions: our PTB tokenizer (compat), then METEOR`, () => {
      const set = parseRefsCandsJson(fs.readFileSync(path.join(FIXTURES, input), 'utf8'), input);
      checkMeteor(tokenizeSet(set).set, readJson<MeteorExpected>(path.join(FIXTURES, `${name}_meteor_expected.json`)), `${name} (raw)`);
    });
  }

  it('syned corpus from the raw captions (read from ../shared/metrics): our PTB tokenizer, then METEOR', function () {
    needsShared(this, path.join(SHARED, 'meteor', 'syned_meteor_expected.json'));
    const set = parseRefsCandsJson(fs.readFileSync(path.join(SHARED, 'syned_corpus.json'), 'utf8'), 'syned_corpus.json');
    checkMeteor(tokenizeSet(set).set, readJson<MeteorExpected>(path.join(SHARED, 'meteor', 'syned_meteor_expected.json')), 'syned (raw)');
  });
});
