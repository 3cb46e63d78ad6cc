/**
 * METEOR on cases worked by hand from the Meteor 1.5 formulas (Denkowski & Lavie 2014):
 * alpha 0.85, beta 0.2, gamma 0.6, delta 0.75, module weights exact 1, stem 0.6, synonym 0.8,
 * paraphrase 0.6. Function words are given explicitly so each figure below can be checked on
 * paper.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import {
  corpusMeteor,
  meteor,
  meteorFromStats,
  METEOR_ENGLISH,
  NO_PARAPHRASE_NOTE,
  ParaphraseTable,
  WordNetSynsets,
} from '../../../../kernels/idc/metrics/meteor/index';
import { emptyStats } from '../../../../kernels/idc/metrics/meteor/stats';

const FUNCTION_WORDS = new Set(['a', 'the', 'on', 'to', 'of']);
const close = (got: number, want: number, what = '') => assert.ok(Math.abs(got - want) < 1e-12, `${what}: ${got} != ${want}`);
const one = (cand: string, refs: string[], options: Parameters<typeof meteor>[1] = {}) =>
  meteor({ ids: ['x'], refs: [refs], cands: [cand] }, { functionWords: FUNCTION_WORDS, ...options });
/** (1 - gamma (ch/m)^beta) Fmean */
const score = (fMean: number, chunks: number, matched: number) => fMean * (1 - 0.6 * (chunks / matched) ** 0.2);
const fMean = (p: number, r: number) => (p * r) / (0.85 * p + 0.15 * r);

describe('METEOR 1.5 (hand-worked cases)', () => {
  it('an identical caption scores 1: every word matched in one chunk has no penalty', () => {
    close(one('the cat sat on the mat', ['the cat sat on the mat']).corpus, 1, 'identical');
  });

  it('the same words reordered: P = R = 1, three chunks over 6 matches', () => {
    // "the cat" | "sat" | "on the mat" appear in the reference as "on the mat" "sat" "the cat"
    close(one('the cat sat on the mat', ['on the mat sat the cat']).corpus, score(1, 3, 6), 'reordered');
    assert.ok(Math.abs(score(1, 3, 6) - 0.4776696620223) < 1e-12);
  });

  it('stem and synonym matches count with weights 0.6 and 0.8, content words with delta', () => {
    // test "a dog runs", ref "the hound running": dog~hound share a WordNet synset, runs~running
    // share the Porter2 stem "run"; "a" and "the" are unmatched function words.
    // weighted length: 0.75*2 content + 0.25*1 function = 1.75 on each side
    // weighted matches: 0.75*(0.8 + 0.6) = 1.05  ->  P = R = 0.6; 1 chunk over 2 matches
    const p = (0.75 * (0.8 + 0.6)) / (0.75 * 2 + 0.25);
    close(p, 0.6);
    close(one('a dog runs', ['the hound running']).corpus, score(fMean(p, p), 1, 2), 'stem + synonym');
  });

  it('without the stem and synonym modules only exact words match', () => {
    const result = one('a dog runs', ['the hound running'], { modules: { stem: false, synonym: false } });
    assert.equal(result.corpus, 0);
    assert.match(result.note, /without a paraphrase table \(modules: exact\)/);
  });

  it('uses the paraphrase table when given one, and says when it had none', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meteor-'));
    const table = path.join(dir, 'paraphrase-en.gz');
    fs.writeFileSync(table, zlib.gzipSync('0.5\nnext to\nbeside\n0.25\nsofa\ncouch\n'));
    const test = 'a cat beside the box';
    const ref = 'a cat next to the box';
    // without: a, cat, the, box match (2 content + 2 function on each side), 2 chunks
    // test length 0.75*3 + 0.25*2 = 2.75 (beside unmatched); ref 0.75*3 + 0.25*3 = 3
    const without = one(test, [ref]);
    close(without.corpus, score(fMean(2 / 2.75, 2 / 3), 2, 4), 'no table');
    assert.equal(without.note, NO_PARAPHRASE_NOTE);
    assert.equal(without.paraphraseTable, false);
    // with: beside <-> "next to" (paraphrase, 0.6): every word matched in one chunk, no penalty
    // test matches 2 + 0.6*0.75 = 2.45; ref matches 2 + 0.6*(0.75 + 0.25) = 2.6
    const withTable = one(test, [ref], { paraphraseTable: table });
    close(withTable.corpus, fMean(2.45 / 2.75, 2.6 / 3), 'with table');
    assert.equal(withTable.paraphraseTable, true);
    assert.match(withTable.note, /paraphrase table of 2 entries/);
    fs.rmSync(dir, { recursive: true });
  });

  it('keeps the best reference of an image and sums statistics over images for the corpus', () => {
    const set = {
      ids: ['1', '2'],
      refs: [['a red cube', 'the cat sat on the mat'], ['two blue spheres']],
      cands: ['the cat sat on the mat', 'one blue sphere'],
    };
    const result = meteor(set, { functionWords: FUNCTION_WORDS });
    close(result.perImage[0] as number, 1, 'best reference');
    // image 2: "blue" exact, "sphere"~"spheres" stem; one~two no match. 3 content words a side.
    const p2 = (0.75 * (1 + 0.6)) / (0.75 * 3);
    close(result.perImage[1] as number, score(fMean(p2, p2), 1, 2), 'image 2');
    // corpus: summed statistics, not the mean of the two scores
    const pc = (6 * 0.25 * 0 + 0.75 * 3 + 0.25 * 3 + 0.75 * 1.6) / (0.75 * 3 + 0.25 * 3 + 0.75 * 3);
    close(result.corpus, score(fMean(pc, pc), 2, 8), 'corpus');
    assert.notEqual(result.corpus, ((result.perImage[0] as number) + (result.perImage[1] as number)) / 2);
    close(corpusMeteor(result.stats, [1, 1]), result.perImage[1] as number, 'resample of image 2 twice');
  });

  it('scores 0 with no match and for empty captions', () => {
    assert.equal(one('completely different words', ['a red cube']).corpus, 0);
    assert.equal(one('', ['a red cube']).corpus, 0);
    assert.equal(meteorFromStats(emptyStats(), METEOR_ENGLISH).score, 0);
  });
});

