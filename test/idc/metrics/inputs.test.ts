/** Reading captions to score: each format, and an error that names file, field and expectation. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  CaptionInputError,
  csvCandidates,
  csvReferences,
  pairCaptions,
  parseCocoResults,
  parseRefsCandsJson,
  parseReferences,
} from '../../../kernels/idc/metrics/inputs';

const fails = (fn: () => unknown, message: RegExp) => assert.throws(fn, (e: unknown) => e instanceof CaptionInputError && message.test(e.message));

describe('caption inputs', () => {
  it('reads the refs/cands JSON of the reference files, in the order of the refs', () => {
    const text = fs.readFileSync(path.join(__dirname, 'fixtures', 'hand_cases.json'), 'utf8');
    const set = parseRefsCandsJson(text, 'hand_cases.json');
    assert.deepEqual(set.ids, ['h1', 'h2', 'h3', 'h4']);
    assert.equal(set.refs[3]?.[0], 'A man (wearing a hat) rides a horse.');
    assert.equal(set.cands[2], '');
  });

  it('reads COCO results with COCO annotations or an id -> references object', () => {
    const cands = parseCocoResults('[{"image_id": 42, "caption": "a cube was added"}, {"image_id": "7", "caption": "nothing changed"}]', 'results.json');
    const annotations = parseReferences(
      '{"images": [], "annotations": [{"image_id": 7, "caption": "no change"}, {"image_id": 42, "caption": "a cube appeared"}, {"image_id": 42, "caption": "someone added a cube"}]}',
      'captions_val.json',
    );
    const set = pairCaptions(annotations, cands, { refs: 'captions_val.json', cands: 'results.json' });
    assert.deepEqual(set, {
      ids: ['7', '42'],
      refs: [['no change'], ['a cube appeared', 'someone added a cube']],
      cands: ['nothing changed', 'a cube was added'],
    });
    assert.deepEqual([...parseReferences('{"7": ["no change"]}', 'refs.json')], [['7', ['no change']]]);
  });

  it('reads CSV with quoted captions, one row per caption', () => {
    const refs = csvReferences('id,caption\n1,"the cube, once red, is blue"\n1,a cube changed colour\n2,nothing changed\n', 'refs.csv');
    const cands = csvCandidates('\ufeffid,caption\n2,no change\n1,the cube is blue\n', 'preds.csv');
    assert.deepEqual(pairCaptions(refs, cands, { refs: 'refs.csv', cands: 'preds.csv' }), {
      ids: ['1', '2'],
      refs: [['the cube, once red, is blue', 'a cube changed colour'], ['nothing changed']],
      cands: ['the cube is blue', 'no change'],
    });
  });

  it('refuses ids on one side only, naming the file and an example id', () => {
    fails(
      () => parseRefsCandsJson('{"refs": {"a": ["x"], "b": ["y"]}, "cands": {"a": "x"}}', 'set.json'),
      /^set\.json: 1 image id\(s\) have references but no candidate caption, for example "b"/,
    );
    fails(
      () =>
        pairCaptions(
          new Map([['a', ['x']]]),
          new Map([
            ['a', 'x'],
            ['z', 'q'],
          ]),
          { refs: 'refs.json', cands: 'preds.json' },
        ),
      /^refs\.json: 1 image id\(s\) have a candidate but no references, for example "z"/,
    );
  });

  it('refuses non-string captions and empty reference lists', () => {
    fails(
      () => parseRefsCandsJson('{"refs": {"a": ["x"]}, "cands": {"a": 5}}', 'set.json'),
      /^set\.json: cands\."a": expected a caption string, found number 5/,
    );
    fails(() => parseRefsCandsJson('{"refs": {"a": ["x", null]}, "cands": {"a": "x"}}', 'set.json'), /refs\."a"\[1\]: expected a caption string, found null/);
    fails(
      () => parseRefsCandsJson('{"refs": {"a": []}, "cands": {"a": "x"}}', 'set.json'),
      /^set\.json: refs\."a": expected at least one reference caption, found an empty list/,
    );
    fails(
      () => parseCocoResults('[{"image_id": 1, "caption": ["x"]}]', 'results.json'),
      /results\.json: \[0\]\.caption: expected a caption string, found a list/,
    );
  });

  it('refuses malformed files with what was expected', () => {
    fails(() => parseRefsCandsJson('{"refs": {}}', 'set.json'), /cands: expected an object of candidate captions, found nothing/);
    fails(() => parseRefsCandsJson('not json', 'set.json'), /^set\.json: expected JSON/);
    fails(() => parseCocoResults('{"image_id": 1}', 'results.json'), /expected a list of \{"image_id", "caption"\} results, found an object/);
    fails(
      () => parseCocoResults('[{"image_id": 1, "caption": "a"}, {"image_id": 1, "caption": "b"}]', 'results.json'),
      /\[1\]\.image_id: image 1 has a second caption/,
    );
    fails(() => csvCandidates('image,text\n1,a\n', 'preds.csv'), /preds\.csv: header: expected columns "id" and "caption", found "image", "text"/);
    fails(() => csvCandidates('id,caption\n1,a\n1,b\n', 'preds.csv'), /preds\.csv: row 3: image 1 has a second caption/);
  });
});
