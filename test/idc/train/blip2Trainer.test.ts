/**
 * LoRA training of the BLIP-2 (OPT) model on a small mini config: only the adapter learns and
 * the loss falls; a killed run resumes to the same losses and adapter; frozen stages reused
 * give the losses of the whole pass; captions become BOS, words, EOS and EOS padding.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../kernels/idc/backends/backend';
import { generateSynthetic } from '../../../kernels/idc/data/synthetic/generate';
import type { LoraPart } from '../../../kernels/idc/model/blip2/lora';
import { initialTensors, MINI_SIZES, miniConfig } from '../../../kernels/idc/model/blip2/miniConfig';
import { Blip2Model } from '../../../kernels/idc/model/blip2/model';
import { CaptionTokenizer, tokenizerConfigJson, wordLevelTokenizerJson, wordVocabulary } from '../../../kernels/idc/model/blip2/tokenizer';
import { captionIds, trainBlip2Lora, type Blip2TrainOptions } from '../../../kernels/idc/train/blip2Trainer';
import { tempFolder } from '../data/pngFixtures';

const data = generateSynthetic({ pairs: 40, size: 32, seed: 3, fractions: { train: 0.6, validation: 0.2, test: 0.2 } });
const vocabulary = wordVocabulary(data.samples.flatMap((s) => s.references));
const tokenizer = CaptionTokenizer.fromJson(wordLevelTokenizerJson(vocabulary), tokenizerConfigJson(24), 'test tokenizer');
const config = miniConfig({
  ...MINI_SIZES,
  imageSize: 32,
  patchSize: 8,
  width: 32,
  visionLayers: 1,
  qformerLayers: 2,
  queries: 4,
  textLayers: 2,
  heads: 2,
  vocabSize: tokenizer.size,
  maxPositions: 24,
});
const weights = initialTensors(config, 9);

function options(extra: Partial<Blip2TrainOptions> = {}): Blip2TrainOptions {
  return {
    model: new Blip2Model(config, weights),
    tokenizer,
    samples: data.samples,
    lora: { rank: 4, parts: ['vit', 'qformer', 'llm'] },
    batchSize: 8,
    maxEpochs: 3,
    learningRate: 1e-2,
    seed: 11,
    checkpointEvery: 2,
    ...extra,
  };
}

describe('BLIP-2 LoRA trainer', () => {
  let dir: string;
  before(async () => {
    await useBackend('wasm');
  });
  beforeEach(() => (dir = tempFolder('blip2-lora')));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes captions as BOS, words, EOS and EOS padding, the mask over the words and the first EOS', () => {
    const { ids, mask } = captionIds(tokenizer, ['a red circle', 'the circle'], 24, 2);
    const id = (w: string) => vocabulary.indexOf(w);
    assert.deepEqual(ids, [
      [2, id('a'), id('red'), id('circle'), 2],
      [2, id('the'), id('circle'), 2, 2],
    ]);
    assert.deepEqual(mask, [
      [1, 1, 1, 1, 1],
      [1, 1, 1, 1, 0],
    ]);
    assert.deepEqual(captionIds(tokenizer, ['a red circle on the left'], 4, 2).ids, [[2, id('a'), id('red'), 2]]);
  });

  it('trains only the adapter, lowers the loss, validates every epoch and keeps the best adapter', async () => {
    const o = options({ maxEpochs: 4 });
    const base = await o.model.params.read('base');
    const result = await trainBlip2Lora(o);
    const after = await o.model.params.read('base');
    for (const [name, t] of base) assert.deepEqual(after.get(name)?.data, t.data, name);
    assert.equal(result.trainableParameters, o.model.params.count('adapter'));
    assert.equal(result.losses.length, 4 * 3);
    assert.equal(result.validation.length, 4);
    const first = result.losses.slice(0, 3).reduce((a, b) => a + b) / 3;
    const last = result.losses.slice(-3).reduce((a, b) => a + b) / 3;
    assert.ok(last < first, `the training loss falls: ${result.losses.map((l) => l.toFixed(3)).join(' ')}`);
    assert.ok(result.validation[3]!.loss < result.validation[0]!.loss, JSON.stringify(result.validation));
    o.model.dispose();
  });

  it('resumes a killed run from its checkpoint with the same losses and the same final adapter', async () => {
    const whole = options();
    const uninterrupted = await trainBlip2Lora(whole);
    whole.model.dispose();
    const killed = options({ checkpointDir: dir, maxSteps: 5 });
    const first = await trainBlip2Lora(killed);
    killed.model.dispose();
    assert.equal(first.stoppedBy, 'steps');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['checkpoint-5.safetensors', 'checkpoint.json']);
    const resumed = options({ checkpointDir: dir });
    const second = await trainBlip2Lora(resumed);
    resumed.model.dispose();
    assert.equal(second.resumedFromStep, 5);
    assert.deepEqual(second.losses, uninterrupted.losses);
    for (const [name, t] of uninterrupted.adapter) assert.deepEqual(second.adapter.get(name)?.data, t.data, name);
  });

  for (const parts of [['qformer', 'llm'], ['llm']] as LoraPart[][]) {
    it(`reuses the frozen stage's outputs for ${parts.join('+')} with the losses of the whole pass`, async () => {
      const run = async (reuse: boolean) => {
        const o = options({ lora: { rank: 4, parts }, reuseFrozenFeatures: reuse });
        let imaged = 0;
        const stage = parts.includes('qformer') ? 'imageOf' : 'prefixOf';
        const original = o.model[stage].bind(o.model);
        o.model[stage] = (pixels: tf.Tensor4D) => {
          imaged += pixels.shape[0];
          return original(pixels);
        };
        const result = await trainBlip2Lora(o);
        o.model.dispose();
        return { result, imaged };
      };
      const reused = await run(true);
      const full = await run(false);
      // 24 train and 8 validation pairs, each through the frozen stages once
      assert.equal(reused.imaged, 24 + 8);
      assert.equal(full.imaged, 0);
      reused.result.losses.forEach((l, i) =>
        assert.ok(Math.abs(l - full.result.losses[i]!) < 1e-5, `step ${i + 1}: ${l} with reuse, ${full.result.losses[i]} without`),
      );
      reused.result.validation.forEach((v, i) => assert.ok(Math.abs(v.loss - full.result.validation[i]!.loss) < 1e-5, `epoch ${i}`));
    });
  }
});
