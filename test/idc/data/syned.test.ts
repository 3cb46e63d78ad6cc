import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { checkVariations, emptyQuirks, isLeftover, leftoverKind, quirkTallies } from '../../../kernels/idc/data/formats/synedReferences';
import { open } from '../../../kernels/idc/data/open';
import { writeParquetFile, type ParquetColumn } from '../../../kernels/platform/parquetWrite';
import { pngBytes, tempFolder, writeJson, writePng } from './pngFixtures';

const EMU_TEST_COLUMNS: ParquetColumn[] = [
  { name: 'instruction', kind: 'string' },
  { name: 'image', kind: 'image' },
  { name: 'task', kind: 'string' },
  { name: 'split', kind: 'string' },
  { name: 'idx', kind: 'int64' },
  { name: 'edited_image', kind: 'image' },
];

async function buildSyned(dir: string, withEmu = true): Promise<void> {
  for (let i = 0; i < 3; i++) await writePng(path.join(dir, 'originals', `${i}.png`), 8, 8, i);
  for (const name of ['e0a', 'e0b', 'e1a', 'e2a']) await writePng(path.join(dir, 'edits', `${name}.png`), 8, 8, name.length + name.charCodeAt(2));
  writeJson(path.join(dir, 'augmented_dataset.json'), [
    { idx: 0, image: 'originals/0.png', edited_image: 'edits/e0a.png', instruction: 'add a hat', task: 'Add' },
    { idx: 0, image: 'originals/0.png', edited_image: 'edits/e0a.png', instruction: 'put a hat on it', task: 'Add' },
    { idx: 0, image: 'originals/0.png', edited_image: 'edits/e0b.png', instruction: 'make it blue', task: 'color' },
    { idx: 1, image: 'originals/1.png', edited_image: 'edits/e1a.png', instruction: 'remove the cat', task: 'remove' },
    { idx: 1, image: '../../etc/passwd', edited_image: 'edits/e1b.png', instruction: 'escape', task: 'remove' },
    { idx: 2, image: 'originals/2.png', edited_image: 'edits/e2a.png', instruction: 'in no split', task: 'text' },
  ]);
  writeJson(path.join(dir, 'splits.json'), { train: [0], validation: [1] });
  writeJson(path.join(dir, 'gt_augmented_test_clean.json'), {
    '0 ': ['add a red hat', '"put a hat on the man"', 'Here are four variations of the instruction:', ''],
    '1 ': [],
    '2 ': ['a', 'b', 'c', 'd', 'e', 'f', 'g'],
  });
  fs.writeFileSync(
    path.join(dir, 'instructions_with_idx_test_split.txt'),
    '0 <INSTRUCT> Add a hat\n1 <INSTRUCT> Remove the car\n2 <INSTRUCT> Make the sky pink\n',
  );
  if (withEmu) {
    const rows = await Promise.all(
      ['Add', 'remove', 'global'].map(async (task, idx) => ({
        instruction: 'x',
        image: { bytes: await pngBytes(10, 6, idx), path: null },
        task,
        split: 'test',
        idx,
        edited_image: { bytes: await pngBytes(8, 8, idx + 5), path: null },
      })),
    );
    await writeParquetFile(path.join(dir, 'emu_edit', 'data', 'test-00000-of-00001.parquet'), EMU_TEST_COLUMNS, rows);
  }
}

