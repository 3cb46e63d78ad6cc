import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { CLEVR_CATEGORIES, EMU_CATEGORIES } from '../../../../kernels/idc/data/synthetic/edits';
import { generateSceneCaptions, generateSynthetic, type SyntheticData } from '../../../../kernels/idc/data/synthetic/generate';
import type { ImageSource } from '../../../../kernels/idc/data/types';

function pixels(source: ImageSource): Uint8Array {
  assert.equal(source.kind, 'raw');
  return (source as Extract<ImageSource, { kind: 'raw' }>).data;
}

/** Everything generated, as one digest: pixels, words, categories, splits, ids. */
function digest(data: SyntheticData): string {
  const hash = crypto.createHash('sha256');
  for (const s of data.samples) {
    hash.update(JSON.stringify([s.id, s.split, s.category, s.resize, s.references]));
    hash.update(pixels(s.before));
    hash.update(pixels(s.after));
  }
  for (const scene of data.scenes) hash.update(JSON.stringify(scene.captions));
  return hash.digest('hex');
}

const changedPixels = (a: Uint8Array, b: Uint8Array) => {
  let n = 0;
  for (let i = 0; i < a.length; i += 3) if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2]) n++;
  return n;
};

describe('synthetic generator', () => {
  let data: SyntheticData;
  before(() => (data = generateSynthetic({ pairs: 2000, size: 64, seed: 1 })));

  it('balances the eight Emu Edit categories of 2000 pairs (250 each, one edit of each per scene)', () => {
    const counts = new Map<string, number>();
    for (const s of data.samples) counts.set(s.category, (counts.get(s.category) ?? 0) + 1);
    assert.deepEqual([...counts.keys()].sort(), [...EMU_CATEGORIES].sort());
    assert.deepEqual([...new Set(counts.values())], [250]);
    assert.equal(data.originals.length, 250);
    // 2001 pairs: one category gets the extra pair, still within one of the others
    const odd = generateSynthetic({ pairs: 2001, size: 32, seed: 1 });
    const oddCounts = EMU_CATEGORIES.map((c) => odd.samples.filter((s) => s.category === c).length);
    assert.deepEqual(oddCounts, [251, 250, 250, 250, 250, 250, 250, 250]);
  });

  it('gives the same bytes for the same seed and different ones for another seed', () => {
    const again = generateSynthetic({ pairs: 2000, size: 64, seed: 1 });
    assert.equal(digest(again), digest(data));
    assert.notEqual(digest(generateSynthetic({ pairs: 2000, size: 64, seed: 2 })), digest(data));
    // scene k does not depend on how many pairs were asked for
    const fewer = generateSynthetic({ pairs: 16, size: 64, seed: 1 });
    assert.deepEqual(pixels(fewer.originals[1] as ImageSource), pixels(data.originals[1] as ImageSource));
    assert.deepEqual(fewer.samples[9]?.references, data.samples[9]?.references);
  });

  it('gives every pair 5 distinct references and a visible change', () => {
    for (const s of data.samples) {
      assert.equal(new Set(s.references).size, 5, `${s.id}: ${JSON.stringify(s.references)}`);
      assert.ok(s.references.every((r) => r.length > 5 && r === r.trim()));
      assert.ok(changedPixels(pixels(s.before), pixels(s.after)) >= 4, `${s.id} (${s.category}) changes fewer than 4 pixels`);
      assert.equal(s.resize, 'resize-before');
    }
    const first = data.samples.slice(0, 8);
    // one scene, eight edits: the same top image under eight different captions
    assert.equal(new Set(first.map((s) => s.before)).size, 1);
    assert.deepEqual(
      first.map((s) => s.category),
      [...EMU_CATEGORIES],
    );
  });

  it('names what changed in the references', () => {
    const byCategory = (c: string) => data.samples.filter((s) => s.category === c).flatMap((s) => s.references);
    const share = (c: string, word: RegExp) => byCategory(c).filter((r) => word.test(r)).length / byCategory(c).length;
    assert.ok(share('text', /\b(sign|text|word)\b/) > 0.95);
    assert.ok(share('background', /\b(background|backdrop)\b/) > 0.95);
    assert.ok(share('global', /\b(night|nighttime|sunset|fog|foggy|misty|mist|snow|snowy|snowing|snowflakes)\b/) === 1);
    assert.ok(share('add', /\b(add|added|put|place|insert|new|now)\b/) === 1);
    // a color edit names the colour before and after in every reference
    const colours = /\b(gray|red|blue|green|brown|purple|cyan|yellow)\b/g;
    for (const r of byCategory('color')) assert.ok((r.match(colours) ?? []).length >= 2, r);
  });

  it('splits scenes, not pairs: all edits of a scene share a split, about 80/10/10', () => {
    const splitOf = new Map<number, string>();
    data.samples.forEach((s, p) => {
      const scene = data.originalOf[p] as number;
      assert.equal(splitOf.get(scene) ?? s.split, s.split, `scene ${scene} is in two splits`);
      splitOf.set(scene, s.split);
      assert.equal(s.id, `${s.split}/${p}`);
    });
    const counts = ['train', 'validation', 'test'].map((split) => data.samples.filter((s) => s.split === split).length);
    assert.deepEqual(counts, [1600, 200, 200]);
    assert.deepEqual(
      data.scenes.map((s) => s.split),
      data.originals.map((_, k) => splitOf.get(k)),
    );
  });

  it('edits CLEVR-like scenes by the CLEVR-Change types, with no-change captions for distractors', () => {
    const clevr = generateSynthetic({ pairs: 120, size: 48, seed: 3, categories: 'clevr' });
    assert.deepEqual([...new Set(clevr.samples.map((s) => s.category))], [...CLEVR_CATEGORIES]);
    const floor = pixels(clevr.originals[0] as ImageSource).slice(0, 3);
    assert.deepEqual([...floor], [200, 200, 200]);
    for (const s of clevr.samples.filter((x) => x.category === 'distractor')) {
      assert.ok(
        s.references.every((r) => /\b(no|nothing|same|identical)\b/.test(r)),
        s.references.join(' | '),
      );
      assert.ok(changedPixels(pixels(s.before), pixels(s.after)) > 0);
    }
    assert.ok(clevr.samples.filter((s) => s.category === 'material').every((s) => s.references.some((r) => /\b(metal|rubber|shiny|matte|metallic)\b/.test(r))));
    const some = generateSynthetic({ pairs: 9, size: 32, categories: ['text', 'style', 'style'] });
    assert.deepEqual(
      some.samples.map((s) => s.category),
      ['text', 'style', 'text', 'style', 'text', 'style', 'text', 'style', 'text'],
    );
  });

  it('captions the unedited scenes on their own', () => {
    const scenes = generateSceneCaptions({ count: 50, size: 32, seed: 5 });
    assert.equal(scenes.length, 50);
    assert.equal(new Set(scenes.map((s) => s.id)).size, 50);
    for (const s of scenes) {
      assert.equal(new Set(s.captions).size, 5);
      assert.equal(pixels(s.image).length, 32 * 32 * 3);
    }
    // a caption of data's first scene names the colours and shapes of all its objects
    const first = data.scenes[0];
    assert.ok(first?.captions.some((c) => /circle|square|triangle|diamond/.test(c)));
    assert.equal(JSON.stringify(generateSceneCaptions({ count: 3, size: 32, seed: 5 })), JSON.stringify(scenes.slice(0, 3)));
  });

  it('draws two in five pretraining scenes in another style or light when asked, and says so in every caption', () => {
    const plain = generateSceneCaptions({ count: 200, size: 32, seed: 5 });
    const varied = generateSceneCaptions({ count: 200, size: 32, seed: 5, renderings: 'varied' });
    assert.ok(plain.every((s) => s.scene.style === 'photo' && s.scene.mood === 'day'));
    // the same scenes underneath: only the look changes
    assert.deepEqual(
      varied.map((s) => s.scene.objects),
      plain.map((s) => s.scene.objects),
    );
    const styled = varied.filter((s) => s.scene.style !== 'photo').length;
    const lit = varied.filter((s) => s.scene.mood !== 'day').length;
    assert.ok(styled > 55 && styled < 105 && lit > 55 && lit < 105, `${styled} styled, ${lit} in another light`);
    const night = varied.find((s) => s.scene.mood === 'night' && s.scene.style === 'photo');
    assert.ok(night?.captions.every((c) => c.endsWith(' at night')) && night.brief.endsWith(' at night'), JSON.stringify(night?.captions));
    const sketch = varied.find((s) => s.scene.style === 'sketch');
    assert.ok(
      sketch?.captions.every((c) => /^(a pencil sketch|a sketch|a line drawing|a pencil drawing) of /.test(c)),
      JSON.stringify(sketch?.captions),
    );
    assert.ok(
      changedPixels(
        pixels((night as { image: Parameters<typeof pixels>[0] }).image),
        pixels((plain[varied.indexOf(night!)] as { image: Parameters<typeof pixels>[0] }).image),
      ) > 0,
    );
    assert.throws(() => generateSceneCaptions({ renderings: 'fancy' as never }), {
      message: 'idc.data.sceneCaptions: renderings: expected "plain" or "varied", found "fancy"',
    });
  });

  it('explains bad options', () => {
    assert.throws(() => generateSynthetic({ pairs: 0 }), { message: 'idc.data.synthetic: pairs: expected an integer from 1 to 1000000, found 0' });
    assert.throws(() => generateSynthetic({ size: 8 }), { message: 'idc.data.synthetic: size: expected an integer from 32 to 1024, found 8' });
    assert.throws(() => generateSynthetic({ seed: 1.5 }), {
      message: 'idc.data.synthetic: seed: expected an integer from -2147483648 to 2147483647, found 1.5',
    });
    assert.throws(() => generateSynthetic({ categories: ['add', 'paint'] }), {
      message:
        'idc.data.synthetic: categories: expected "emu", "clevr" or names from add, remove, color, text, background, style, global, local, material, move, drop, distractor, found "paint"',
    });
    assert.throws(() => generateSynthetic({ categories: [] }), {
      message: 'idc.data.synthetic: categories: expected "emu", "clevr" or a non-empty list of category names, found []',
    });
    assert.throws(() => generateSynthetic({ pair: 10 } as never), {
      message: 'idc.data.synthetic: unknown option "pair"; did you mean "pairs"? expected one of pairs, size, seed, categories, fractions',
    });
    assert.throws(() => generateSceneCaptions({ kind: 'coco' as never }), { message: 'idc.data.sceneCaptions: kind: expected "emu" or "clevr", found "coco"' });
  });
});