describe('METEOR resources', () => {
  it('finds WordNet synsets through morphy base forms', () => {
    const wordnet = WordNetSynsets.load();
    assert.ok(wordnet.shareSynset('dog', 'hound'));
    assert.ok(wordnet.shareSynset('dogs', 'hounds'), 'plural nouns reduce to their lemma');
    assert.ok(wordnet.shareSynset('sofa', 'couch'));
    assert.ok(!wordnet.shareSynset('red', 'blue'));
    assert.equal(wordnet.synsets('qwzx').size, 0);
  });

  it('reads plain paraphrase tables and rejects malformed ones, naming the line', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meteor-'));
    const plain = path.join(dir, 'table.txt');
    fs.writeFileSync(plain, '0.1\nin front of\nbefore\n');
    const table = ParaphraseTable.read(plain);
    assert.deepEqual([...(table.paraphrasesOf('before') ?? [])], ['in front of']);
    assert.equal(table.longest, 3);
    const bad = path.join(dir, 'bad.txt');
    fs.writeFileSync(bad, '0.1\nin front of\n');
    assert.throws(() => ParaphraseTable.read(bad), {
      message: `paraphrase table ${bad}: expected entries of 3 lines (probability, phrase, paraphrase), found 2 line(s)`,
    });
    fs.writeFileSync(bad, 'high\na\nb\n');
    assert.throws(() => ParaphraseTable.read(bad), { message: `paraphrase table ${bad}: line 1: expected a probability, found "high"` });
    assert.throws(() => ParaphraseTable.read(path.join(dir, 'missing.gz')), /paraphrase table .*missing\.gz: cannot read it/);
    fs.rmSync(dir, { recursive: true });
  });
});
