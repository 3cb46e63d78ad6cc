import assert from 'node:assert/strict';
import { useBackend } from '../../../kernels/idc/backends/backend';
import { pretrainBase } from '../../../kernels/idc/pretrain/pretrain';
import { WordTokenizer } from '../../../kernels/idc/model/tokenizer';

// the pretraining scenes are 64x64 halves: the tiny model keeps that image size, narrow elsewhere
const config = {
  vit: { dim: 16, layers: 1, heads: 2, mlpRatio: 2 },
  qformer: { dim: 16, layers: 2, heads: 2, queries: 4, crossEvery: 2, mlpRatio: 2 },
  decoder: { dim: 16, layers: 1, heads: 2, mlpRatio: 2, maxTokens: 12 },
};

describe('pretraining', () => {
  before(async () => {
    await useBackend('wasm');
  });

  it('continues a saved base from its weights and tokenizer with a new schedule, and refuses one of another vocabulary', async () => {
    const first = await pretrainBase({ steps: 3, batchSize: 4, scenes: 24, seed: 5, config });
    assert.deepEqual(
      first.log.map((e) => [e.step, e.kind]),
      [
        [1, 'image'],
        [2, 'image'],
        [3, 'image'],
      ],
    );
    const before = await first.model.params.read('base');
    const next = await pretrainBase({ steps: 2, batchSize: 4, scenes: 24, seed: 5, from: { model: first.model, tokenizer: first.tokenizer, stepsDone: 3 } });
    assert.equal(next.model, first.model);
    assert.equal(next.tokenizer, first.tokenizer);
    assert.equal(next.log.length, 2);
    const after = await next.model.params.read('base');
    const changed = [...before].filter(([name, t]) => after.get(name)!.data.some((v, i) => v !== t.data[i])).length;
    assert.ok(changed > before.size / 2, `${changed} of ${before.size} weights changed`);

    const other = WordTokenizer.fromCaptions(['a red circle', 'a blue square']);
    await assert.rejects(pretrainBase({ steps: 1, batchSize: 4, scenes: 24, seed: 5, from: { model: first.model, tokenizer: other, stepsDone: 5 } }), {
      message: 'pretrain: from: expected a base pretrained with seed 5 (the same scenes and vocabulary), found another tokenizer',
    });
    first.model.dispose();
  });
});