describe('Syned format', () => {
  let dir: string;
  beforeEach(() => (dir = tempFolder('syned')));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads training pairs by split, test references as instruction + variations, categories from Emu Edit', async () => {
    await buildSyned(dir);
    const ds = await open(dir);
    assert.equal(ds.format, 'syned');
    assert.equal(ds.detectedFrom, 'augmented_dataset.json and gt_augmented_test_clean.json');
    assert.deepEqual(
      ds.samples.map((s) => [s.id, s.split, s.category, s.references]),
      [
        ['edits/e0a', 'train', 'add', ['add a hat', 'put a hat on it']],
        ['edits/e0b', 'train', 'color', ['make it blue']],
        ['edits/e1a', 'validation', 'remove', ['remove the cat']],
        ['test/0', 'test', 'add', ['Add a hat', 'add a red hat', '"put a hat on the man"', 'Here are four variations of the instruction:', '']],
        ['test/1', 'test', 'remove', ['Remove the car']],
        ['test/2', 'test', 'global', ['Make the sky pink', 'a', 'b', 'c', 'd', 'e', 'f', 'g']],
      ],
    );
    assert.deepEqual(ds.samples[0]!.before, { kind: 'file', path: path.resolve(dir, 'originals/0.png') });
    const skipped = ds.problems.filter((p) => !p.kept);
    assert.equal(skipped.length, 1);
    assert.equal(skipped[0]!.field, '[4].image');
    assert.equal(skipped[0]!.reason, `the image path "../../etc/passwd" leaves the dataset folder; expected a path inside ${dir}`);
    const refs = path.join(dir, 'gt_augmented_test_clean.json');
    assert.deepEqual(
      ds.problems.filter((p) => p.kept).map((p) => [p.file, p.field, p.reason, p.sample]),
      [
        [refs, '"0 "[1]', 'wrapped in double quotes (kept as released)', 'test/0'],
        [refs, '"0 "[2]', 'language-model chatter, not a description: "Here are four variations of the instruction:" (kept as released)', 'test/0'],
        [refs, '"0 "[3]', 'an empty string (kept as released)', 'test/0'],
        [refs, '"1 "', 'no variations (4 expected): the sample has only its instruction as reference', 'test/1'],
        [refs, '"2 "', '7 variations (4 expected)', 'test/2'],
      ],
    );
    assert.equal(ds.problemLog.skippedSamples.size, 1);
    assert.ok(ds.notes.includes('1 pairs of augmented_dataset.json have an idx in neither list of splits.json and are left out'));
    assert.ok(
      ds.notes.includes(
        'Syned test references: 1 samples without variations, 0 with 1 to 3, 1 with more than 4, 1 strings in double quotes, 1 empty, 1 language-model leftovers (kept as released; open with {cleanReferences: true} to strip the quotes and drop the empty strings and leftovers)',
      ),
    );
    const stacked = await ds.pipeline().stacked(ds.samples[3]!);
    assert.deepEqual([stacked.width, stacked.height], [8, 16]);
  });

  it('reports an empty test instruction, a repeated idx line and two keys for one idx; quirks never stop a load under fail', async () => {
    await buildSyned(dir);
    fs.writeFileSync(
      path.join(dir, 'instructions_with_idx_test_split.txt'),
      '0 <INSTRUCT> Add a hat\n1 <INSTRUCT> \n2 <INSTRUCT> Make the sky pink\n2 <INSTRUCT> Make the sky green\n',
    );
    writeJson(path.join(dir, 'gt_augmented_test_clean.json'), {
      '0 ': ['a', 'b', 'c', 'd'],
      '0': ['e', 'f', 'g', 'h'],
      '1 ': ['a', 'b', 'c', 'd'],
      '2 ': ['"a"', 'b', 'c', 'd'],
    });
    const ds = await open(dir);
    const txt = path.join(dir, 'instructions_with_idx_test_split.txt');
    const refs = path.join(dir, 'gt_augmented_test_clean.json');
    assert.deepEqual(
      ds.problems.filter((p) => p.file !== path.join(dir, 'augmented_dataset.json')).map((p) => [p.file, p.field, p.reason, p.sample, p.kept]),
      [
        [txt, 'line 2', 'expected an instruction after idx 1, found none', 'test/1', undefined],
        [txt, 'line 4', 'idx 2 appears again (first on line 3); the first line is kept', undefined, undefined],
        // JSON object keys: integer-like keys come first, so "0" is met before "0 "
        [refs, '"0 "', 'idx 0 already has the key "0"; expected one key per idx, this one is left out', undefined, undefined],
        [txt, undefined, 'expected a line for idx 1 (it has variations in gt_augmented_test_clean.json), found none', 'test/1', undefined],
        [refs, '"2 "[0]', 'wrapped in double quotes (kept as released)', 'test/2', true],
      ],
    );
    assert.deepEqual(
      ds.samples.filter((s) => s.split === 'test').map((s) => [s.id, s.references]),
      [
        ['test/0', ['Add a hat', 'e', 'f', 'g', 'h']],
        ['test/2', ['Make the sky pink', '"a"', 'b', 'c', 'd']],
      ],
    );
    // the quirks alone do not stop a load under fail; the empty instruction does
    fs.writeFileSync(path.join(dir, 'instructions_with_idx_test_split.txt'), '0 <INSTRUCT> Add a hat\n1 <INSTRUCT> Remove\n2 <INSTRUCT> Make the sky pink\n');
    writeJson(path.join(dir, 'gt_augmented_test_clean.json'), { '0 ': ['"a"', 'b'], '1 ': [], '2 ': ['c'] });
    fs.writeFileSync(
      path.join(dir, 'augmented_dataset.json'),
      JSON.stringify([{ idx: 0, image: 'originals/0.png', edited_image: 'edits/e0a.png', instruction: 'add a hat', task: 'Add' }]),
    );
    const strict = await open(dir, { onError: 'fail' });
    assert.equal(strict.problems.filter((p) => p.kept).length, 4);
    fs.writeFileSync(txt, '0 <INSTRUCT> Add a hat\n1 <INSTRUCT>\n');
    await assert.rejects(open(dir, { onError: 'fail' }), { message: `${txt}: line 2: expected an instruction after idx 1, found none (at sample test/1)` });
  });

  it('cleans the references when asked', async () => {
    await buildSyned(dir);
    const ds = await open(dir, { cleanReferences: true });
    assert.deepEqual(ds.samples.find((s) => s.id === 'test/0')!.references, ['Add a hat', 'add a red hat', 'put a hat on the man']);
    assert.ok(ds.notes.some((n) => n.endsWith('(cleaned: quotes stripped, empty strings and leftovers dropped)')));
  });

  it('says where the test split would come from when the Emu Edit folder is absent', async () => {
    await buildSyned(dir, false);
    const ds = await open(dir);
    assert.deepEqual(
      ds.samples.filter((s) => s.split === 'test'),
      [],
    );
    assert.ok(
      ds.notes.some((n) =>
        n.startsWith(
          `no test split: Syned's test images and categories are the Emu Edit test set's; open with {emuEdit: "<folder of the Emu Edit parquet files>"} (looked for ${path.join(dir, 'emu_edit')})`,
        ),
      ),
    );
  });

  it('recognises the language-model leftovers of the released files', () => {
    for (const text of [
      'Here are four variations of the instruction:',
      'As a responsible AI, I cannot do that',
      "I'm sorry, but",
      'Sure! Here you go',
      'Variations:',
    ])
      assert.equal(isLeftover(text), true, text);
    for (const text of ['add a hat to the man', 'here the sky turns pink', 'make the sure sign red']) assert.equal(isLeftover(text), false, text);
    const q = emptyQuirks();
    assert.deepEqual(checkVariations(['"a b"', ' ', 'c'], q, true), ['a b', 'c']);
    assert.deepEqual(q, { ...emptyQuirks(), fewerVariations: 1, quoted: 1, empty: 1 });
  });

  it('tells the kinds of leftover the released test file has, and cleans each away', () => {
    // openings of the released file's leftovers (gt_augmented_test_clean.json keys 1639, 1051, 1865, 1244, 1738, 1781, 489)
    const kinds: Array<[string, string]> = [
      ['Here are four variations of the user prompt, each with a different focus:', 'preamble'],
      ['{Dadaist variation}', 'heading'],
      ['As a responsible AI language model, I cannot provide variations of the prompt', 'refusal'],
      ['I hope you understand, and I apologize for any confusion', 'refusal'],
      ['Instead, I suggest focusing on providing helpful and informative responses', 'redirection'],
      ["It is important to respect people's privacy and personal boundaries", 'caution'],
      ['Please note that I will not provide any variations that promote', 'caution'],
      ['Remember, it is important to always treat others with respect', 'caution'],
      ['If you have any other questions or prompts that are within ethical and legal boundaries', 'offer'],
      ['Please feel free to ask for any other', 'offer'],
      ['INSTRUCTION :  <INSTRUCT> Swap the apples for Oreo cookies.', 'echo'],
    ];
    for (const [text, kind] of kinds) assert.equal(leftoverKind(text), kind, text);
    // real variations of the released file that open alike
    for (const text of [
      'Instead of shoes, add sandals',
      'Sandals instead of shoes.',
      "It's important that the sky turns pink",
      'Please include the term road in the sign',
      "Insert instruction 'Flush after use' in toilet tank.",
      'Note the red car and remove it',
    ])
      assert.equal(leftoverKind(text), undefined, text);

    const q = emptyQuirks();
    const variations = [
      '"Here are four variations:"',
      'Instead, I suggest something else.',
      'INSTRUCTION :  <INSTRUCT> Swap the apples for Oreo cookies.',
      'INSTRUCTION : <INSTRUCT>',
      'add a hat',
    ];
    const reported: Array<[number | undefined, string]> = [];
    assert.deepEqual(
      checkVariations(variations, q, true, (i, reason) => reported.push([i, reason])),
      ['Swap the apples for Oreo cookies.', 'add a hat'],
    );
    assert.deepEqual(reported, [
      [undefined, '5 variations (4 expected)'],
      [0, 'wrapped in double quotes (stripped)'],
      [0, 'language-model chatter, not a description: "Here are four variations:" (dropped)'],
      [1, 'language-model chatter, not a description: "Instead, I suggest something else." (dropped)'],
      [2, 'an echo of the prompt\'s "INSTRUCTION : <INSTRUCT>" before the variation (stripped)'],
      [3, 'an echo of the prompt\'s "INSTRUCTION : <INSTRUCT>" before the variation (dropped)'],
    ]);
    assert.deepEqual(checkVariations(variations, emptyQuirks(), false), variations);
    assert.deepEqual(quirkTallies(q), [
      { what: 'Syned test keys with more than 4 variations', count: 1 },
      { what: 'Syned test strings in double quotes', count: 1 },
      { what: 'language-model leftovers: preambles ("Here are four variations...")', count: 1 },
      { what: 'language-model leftovers: redirections ("Instead, I suggest...")', count: 1 },
      { what: 'language-model leftovers: echoes of the prompt ("INSTRUCTION : <INSTRUCT> ...")', count: 2 },
    ]);
  });
});
