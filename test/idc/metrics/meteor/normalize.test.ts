/**
 * Meteor 1.5's `-norm` (English, punctuation kept) on the toolkit's PTB tokens, and the Java
 * behaviours it depends on. Each expected value is what Meteor 1.5's normaliser, or Java 17,
 * printed for the input.
 */
import assert from 'node:assert/strict';
import { javaHashCode, javaSplit, javaTokens, javaTrim } from '../../../../kernels/idc/metrics/meteor/java';
import { meteorTokens, normalizeLine } from '../../../../kernels/idc/metrics/meteor/normalize';
import { toolkitSegments } from '../../../../kernels/idc/metrics/meteor/toolkitLine';

describe("METEOR: Meteor's normaliser", () => {
  it('re-tokenizes the PTB tokens as Meteor does', () => {
    const cases: [string, string][] = [
      ['delete-the-window', 'delete the window'],
      ['what?!', 'what ? !'],
      ["the cat 's hat", "the cat ' s hat"],
      ["do n't", "do n 't"],
      ['the u.s. army', 'the us army'],
      ['he left.', 'he left .'],
      ['pp. 12', 'pp. 12'],
      ['apples vs.', 'apples vs.'],
      ["the 1990's", "the 1990 's"],
      ['a---b a--b a\u2013b', 'a--b a b a - b'],
      ['1,000 dots ... end', '1,000 dots ... end'],
      ['x\u2019s \u2018y\u2019 \u201cz\u201d', "x 's ' y ' \" z \""],
      ["rock 'n' roll", "rock ' n ' roll"],
      ['3\u00a01/2 cups', '3 1 / 2 cups'],
    ];
    for (const [input, want] of cases) assert.equal(normalizeLine(input), want, JSON.stringify(input));
  });

  it('lowercases after normalising, and splits on Java whitespace only', () => {
    assert.deepEqual(meteorTokens('A Red-Cube\u000bx'), ['a', 'red', 'cube\u000bx']);
    assert.deepEqual(meteorTokens(''), []);
  });
});

describe('METEOR: Java string behaviour Meteor relies on', () => {
  it("hashes as Java's String.hashCode", () => {
    assert.equal(javaHashCode(''), 0);
    assert.equal(javaHashCode('the'), 114801);
    assert.equal(javaHashCode('kp'), javaHashCode('m2'));
    assert.equal(javaHashCode('a longer caption that overflows'), -266585782);
  });

  it('trims, tokenizes and splits as Java does', () => {
    assert.equal(javaTrim('\u00a0 a b\t\n'), '\u00a0 a b');
    assert.deepEqual(javaTokens(' a\tb\u00a0c\n'), ['a', 'b\u00a0c']);
    assert.deepEqual(javaSplit('a|||b||||||', '|||'), ['a', 'b']);
  });

  it("builds the toolkit's SCORE line: references joined, the hypothesis cleaned of |||", () => {
    assert.deepEqual(toolkitSegments(['a b', 'c'], ' x|||y  z '), { test: 'xy z', refs: ['a b', 'c'] });
    assert.deepEqual(toolkitSegments(['a ||| b'], ''), { test: '', refs: ['a', 'b'] });
  });
});
