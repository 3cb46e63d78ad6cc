/**
 * Pretraining the BLIP-2 base on scenes, at a toy size: every weight trains, the caption loss
 * falls, the same seed gives the same run, and the quality check captions held-out scenes.
 */
import assert from 'node:assert/strict';
import { useBackend } from '../../../kernels/idc/backends/backend';
import { initialTensors, MINI_SIZES, miniConfig } from '../../../kernels/idc/model/blip2/miniConfig';
import { pretrainBlip2, sceneCaptionQuality } from '../../../kernels/idc/pretrain/blip2Pretrain';

const config = miniConfig({
  ...MINI_SIZES,
  imageSize: 32,
  patchSize: 16,
  width: 32,
  visionLayers: 1,
  qformerLayers: 2,
  queries: 4,
  textLayers: 1,
  heads: 2,
  maxPositions: 40,
});

describe('BLIP-2 base pretraining', () => {
  before(async () => {
    await useBackend('wasm');
  });

  it('trains every weight, lowers the caption and scene-parsing losses, repeats itself from the seed, and captions held-out scenes', async () => {
    const run = async () => {
      const losses: Array<{ kind: string; loss: number; parse?: number; contents?: number }> = [];
      const result = await pretrainBlip2({
        config,
        initialWeights: initialTensors,
        steps: 24,
        batchSize: 8,
        learningRate: 3e-3,
        scenes: 60,
        textEvery: 4,
        seed: 5,
        onLog: ({ kind, loss, parseLoss, contentsLoss }) => losses.push({ kind, loss, parse: parseLoss, contents: contentsLoss }),
      });
      return { ...result, losses };
    };
    const first = await run();
    const image = first.losses.filter((l) => l.kind === 'image').map((l) => l.loss);
    assert.equal(first.losses.length, 24);
    assert.equal(first.losses.filter((l) => l.kind === 'text').length, 6);
    assert.ok(
      image.slice(-3).reduce((a, b) => a + b) < image.slice(0, 3).reduce((a, b) => a + b),
      `the caption loss falls: ${image.map((l) => l.toFixed(2)).join(' ')}`,
    );
    // the scaffolding losses come with every image step, and the scene parsing learns too
    const parse = first.losses.filter((l) => l.kind === 'image').map((l) => l.parse as number);
    assert.ok(first.losses.every((l) => (l.kind === 'image') === (l.parse !== undefined && l.contents !== undefined)));
    assert.ok(
      parse.slice(-3).reduce((a, b) => a + b) < parse.slice(0, 3).reduce((a, b) => a + b),
      `parsing falls: ${parse.map((l) => l.toFixed(2)).join(' ')}`,
    );
    const again = await run();
    assert.deepEqual(again.losses, first.losses);
    assert.equal(first.model.config.text.vocabSize, first.vocabulary.length);
    // the ViT's first weights moved from their seeded start, as the decoder's did
    const start = initialTensors(first.model.config, 5);
    const trained = await first.model.tensors();
    for (const name of [
      'vision_model.embeddings.patch_embedding.weight',
      'qformer.encoder.layer.0.crossattention.attention.key.weight',
      'language_model.model.decoder.embed_tokens.weight',
    ])
      assert.notDeepEqual(trained.get(name)?.data, start.get(name)?.data, name);
    const quality = await sceneCaptionQuality(first.model, first.tokenizer, first.heldOut.slice(0, 10));
    assert.equal(quality.scenes, 10);
    assert.equal(quality.examples.length, 5);
    first.model.dispose();
    again.model.dispose();
  });
});
