import assert from 'node:assert/strict';
import { changeLabels, PARSE_CLASSES, parseLabels } from '../../../kernels/idc/pretrain/sceneParsing';
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

describe('scene-parsing labels', () => {
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

  it('marks the patches where the halves differ: an edited object, the sign word, or everything when the background, style or light changes', () => {
    const red = { shape: 'circle', colour: 'red', material: 'rubber', size: 'small', cell: 0, x: 0.17, y: 0.16 } as const;
    const top = scene({ objects: [red], sign: { word: 'OPEN', cell: 4, x: 0.5, y: 0.5 } });
    const changed = (a: Uint8Array) => [...a.entries()].filter(([, v]) => v === 1).map(([i]) => i);
    assert.deepEqual(changed(changeLabels(top, top, 4, 4)), []);
    assert.deepEqual(changed(changeLabels(top, { ...top, objects: [{ ...red, size: 'large' }] }, 4, 4)), [0]);
    // moved from cell 0 to cell 8: both places differ
    assert.deepEqual(changed(changeLabels(top, { ...top, objects: [{ ...red, cell: 8, x: 0.83, y: 0.85 }] }, 4, 4)), [0, 15]);
    assert.deepEqual(changed(changeLabels(top, { ...top, sign: { word: 'SALE', cell: 4, x: 0.5, y: 0.5 } }, 4, 4)), [10]);
    assert.equal(changed(changeLabels(top, { ...top, style: 'sketch' }, 4, 4)).length, 16);
    assert.equal(changed(changeLabels(top, { ...top, background: { pattern: 'dots', tone: 'white', accent: 'beige' } }, 4, 4)).length, 16);
    // a distractor: brightness and a small shift are not differences
    assert.deepEqual(changed(changeLabels(top, { ...top, light: 0.9, shift: { x: 1, y: 0 } }, 4, 4)), []);
  });
});
