import assert from 'node:assert/strict';
import { categoryAccuracy, classifyChange } from '../../../../kernels/idc/data/synthetic/categoryClassifier';
import { CLEVR_CATEGORIES, EMU_CATEGORIES } from '../../../../kernels/idc/data/synthetic/edits';
import { generateSynthetic } from '../../../../kernels/idc/data/synthetic/generate';

describe('category keyword classifier', () => {
  it('assigns at least 95% of the generated references to their own category (Emu Edit and CLEVR sets)', () => {
    for (const categories of ['emu', 'clevr'] as const) {
      const data = generateSynthetic({ pairs: 1200, size: 32, seed: 11, categories });
      const refs = data.samples.flatMap((s) => s.references);
      const truth = data.samples.flatMap((s) => s.references.map(() => s.category));
      const accuracy = categoryAccuracy(refs, truth, data.options.categories);
      assert.ok(accuracy >= 0.95, `${categories}: ${accuracy}`);
    }
  });

  it('reads the kind of change, not the objects named', () => {
    const emu = [...EMU_CATEGORIES];
    assert.equal(classifyChange('the red circle is gone', emu), 'remove');
    assert.equal(classifyChange('the red circle turned blue', emu), 'color');
    assert.equal(classifyChange('make the red circle a square', emu), 'local');
    assert.equal(classifyChange('make the red circle blue', emu), 'color');
    assert.equal(classifyChange('a red circle has been added on the left', emu), 'add');
    assert.equal(classifyChange('Make it snow.', emu), 'global');
    assert.equal(classifyChange('the sign now says taxi', emu), 'text');
    assert.equal(classifyChange('a red circle', emu), undefined);
    const clevr = [...CLEVR_CATEGORIES];
    assert.equal(classifyChange('the red metal circle is gone', clevr), 'drop');
    assert.equal(classifyChange('the red metal circle became rubber', clevr), 'material');
    assert.equal(classifyChange('the small red metal circle moved to the left', clevr), 'move');
    assert.equal(classifyChange('the scene remains the same', clevr), 'distractor');
  });

  it('counts right answers and refuses mismatched lists', () => {
    assert.equal(categoryAccuracy(['add a red circle', 'remove the cube', 'a red circle'], ['add', 'add', 'add'], EMU_CATEGORIES), 1 / 3);
    assert.equal(categoryAccuracy([], [], EMU_CATEGORIES), 0);
    assert.throws(() => categoryAccuracy(['a'], [], EMU_CATEGORIES), { message: 'categoryAccuracy: 1 captions for 0 categories' });
  });
});
