/** A base folder: the BLIP-2 folder with its tokenizer and training log, written and read back. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../../kernels/idc/backends/backend';
import { loadBlip2Base, saveBlip2Base } from '../../../../kernels/idc/model/blip2/baseFolder';
import { initialTensors, MINI_SIZES, miniConfig } from '../../../../kernels/idc/model/blip2/miniConfig';
import { Blip2Model } from '../../../../kernels/idc/model/blip2/model';
import { tokenizerConfigJson, wordLevelTokenizerJson, wordVocabulary } from '../../../../kernels/idc/model/blip2/tokenizer';

describe('BLIP-2 base folders', () => {
  it('write the model, its tokenizer and its log, and read back the same model and ids', async () => {
    await useBackend('wasm');
    const vocabulary = wordVocabulary(['a red circle was added', 'the square is gone']);
    const config = miniConfig({
      ...MINI_SIZES,
      imageSize: 32,
      patchSize: 16,
      width: 32,
      visionLayers: 1,
      qformerLayers: 1,
      queries: 4,
      textLayers: 1,
      heads: 2,
      vocabSize: vocabulary.length,
    });
    const model = new Blip2Model(config, initialTensors(config, 2));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idc-base-'));
    await saveBlip2Base(dir, { model, tokenizerJson: wordLevelTokenizerJson(vocabulary), tokenizerConfig: tokenizerConfigJson(24), log: { steps: 0 } });
    assert.deepEqual(fs.readdirSync(dir).sort(), [
      'config.json',
      'generation_config.json',
      'model.safetensors',
      'tokenizer.json',
      'tokenizer_config.json',
      'training-log.json',
    ]);
    const { model: again, tokenizer } = await loadBlip2Base(dir);
    assert.deepEqual(tokenizer.encode('A red square!'), [2, vocabulary.indexOf('a'), vocabulary.indexOf('red'), vocabulary.indexOf('square')]);
    const inputs = {
      pixelValues: [
        [
          [...Array(32)].map(() => new Array(32).fill(0.1)),
          [...Array(32)].map(() => new Array(32).fill(0.2)),
          [...Array(32)].map(() => new Array(32).fill(0.3)),
        ],
      ],
      inputIds: [[2, 4, 5]],
    };
    const [a, b] = [model.forward(inputs), again.forward(inputs)];
    assert.deepEqual((a.get('logits') as tf.Tensor).dataSync(), (b.get('logits') as tf.Tensor).dataSync());
    for (const t of [...a.values(), ...b.values()]) t.dispose();
    fs.rmSync(path.join(dir, 'tokenizer.json'));
    await assert.rejects(loadBlip2Base(dir), { message: `${dir}: expected tokenizer.json beside the model (the tokenizer its ids belong to), found none` });
    model.dispose();
    again.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
