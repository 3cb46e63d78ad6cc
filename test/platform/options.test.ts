/** The one options check: unknown keys refused by name with the nearest known one. */
import assert from 'node:assert/strict';
import { checkOptions, nearestName, type OptionKeys } from '../../kernels/platform/options';

interface Example {
  maxSteps?: number;
  learningRate?: number;
  id?: string;
  base?: string;
}
const KNOWN: OptionKeys<Example> = { maxSteps: true, learningRate: true, id: true, base: true };

describe('options check', () => {
  it('accepts known keys, no options, and an empty object', () => {
    checkOptions('api', { maxSteps: 3, id: 'x' }, KNOWN);
    checkOptions('api', undefined, KNOWN);
    checkOptions('api', {}, KNOWN);
  });

  it('refuses an unknown key with its name, the nearest known key and the whole list', () => {
    assert.throws(() => checkOptions('idc.x', { maxStep: 300 } as Example, KNOWN), {
      name: 'TypeError',
      message: 'idc.x: unknown option "maxStep"; did you mean "maxSteps"? expected one of maxSteps, learningRate, id, base',
    });
  });

  it('suggests across case and small typos, but not a name that is merely short', () => {
    const names = Object.keys(KNOWN);
    assert.equal(nearestName('learningrate', names), 'learningRate');
    assert.equal(nearestName('lerningRate', names), 'learningRate');
    assert.equal(nearestName('bse', names), 'base');
    assert.equal(nearestName('lr', names), undefined);
    assert.equal(nearestName('seed', names), undefined);
    assert.throws(() => checkOptions('idc.x', { lr: 1 } as Example, KNOWN), {
      message: 'idc.x: unknown option "lr"; expected one of maxSteps, learningRate, id, base',
    });
  });

  it('refuses options that are not an object', () => {
    assert.throws(() => checkOptions('idc.x', [1] as Example, KNOWN), { name: 'TypeError', message: 'idc.x: options: expected an object, found a list' });
    assert.throws(() => checkOptions('idc.x', null as unknown as Example, KNOWN), { message: 'idc.x: options: expected an object, found null' });
    assert.throws(() => checkOptions('idc.x', 5 as unknown as Example, KNOWN), { message: 'idc.x: options: expected an object, found number 5' });
  });
});
