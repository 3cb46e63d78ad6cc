/**
 * The loaders against the released annotation files: the trees of ../shared/real-datasets
 * (trimmed real files, placeholder images; its SOURCES.md names every repository, path and
 * commit) are opened by auto-detection and compared with its expected.json, which says what
 * the released files hold. Where the folder is absent every test here is pending, with the
 * reason in its title. The trees are read in place; layouts that no tree has (CLIP4IDC's
 * Spot-the-Diff files, Hugging Face's converted parquet) are built in a temporary folder from
 * the real files.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { detectFormats, open, type OpenOptions } from '../../../kernels/idc/data/open';
import type { Dataset } from '../../../kernels/idc/data/dataset';
import type { DatasetFormat, IdcSample, Split } from '../../../kernels/idc/data/types';
import { needsShared, SHARED } from '../../shared';
import { tempFolder } from './pngFixtures';

const REAL = path.join(SHARED, 'real-datasets');
const tree = (...parts: string[]) => path.join(REAL, ...parts);

interface Expected {
  split: string;
  category?: string;
  references: string[];
}

interface SpotSplit {
  entries: number;
  pairs: number;
  references: Record<string, string[]>;
  repeated_ids: string[];
  empty_sentence_ids: string[];
}

interface ExpectedFile {
  'spot-the-diff': Record<'train' | 'val' | 'test', SpotSplit>;
  ier: Record<'train' | 'valid' | 'test', { entries: number; uids: string[]; references: Record<string, string[]> }>;
  'clevr-change': { numbers: number[]; real_split_values: Record<'train' | 'val' | 'test', number[]>; samples: Record<string, Expected> };
  'clevr-dc': { ids: string[]; splits: Record<string, string>; references: Record<string, string[]> };
  'emu-edit': { validation_rows: number; test_rows: number; samples: Record<string, Expected> };
  syned: {
    test_keys: string[];
    samples: Record<string, Expected>;
    quirks: { no_variations: string[]; fewer: string[]; more: string[]; quoted: number; empty: number };
  };
  magicbrush: { train: number; dev: number; samples: Record<string, Expected> };
}

/** The released files' split names, as the loaders name them. */
const SPLIT_OF: Record<string, Split> = { train: 'train', val: 'validation', valid: 'validation', dev: 'validation', validation: 'validation', test: 'test' };

function expectedFile(): ExpectedFile {
  return JSON.parse(fs.readFileSync(tree('expected.json'), 'utf8'));
}

/** What a test compares of each sample, by id. */
function read(samples: readonly IdcSample[]): Record<string, Required<Expected>> {
  const out: Record<string, Required<Expected>> = {};
  for (const s of samples) {
    assert.equal(out[s.id], undefined, `sample id ${s.id} is read twice`);
    out[s.id] = { split: s.split, category: s.category, references: s.references };
  }
  return out;
}

/** Expected samples with the released split names mapped and the category a format without one gives. */
function normalised(samples: Record<string, Expected>, category?: string): Record<string, Required<Expected>> {
  return Object.fromEntries(
    Object.entries(samples).map(([id, e]) => [
      id,
      { split: SPLIT_OF[e.split] as string, category: e.category ?? (category as string), references: e.references },
    ]),
  );
}

/**
 * Opens `folder` by auto-detection, checks that it is detected as `format` and as nothing
 * else, and that the strict policy reads the same samples (well-formed data never stops it).
 */
async function openDetected(folder: string, format: DatasetFormat, options: OpenOptions = {}): Promise<Dataset> {
  const found = await detectFormats(folder);
  assert.deepEqual(
    found.map((f) => f.reader.format),
    [format],
  );
  const ds = await open(folder, options);
  assert.equal(ds.format, format);
  const strict = await open(folder, { ...options, onError: 'fail' });
  assert.deepEqual(read(strict.samples), read(ds.samples));
  return ds;
}

/** The problems that left a sample out or dropped a value (quirks that keep their sample are not among them). */
function skipping(ds: Dataset) {
  return ds.problems.filter((p) => !p.kept);
}

function copyInto(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}

