import assert from 'node:assert/strict';
import { PARSE_CLASSES, parseLabels } from '../../../kernels/idc/pretrain/sceneParsing';
import { scaffoldingTargets } from '../../../kernels/idc/pretrain/scaffolding';
import { miniConfig } from '../../../kernels/idc/model/blip2/miniConfig';
import type { Scene } from '../../../kernels/idc/data/synthetic/scene';

const scene = (over: Partial<Scene>): Scene => ({
  background: { pattern: 'plain', tone: 'white', accent: 'beige' },
  objects: [],
  style: 'photo',
  mood: 'day',
  light: 1,
  shift: { x: 0, y: 0 },
  ...over,
});

describe('scene-parsing labels and the scaffolding targets', () => {
  it('labels the patch under each object centre with its colour and shape, the sign, and each half its background', () => {
    const top = scene({
      objects: [
        { shape: 'circle', colour: 'red', material: 'rubber', size: 'small', cell: 0, x: 0.17, y: 0.16 },
        { shape: 'diamond', colour: 'yellow', material: 'metal', size: 'large', cell: 8, x: 0.83, y: 0.85 },
      ],
      sign: { word: 'OPEN', cell: 4, x: 0.5, y: 0.5 },
    });
    const bottom = scene({
      background: { pattern: 'dots', tone: 'peach', accent: 'white' },
      objects: [{ shape: 'square', colour: 'gray', material: 'rubber', size: 'small', cell: 1, x: 0.48, y: 0.18 }],
    });
    const l = parseLabels(top, bottom, 4, 4);
    const nonZero = (a: Int32Array) => [...a.entries()].filter(([, v]) => v !== 0);
    // colour: 0 none, then gray red blue green brown purple cyan yellow
    assert.deepEqual(nonZero(l.colour), [
      [0, 2],
      [15, 8],
      [17, 1],
    ]);
    // shape: 0 none, circle square triangle diamond, 5 the sign (at x 0.5, y 0.5: row 2, column 2)
    assert.deepEqual(nonZero(l.shape), [
      [0, 1],
      [10, 5],
      [15, 4],
      [17, 2],
    ]);
    assert.deepEqual([...new Set(l.pattern.slice(0, 16))], [0]);
    assert.deepEqual([...new Set(l.pattern.slice(16))], [3]);
    assert.deepEqual([...new Set(l.tone.slice(16))], [6]);
    assert.equal(Math.max(...l.shape) < PARSE_CLASSES.shape && Math.max(...l.colour) < PARSE_CLASSES.colour, true);
  });

  it("places them on the mini config's square grid, each half 6 patches wide and 3 high, and lists each half's contents", () => {
    const red = { shape: 'circle', colour: 'red', material: 'rubber', size: 'small', cell: 0, x: 0.17, y: 0.16 } as const;
    const gray = { shape: 'square', colour: 'gray', material: 'rubber', size: 'small', cell: 1, x: 0.48, y: 0.9 } as const;
    const t = scaffoldingTargets([[scene({ objects: [red] }), scene({ objects: [gray], sign: { word: 'OPEN', cell: 4, x: 0.5, y: 0.5 } })]], miniConfig());
    const at = (labels: number[]) => labels.flatMap((v, i) => (v === 0 ? [] : [[i, v]]));
    assert.equal(t.parse.colour.length, 36);
    // red at column 1 of row 0 (top half); gray at column 2 of row 2 of the bottom half (18 + 12 + 2)
    assert.deepEqual(at(t.parse.colour), [
      [1, 2],
      [32, 1],
    ]);
    // the sign at column 3 of row 1 of the bottom half
    assert.deepEqual(at(t.parse.shape), [
      [1, 1],
      [27, 5],
      [32, 2],
    ]);
    // per half: 8 colours, 4 shapes, the sign
    assert.deepEqual(t.contents, [0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1]);
  });
});
