/**
 * `idc-lab metrics` as a user runs it: the toolkit's JSON for every reference corpus (1e-9;
 * METEOR, null in the toolkit's files, against Meteor 1.5's values within 1e-6), per-category
 * scores, the readable table with its METEOR note, and clear errors for bad input. The Syned
 * corpus is read from ../shared/metrics when present (it may not be copied into the project).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { needsShared, SHARED as SHARED_ROOT } from '../../shared';

const BIN = path.resolve(__dirname, '../../../bin/idc-lab.js');
const FIXTURES = path.join(__dirname, 'fixtures');
const SHARED = path.join(SHARED_ROOT, 'metrics');
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, 'metrics', ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });

type Row = Record<string, number | null>;
const close = (got: number, want: number) => Math.abs(got - want) <= 1e-9 + 1e-9 * Math.abs(want);

function assertToolkitJson(stdout: string, expectedFile: string, meteorFile: string): void {
  const got = JSON.parse(stdout) as { corpus: Row; per_image: Record<string, Row> };
  const want = JSON.parse(fs.readFileSync(expectedFile, 'utf8')) as { corpus: Row; per_image: Record<string, Row> };
  const meteor = JSON.parse(fs.readFileSync(meteorFile, 'utf8')) as { corpus: Row; per_image: Record<string, Row> };
  assert.deepEqual(Object.keys(got), ['corpus', 'per_image']);
  const check = (g: Row, w: Row, m: Row | undefined, where: string) => {
    assert.deepEqual(Object.keys(g), ['Bleu_1', 'Bleu_2', 'Bleu_3', 'Bleu_4', 'METEOR', 'ROUGE_L', 'CIDEr'], where);
    for (const [metric, value] of Object.entries(w)) {
      if (metric === 'METEOR') {
        const meteorWant = m?.METEOR as number;
        assert.ok(Math.abs((g.METEOR as number) - meteorWant) <= 1e-6, `${where} METEOR: ${g.METEOR} != ${meteorWant} (Meteor 1.5)`);
      } else assert.ok(close(g[metric] as number, value as number), `${where} ${metric}: ${g[metric]} != ${value}`);
    }
  };
  check(got.corpus, want.corpus, meteor.corpus, 'corpus');
  assert.deepEqual(Object.keys(got.per_image), Object.keys(want.per_image));
  for (const [id, row] of Object.entries(want.per_image)) check(got.per_image[id] as Row, row, meteor.per_image[id], `image ${id}`);
}

describe('idc-lab metrics (CLI)', () => {
  for (const name of ['public', 'hand_cases', 'edge_eof', 'edge_linebreak']) {
    const input = path.join(FIXTURES, name === 'public' ? 'public_corpus.json' : `${name}.json`);
    it(`prints the toolkit's JSON for ${path.basename(input)} (1e-9)`, () => {
      const result = run(input, '--json');
      assert.equal(result.status, 0, result.stderr);
      assertToolkitJson(result.stdout, path.join(FIXTURES, `${name}_expected.json`), path.join(FIXTURES, `${name}_meteor_expected.json`));
      assert.match(result.stderr, /note: METEOR without a paraphrase table/);
    });
  }

  it("prints the toolkit's JSON for syned_corpus.json (read from ../shared/metrics)", function () {
    needsShared(this, path.join(SHARED, 'meteor', 'syned_meteor_expected.json'));
    const result = run(path.join(SHARED, 'syned_corpus.json'), '--json');
    assert.equal(result.status, 0, result.stderr);
    assertToolkitJson(result.stdout, path.join(SHARED, 'syned_expected.json'), path.join(SHARED, 'meteor', 'syned_meteor_expected.json'));
  });

  it('adds per_category with --categories, each category scored on its own', () => {
    const result = run(path.join(FIXTURES, 'public_corpus.json'), '--categories', path.join(FIXTURES, 'public_categories.json'), '--json', '--no-meteor');
    assert.equal(result.status, 0, result.stderr);
    const got = JSON.parse(result.stdout) as { per_category: Record<string, Row>; corpus: Row };
    const want = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'public_per_category_expected.json'), 'utf8')) as Record<string, Row>;
    assert.deepEqual(Object.keys(got.per_category).sort(), Object.keys(want).sort());
    for (const [category, row] of Object.entries(want)) {
      for (const [metric, value] of Object.entries(row)) {
        if (metric === 'METEOR') assert.equal(got.per_category[category]?.[metric], null, '--no-meteor leaves METEOR null');
        else assert.ok(close(got.per_category[category]?.[metric] as number, value as number), `${category} ${metric}`);
      }
    }
    assert.equal(got.corpus.METEOR, null);
  });

  it('prints a table with bootstrap intervals and the METEOR note', () => {
    const result = run(path.join(FIXTURES, 'hand_cases.json'), '--bootstrap', '50', '--seed', '7');
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.equal(lines[0], '4 images');
    assert.match(lines[1] as string, /^category\s+CIDEr\s+METEOR\s+Bleu_4\s+ROUGE_L/);
    assert.match(lines[2] as string, /^overall\s+2\.6955 \[\d\.\d{4}, \d\.\d{4}\]/);
    assert.equal(lines[3], 'note: METEOR without a paraphrase table (exact, stem and synonym modules only)');
  });

  describe('bad input', () => {
    let dir: string;
    const write = (name: string, text: string) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, text);
      return file;
    };
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idc-metrics-'))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const fails = (args: string[], message: string) => {
      const result = run(...args);
      assert.equal(result.status, 2, result.stdout);
      assert.equal(result.stdout, '');
      assert.equal(result.stderr.trim().split('\n').at(-1), `idc-lab: ${message}`);
    };

    it('names the file when it cannot be read', () => {
      const missing = path.join(dir, 'missing.json');
      fails([missing], `${missing}: cannot read the file (ENOENT)`);
    });

    it('names the id that has no candidate', () => {
      const file = write('one-sided.json', JSON.stringify({ refs: { a: ['x y'], b: ['z'] }, cands: { a: 'x' } }));
      fails([file], `${file}: 1 image id(s) have references but no candidate caption, for example "b"; expected a candidate for every image`);
    });

    it('names an id without a category', () => {
      const file = write('set.json', JSON.stringify({ refs: { a: ['x y'], b: ['z'] }, cands: { a: 'x', b: 'z' } }));
      const cats = write('cats.json', JSON.stringify({ a: 'Color' }));
      fails([file, '--categories', cats, '--no-meteor'], 'categories: 1 id(s) have no category, for example "b"; expected a category for every scored id');
    });

    it('names a category that is not a string', () => {
      const file = write('set.json', JSON.stringify({ refs: { a: ['x y'] }, cands: { a: 'x' } }));
      const cats = write('cats.json', JSON.stringify({ a: 3 }));
      fails([file, '--categories', cats], `${cats}: "a": expected a category name (string), found 3`);
    });

    it('rejects a bad option value', () => {
      const file = write('set.json', JSON.stringify({ refs: { a: ['x y'] }, cands: { a: 'x' } }));
      fails([file, '--bootstrap', 'many'], '--bootstrap many: expected a positive whole number of resamples');
      fails([file, '--idf', 'global'], '--idf global: expected "subset" or "whole"');
    });

    it('scores COCO results against a CSV of references', () => {
      const results = write(
        'results.json',
        JSON.stringify([
          { image_id: 1, caption: 'a red cube' },
          { image_id: 2, caption: 'the sphere moved' },
        ]),
      );
      const refs = write('refs.csv', 'id,caption\n1,a red cube\n1,one red cube\n2,the sphere moved left\n');
      const result = run(results, '--refs', refs, '--json');
      assert.equal(result.status, 0, result.stderr);
      const got = JSON.parse(result.stdout) as { per_image: Record<string, Row> };
      assert.deepEqual(Object.keys(got.per_image), ['1', '2']);
      // an exact copy of the closest reference: the toolkit's smoothing and its brevity penalty of 3 / (3 + 1e-9)
      const ratio = (3 + 1e-15) / (3 + 1e-9);
      assert.ok(Math.abs((got.per_image['1']?.Bleu_1 as number) - ratio * Math.exp(1 - 1 / ratio)) < 1e-15);
    });
  });
});