/** Spot-the-Diff as a loader must read a split: repeated ids merged in order, empty sentences left out. */
function spotExpectation(split: SpotSplit, name: string): { samples: Record<string, Required<Expected>>; wordless: string[] } {
  const samples: Record<string, Required<Expected>> = {};
  const wordless: string[] = [];
  for (const [id, refs] of Object.entries(split.references)) {
    const words = refs.filter((r) => r.trim() !== '');
    if (words.length === 0) wordless.push(id);
    else samples[id] = { split: SPLIT_OF[name] as string, category: 'unknown', references: words };
  }
  return { samples, wordless };
}

describe('real released annotation files (../shared/real-datasets)', () => {
  it('Spot-the-Diff: merges the annotators of one img_id into one pair, in file order, and leaves empty sentences out', async function () {
    needsShared(this, tree('spot-the-diff'));
    const expected = expectedFile()['spot-the-diff'];
    const ds = await openDetected(tree('spot-the-diff'), 'spot-the-diff');
    const want: Record<string, Required<Expected>> = {};
    const wordless: Array<{ id: string; file: string; field: string }> = [];
    let merged = 0;
    for (const name of ['train', 'val', 'test'] as const) {
      const split = expected[name];
      const file = tree('spot-the-diff', 'annotations', `${name}.json`);
      const entries: Array<{ img_id: string }> = JSON.parse(fs.readFileSync(file, 'utf8'));
      assert.equal(entries.length, split.entries);
      merged += split.entries - split.pairs;
      const e = spotExpectation(split, name);
      Object.assign(want, e.samples);
      assert.deepEqual(e.wordless, split.empty_sentence_ids);
      for (const id of e.wordless) wordless.push({ id, file, field: `[${entries.findIndex((x) => x.img_id === id)}].sentences` });
      for (const id of split.repeated_ids) assert.ok((want[id]?.references.length ?? 0) > 1, id);
    }
    assert.deepEqual(read(ds.samples), want);
    assert.deepEqual(ds.samples.find((s) => s.id === '126')?.references.length, 4);
    assert.deepEqual(
      skipping(ds).map((p) => [p.file, p.field, p.sample]),
      wordless.map((w) => [w.file, w.field, w.id]),
    );
    const summary = (await ds.summary({ sizes: 'all' })).summary;
    assert.deepEqual(summary.tallies, [{ what: 'repeated img_id entries merged into their pairs (one per annotator)', count: merged }]);
    assert.equal(merged, 18);
    assert.equal(summary.skipped, wordless.length);
    assert.equal(summary.sizesOf, summary.images);
    assert.deepEqual(ds.samples[0]?.before, { kind: 'file', path: tree('spot-the-diff', 'resized_images', '76.png') });
    assert.deepEqual(ds.samples[0]?.after, { kind: 'file', path: tree('spot-the-diff', 'resized_images', '76_2.png') });
  });

  it("Spot-the-Diff in CLIP4IDC's layout: reformat_<split>.json beside images/, read as the released tree", async function () {
    needsShared(this, tree('spot-the-diff'));
    const dir = tempFolder('clip4idc');
    try {
      const ids = new Set<string>();
      for (const name of ['train', 'val', 'test']) {
        const released = tree('spot-the-diff', 'annotations', `${name}.json`);
        const entries: Array<{ img_id: string; sentences: string[] }> = JSON.parse(fs.readFileSync(released, 'utf8'));
        // what CLIP4IDC's preprocess/reformat_dataset.py writes: one entry per img_id, sentences extended in file order
        const byId = new Map<string, string[]>();
        for (const e of entries) byId.set(e.img_id, [...(byId.get(e.img_id) ?? []), ...e.sentences]);
        fs.writeFileSync(path.join(dir, `reformat_${name}.json`), JSON.stringify([...byId].map(([img_id, sentences]) => ({ img_id, sentences }))));
        // its README keeps the released files beside them
        copyInto(released, path.join(dir, `${name}.json`));
        for (const id of byId.keys()) ids.add(id);
      }
      for (const id of ids)
        for (const suffix of ['', '_2'])
          copyInto(tree('spot-the-diff', 'resized_images', `${id}${suffix}.png`), path.join(dir, 'images', `${id}${suffix}.png`));
      const found = await detectFormats(dir);
      assert.deepEqual(
        found.map((f) => [f.reader.format, f.evidence]),
        [
          ['spot-the-diff', 'reformat_train.json, reformat_val.json, reformat_test.json and images/'],
          ['ier', 'train.json, test.json and images/'],
        ],
      );
      const ds = await open(dir);
      const released = await open(tree('spot-the-diff'));
      assert.equal(ds.format, 'spot-the-diff');
      assert.deepEqual(read(ds.samples), read(released.samples));
      assert.deepEqual(ds.samples[0]?.before, { kind: 'file', path: path.join(dir, 'images', '76.png') });
      assert.deepEqual(ds.samples[0]?.after, { kind: 'file', path: path.join(dir, 'images', '76_2.png') });
      assert.deepEqual((await ds.summary({ sizes: 0 })).summary.tallies, []);
      assert.deepEqual(
        skipping(ds).map((p) => p.sample),
        ['3', '8069', '9420'],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('IER: every uid of the three files with its sentences', async function () {
    needsShared(this, tree('ier'));
    const expected = expectedFile().ier;
    const ds = await openDetected(tree('ier'), 'ier');
    const want: Record<string, Required<Expected>> = {};
    for (const name of ['train', 'valid', 'test'] as const) {
      const split = expected[name];
      assert.equal(split.uids.length, split.entries);
      for (const uid of split.uids) want[uid] = { split: SPLIT_OF[name] as string, category: 'unknown', references: split.references[uid] as string[] };
    }
    assert.deepEqual(read(ds.samples), want);
    assert.deepEqual(skipping(ds), []);
  });

  it('CLEVR-Change: split values are image numbers, so a partial images/ folder reads the right images', async function () {
    needsShared(this, tree('clevr-change'));
    const expected = expectedFile()['clevr-change'];
    const splits = JSON.parse(fs.readFileSync(tree('clevr-change', 'data', 'splits.json'), 'utf8'));
    assert.deepEqual(splits, expected.real_split_values);
    // the released values are numbers far beyond the 25 images the folder holds
    assert.equal(fs.readdirSync(tree('clevr-change', 'data', 'images')).length, expected.numbers.length);
    const ds = await openDetected(tree('clevr-change'), 'clevr-change');
    assert.deepEqual(read(ds.samples), normalised(expected.samples));
    for (const s of ds.samples) {
      const [, kind, digits] = /^CLEVR_(semantic|nonsemantic)_(\d{6})$/.exec(s.id) as RegExpExecArray;
      const partner = kind === 'semantic' ? 'sc_images' : 'nsc_images';
      assert.deepEqual(s.before, { kind: 'file', path: tree('clevr-change', 'data', 'images', `CLEVR_default_${digits}.png`) });
      assert.deepEqual(s.after, { kind: 'file', path: tree('clevr-change', 'data', partner, `CLEVR_${kind}_${digits}.png`) });
    }
    // value 19 of val once read the 20th image of the sorted folder, CLEVR_default_024036.png
    const val19 = ds.samples.find((s) => s.id === 'CLEVR_semantic_000019');
    assert.deepEqual(val19?.before, { kind: 'file', path: tree('clevr-change', 'data', 'images', 'CLEVR_default_000019.png') });
    assert.equal(val19?.split, 'validation');
    assert.deepEqual(skipping(ds), []);
  });

  for (const [name, captions] of [
    ['clevr-dc', 'captions.json'],
    ['clevr-dc-blip2idc', 'captions_dc.json'],
  ] as const) {
    it(`CLEVR-DC (${name}, ${captions}): train, val (as validation) and test, joined on the caption keys`, async function () {
      needsShared(this, tree(name));
      const expected = expectedFile()['clevr-dc'];
      const ds = await openDetected(tree(name), 'clevr-dc');
      const want = Object.fromEntries(
        expected.ids.map((id) => [
          id,
          { split: SPLIT_OF[expected.splits[id] as string] as string, category: 'unknown', references: expected.references[id] as string[] },
        ]),
      );
      assert.deepEqual(read(ds.samples), want);
      const sample = ds.samples.find((s) => s.id === '47999');
      assert.deepEqual(sample?.before, { kind: 'file', path: tree(name, 'bef', '47999.png') });
      assert.deepEqual(sample?.after, { kind: 'file', path: tree(name, 'aft', '47999.png') });
      assert.deepEqual(skipping(ds), []);
      assert.ok(!ds.notes.some((n) => n.includes('ignored')));
    });
  }

  it('Emu Edit: the hub shards, validation re-split by splits.json, test as it is', async function () {
    needsShared(this, tree('emu-edit'));
    const expected = expectedFile()['emu-edit'];
    const ds = await openDetected(tree('emu-edit'), 'emu-edit');
    assert.deepEqual(read(ds.samples), normalised(expected.samples));
    assert.equal(ds.samples.filter((s) => s.id.startsWith('validation/')).length, expected.validation_rows);
    assert.equal(ds.samples.filter((s) => s.id.startsWith('test/')).length, expected.test_rows);
    assert.deepEqual(skipping(ds), []);
  });

  it("Emu Edit and MagicBrush in the layout Hugging Face's converter writes: default/<split>/0000.parquet", async function () {
    needsShared(this, tree('emu-edit'));
    needsShared(this, tree('magicbrush'));
    const dir = tempFolder('converted');
    try {
      const emu = path.join(dir, 'emu');
      copyInto(tree('emu-edit', 'data', 'validation-00000-of-00001-4c1b7e0d9a2f6e83.parquet'), path.join(emu, 'default', 'validation', '0000.parquet'));
      copyInto(tree('emu-edit', 'data', 'test-00000-of-00001-b08f6857f317ffba.parquet'), path.join(emu, 'default', 'test', '0000.parquet'));
      copyInto(tree('emu-edit', 'splits.json'), path.join(emu, 'splits.json'));
      const emuDs = await openDetected(emu, 'emu-edit');
      assert.equal(
        emuDs.detectedFrom,
        'parquet shards default/test/0000.parquet, default/validation/0000.parquet with instruction, task and edited_image columns',
      );
      assert.deepEqual(read(emuDs.samples), normalised(expectedFile()['emu-edit'].samples));
      assert.deepEqual(emuDs.samples.find((s) => s.id === 'test/0')?.after, {
        kind: 'parquet',
        file: path.join(emu, 'default', 'test', '0000.parquet'),
        row: 0,
        column: 'edited_image',
      });

      const brush = path.join(dir, 'magicbrush');
      copyInto(tree('magicbrush', 'data', 'train-00000-of-00002-453c1a9ccc53b253.parquet'), path.join(brush, 'default', 'train', '0000.parquet'));
      copyInto(tree('magicbrush', 'data', 'train-00001-of-00002-cd221c31a21be1ef.parquet'), path.join(brush, 'default', 'train', '0001.parquet'));
      copyInto(tree('magicbrush', 'data', 'dev-00000-of-00001-384b81a61c93b7e3.parquet'), path.join(brush, 'default', 'dev', '0000.parquet'));
      const brushDs = await openDetected(brush, 'magicbrush');
      assert.deepEqual(read(brushDs.samples), normalised(expectedFile().magicbrush.samples, 'unknown'));
      const hub = await open(tree('magicbrush'));
      assert.deepEqual(
        brushDs.samples.map((s) => s.id),
        hub.samples.map((s) => s.id),
      );
      // the converted layout reads the images from its own files
      const stacked = await brushDs.pipeline().stacked(brushDs.samples[0]!);
      const fromHub = await hub.pipeline().stacked(hub.samples[0]!);
      assert.deepEqual(Buffer.from(stacked.data), Buffer.from(fromHub.data));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('MagicBrush: the hub shards, one reference per turn, dev as validation', async function () {
    needsShared(this, tree('magicbrush'));
    const expected = expectedFile().magicbrush;
    const ds = await openDetected(tree('magicbrush'), 'magicbrush');
    assert.deepEqual(read(ds.samples), normalised(expected.samples, 'unknown'));
    assert.equal(ds.split('train').length, expected.train);
    assert.equal(ds.split('validation').length, expected.dev);
    assert.deepEqual(skipping(ds), []);
  });

  it('Syned: the released test references as they are, with their quirks counted by kind', async function () {
    needsShared(this, tree('syned'));
    const expected = expectedFile().syned;
    const ds = await openDetected(tree('syned'), 'syned');
    assert.deepEqual(read(ds.samples), normalised(expected.samples));
    assert.deepEqual(skipping(ds), []);
    const refs = tree('syned', 'gt_augmented_test_clean.json');
    const listQuirk = (reason: RegExp) =>
      ds.problems
        .filter((p) => p.file === refs && p.kept && reason.test(p.reason) && !p.field?.endsWith(']'))
        .map((p) => (p.field as string).slice(1, -1))
        .sort();
    assert.deepEqual(listQuirk(/^no variations/), [...expected.quirks.no_variations].sort());
    assert.deepEqual(listQuirk(/^[123] variations/), [...expected.quirks.fewer].sort());
    assert.deepEqual(listQuirk(/^([5-9]|\d\d+) variations/), [...expected.quirks.more].sort());
    assert.ok(
      ds.notes.includes(
        'Syned test references: 2 samples without variations, 4 with 1 to 3, 3 with more than 4, 36 strings in double quotes, 2 empty, 13 language-model leftovers (kept as released; open with {cleanReferences: true} to strip the quotes and drop the empty strings and leftovers)',
      ),
    );
    const summary = (await ds.summary({ sizes: 0 })).summary;
    assert.deepEqual(summary.tallies, [
      { what: 'Syned test keys without variations', count: 2 },
      { what: 'Syned test keys with 1 to 3 variations', count: 4 },
      { what: 'Syned test keys with more than 4 variations', count: 3 },
      { what: 'Syned test strings in double quotes', count: 36 },
      { what: 'Syned test strings that are empty', count: 2 },
      { what: 'language-model leftovers: preambles ("Here are four variations...")', count: 3 },
      { what: 'language-model leftovers: headings ("{Dadaist variation}", "Variations:")', count: 4 },
      { what: 'language-model leftovers: refusals ("As a responsible AI...")', count: 1 },
      { what: 'language-model leftovers: redirections ("Instead, I suggest...")', count: 2 },
      { what: 'language-model leftovers: cautions ("It is important...", "Please note...")', count: 2 },
      { what: 'language-model leftovers: offers ("If you have any other questions...")', count: 1 },
    ]);
  });

  it('Syned with cleanReferences: no leftover, empty string or wrapping quotes remain', async function () {
    needsShared(this, tree('syned'));
    const expected = expectedFile().syned;
    const ds = await open(tree('syned'), { cleanReferences: true });
    const released = normalised(expected.samples);
    // every leftover the released sample tree holds, by its opening
    const leftovers = [
      /^Instead, I suggest/,
      /^It is important/,
      /^If you have any other questions/,
      /^Please note/,
      /^Here are four variations/,
      /^As a responsible AI/,
      /^\{\w+ variation\}$/,
    ];
    const all = ds.samples.flatMap((s) => s.references);
    assert.deepEqual(
      all.filter((r) => leftovers.some((l) => l.test(r)) || r.trim() === '' || /^\s*"[\s\S]*"\s*$/.test(r)),
      [],
    );
    const counted = Object.values(released).flatMap((e) => e.references.filter((r) => leftovers.some((l) => l.test(r.replace(/^"/, '')))));
    assert.equal(counted.length, 13);
    assert.equal(all.length, Object.values(released).reduce((n, e) => n + e.references.length, 0) - 13 - 2);
    assert.deepEqual(ds.samples.find((s) => s.id === 'test/1244')?.references, ['Delete the womans phone from her hand.']);
    assert.deepEqual(ds.samples.find((s) => s.id === 'test/1738')?.references, ['Remove the camera from the girls hand.']);
    assert.deepEqual(ds.samples.find((s) => s.id === 'test/1781')?.references, [
      'Remove the foot from the kids hand',
      "Remove the foot from the child's hand.",
      'Take the foot away from the child.',
      "Separate the foot from the child's hand.",
      "Remove the foot from the child's grasp.",
    ]);
    assert.deepEqual(ds.samples.find((s) => s.id === 'test/204')?.references, [
      'Add a suitcase to the bed',
      'Add a suitcase to the bed frame.',
      'Put a suitcase on the bed.',
      'Place a suitcase beside the bed.',
      'Add a suitcase to the bedding.',
    ]);
  });
});
