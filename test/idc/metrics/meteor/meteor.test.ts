/**
 * METEOR on cases worked by hand from the Meteor 1.5 formulas (Denkowski & Lavie 2014):
 * alpha 0.85, beta 0.2, gamma 0.6, delta 0.75, module weights exact 1, stem 0.6, synonym 0.8,
 * paraphrase 0.6. Function words are given explicitly so each figure below can be checked on
 * paper. The quirks of Meteor 1.5 reproduced in compat mode were each checked against the real
 * Meteor 1.5 (see parity.test.ts for the reference files).
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
  METEOR_FUNCTION_WORDS,
  NO_PARAPHRASE_NOTE,
  ParaphraseTable,
  WordNetSynsets,
  type MeteorOptions,
} from '../../../../kernels/idc/metrics/meteor/index';
import { METEOR_FUNCTION_WORD_LIST } from '../../../../kernels/idc/metrics/meteor/functionWords';
import { snowballStem } from '../../../../kernels/idc/metrics/meteor/stemmer';
import { needsShared, SHARED } from '../../../shared';
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
    // as in Meteor, image 1 (every word matched, one chunk) adds no chunk: 1 chunk over 8 matches
    close(result.corpus, score(fMean(pc, pc), 1, 8), 'corpus');
    assert.notEqual(result.corpus, ((result.perImage[0] as number) + (result.perImage[1] as number)) / 2);
    close(corpusMeteor(result.stats, [1, 1]), result.perImage[1] as number, 'resample of image 2 twice');
  });

  it("compat keeps Meteor's integer path scores: a lone stem match among rivals is dropped; strict keeps it", () => {
    // three "change" rival for "changed" (stem and synonym matches): in Meteor's search each
    // adds 0 (0.5 truncated) and would open a chunk, so the path without them wins
    const compat = one('change change change', ['the colour changed']);
    assert.equal(compat.corpus, 0);
    assert.equal(compat.stats[0]?.chunks, 0);
    const strict = one('change change change', ['the colour changed'], { mode: 'strict' });
    // stem match: P = 0.6 * 0.75 / (0.75 * 3), R = 0.6 * 0.75 / (0.75 * 2 + 0.25); 1 chunk over 1
    close(strict.corpus, score(fMean(0.2, 0.45 / 1.75), 1, 1), 'strict');
    assert.match(strict.note, /strict alignment search, not Meteor 1\.5's/);
  });

  it('compat compares words by their Java hash codes, as Meteor does ("kp" and "m2" share one)', () => {
    close(one('the kp tank', ['the m2 tank']).corpus, 1, 'compat');
    // strict: "the" and "tank" match in two chunks; P = R = (0.25 + 0.75) / (0.75 * 2 + 0.25)
    close(one('the kp tank', ['the m2 tank'], { mode: 'strict' }).corpus, score(1 / 1.75, 2, 2), 'strict');
  });

  it("feeds Meteor the toolkit's line: |||s leave the hypothesis, and split a reference in two", () => {
    close(one('a red ||| cube', ['a red cube']).corpus, 1, 'hypothesis');
    close(one('a red cube', ['a dog sits ||| a red cube']).corpus, 1, 'reference');
  });

  it('refuses an unknown mode', () => {
    const options = JSON.parse('{"mode": "exact"}') as MeteorOptions;
    assert.throws(() => one('a', ['a'], options), /mode: expected "compat" or "strict", found "exact"/);
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

  it("applies WordNet's exception lists to every word, as Meteor does", () => {
    const wordnet = WordNetSynsets.load();
    for (const [a, b] of [
      ['was', 'is'],
      ['been', 'is'],
      ['moved', 'gone'],
      ['made', 'has'],
    ]) {
      assert.ok(wordnet.shareSynset(a as string, b as string), `${a} ~ ${b}`);
    }
  });

  it('tries the base-form rules in one order whatever the part of speech, never on words of two letters', () => {
    const wordnet = WordNetSynsets.load();
    assert.equal(wordnet.baseForm('as'), 'as');
    assert.ok(!wordnet.shareSynset('as', 'a'), 'as is not a');
    assert.equal(wordnet.baseForm('boxes'), 'box', 'the noun rule xes -> x, after s -> "boxe" finds no lemma');
    assert.equal(wordnet.baseForm('glass'), 'glass', 'words ending in ss are not reduced');
    assert.equal(wordnet.baseForm('qwzxes'), '');
  });

  it('stems with Snowball English, tokens with digits as Snowball does', () => {
    assert.deepEqual(['10.3', '1990s', '130', '13th', 'running', 'generously', 'cats', "dog's"].map(snowballStem), [
      '10.3',
      '1990s',
      '130',
      '13th',
      'run',
      'generous',
      'cat',
      'dog',
    ]);
  });

  it("uses Meteor's 93 English function words, not a general stop-word list", () => {
    assert.equal(METEOR_FUNCTION_WORD_LIST.length, 93);
    assert.equal(METEOR_FUNCTION_WORDS.size, 93);
    for (const word of ['the', ',', "'s", '-lrb-', '\u2019', '\u2014', 'said', 'people', 'year']) assert.ok(METEOR_FUNCTION_WORDS.has(word), word);
    for (const word of ['under', 'very', 'myself']) assert.ok(!METEOR_FUNCTION_WORDS.has(word), word);
  });

  it('the function words are those of ../shared/metrics/meteor/README.md, in its order', function () {
    const readme = path.join(SHARED, 'metrics', 'meteor', 'README.md');
    needsShared(this, readme);
    const listed = /`(the , \. to of [^`]*)`/.exec(fs.readFileSync(readme, 'utf8'))?.[1];
    assert.ok(listed, 'the README lists the function words');
    assert.deepEqual(listed.split(/\s+/), METEOR_FUNCTION_WORD_LIST);
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
