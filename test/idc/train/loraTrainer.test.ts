import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useBackend } from '../../../kernels/idc/backends/backend';
import { trainLora, type LoraTrainOptions } from '../../../kernels/idc/train/loraTrainer';
import { generateSynthetic } from '../../../kernels/idc/data/synthetic/generate';
import { Blip2Idc } from '../../../kernels/idc/model/blip2idc';
import { WordTokenizer } from '../../../kernels/idc/model/tokenizer';
import { tinyConfig } from '../model/tinyModel';
import { tempFolder } from '../data/pngFixtures';

const data = generateSynthetic({ pairs: 40, size: 32, seed: 3, fractions: { train: 0.6, validation: 0.2, test: 0.2 } });
const tokenizer = WordTokenizer.fromCaptions(data.samples.flatMap((s) => s.references));

function options(extra: Partial<LoraTrainOptions> = {}): LoraTrainOptions {
  return {
    model: new Blip2Idc(tinyConfig(tokenizer.size), 5),
    tokenizer,
    samples: data.samples,
    lora: { rank: 2, modules: ['vit', 'qformer', 'llm'] },
    batchSize: 8,
    maxEpochs: 3,
    learningRate: 5e-3,
    seed: 11,
    checkpointEvery: 2,
    ...extra,
  };
}

describe('LoRA trainer', () => {
  let dir: string;
  before(async () => {
    await useBackend('wasm');
  });
  beforeEach(() => (dir = tempFolder('lora')));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('trains only the adapter, lowers the loss, validates every epoch and keeps the best adapter', async () => {
    const o = options({ maxEpochs: 4 });
    const base = await o.model.params.read('base');
    const result = await trainLora(o);
    assert.equal(result.stoppedBy, 'epochs');
    assert.equal(result.losses.length, 4 * 3); // 24 train pairs / 8 = 3 batches per epoch
    assert.deepEqual(
      result.validation.map((v) => v.epoch),
      [0, 1, 2, 3],
    );
    assert.ok(result.validation[3]!.loss < result.validation[0]!.loss, JSON.stringify(result.validation));
    assert.equal(result.trainableParameters, o.model.params.count('adapter'));
    const after = await o.model.params.read('base');
    for (const [name, t] of base) assert.deepEqual(after.get(name)?.data, t.data, `${name} changed`);
    o.model.dispose();
  });

  for (const modules of [['llm'], ['qformer', 'llm']] as const) {
    it(`with LoRA on ${modules.join(' and ')}, computes the frozen stages once per pair and gives the losses of the full forward pass`, async () => {
      const run = async (reuse: boolean) => {
        const o = options({ lora: { rank: 2, modules: [...modules] }, reuseFrozenFeatures: reuse });
        let encoded = 0;
        const encodeImage = o.model.encodeImage.bind(o.model);
        o.model.encodeImage = (...args: Parameters<typeof encodeImage>) => {
          encoded += args[0].shape[0];
          return encodeImage(...args);
        };
        const result = await trainLora(o);
        o.model.dispose();
        return { result, encoded };
      };
      const reused = await run(true);
      const full = await run(false);
      // 24 train and 8 validation pairs, each through the ViT once; 3 epochs without reuse
      assert.equal(reused.encoded, 24 + 8);
      assert.equal(full.encoded, 3 * (24 + 8));
      assert.equal(reused.result.losses.length, 9);
      reused.result.losses.forEach((l, i) =>
        assert.ok(Math.abs(l - full.result.losses[i]!) < 1e-5, `step ${i + 1}: ${l} with reuse, ${full.result.losses[i]} without`),
      );
      reused.result.validation.forEach((v, i) =>
        assert.ok(Math.abs(v.loss - full.result.validation[i]!.loss) < 1e-5, `epoch ${i}: ${v.loss} with reuse, ${full.result.validation[i]!.loss} without`),
      );
      assert.ok(
        reused.result.validation[2]!.loss < reused.result.validation[0]!.loss,
        `the validation loss falls: ${JSON.stringify(reused.result.validation)}`,
      );
    });
  }

  it('decays the learning rate over the step budget with the cosine schedule, and keeps it constant by default', async () => {
    const rates = async (extra: Partial<LoraTrainOptions>) => {
      const seen: number[] = [];
      const o = options({ maxSteps: 5, maxEpochs: 10, ...extra, onStep: (s) => seen.push(s.learningRate) });
      await trainLora(o);
      o.model.dispose();
      return seen;
    };
    const cosine = await rates({ schedule: 'cosine' });
    const expected = [0, 1, 2, 3, 4].map((i) => 5e-3 * (0.1 + 0.45 * (1 + Math.cos((Math.PI * i) / 5))));
    cosine.forEach((r, i) => assert.ok(Math.abs(r - expected[i]!) < 1e-12, `step ${i + 1}: ${r}, expected ${expected[i]}`));
    assert.equal(cosine[0], 5e-3);
    assert.deepEqual(await rates({}), [5e-3, 5e-3, 5e-3, 5e-3, 5e-3]);
    await assert.rejects(trainLora(options({ schedule: 'linear' as never })), {
      message: 'trainLora: schedule: expected "constant" or "cosine", found "linear"',
    });
  });

  it('resumes a killed run from its checkpoint with the same losses and the same final adapter', async () => {
    const whole = options();
    const uninterrupted = await trainLora(whole);
    whole.model.dispose();

    const killed = options({ checkpointDir: dir, maxSteps: 5 });
    const first = await trainLora(killed);
    killed.model.dispose();
    assert.equal(first.stoppedBy, 'steps');
    assert.equal(first.losses.length, 5);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['checkpoint-5.safetensors', 'checkpoint.json']);

    const resumed = options({ checkpointDir: dir });
    const second = await trainLora(resumed);
    assert.equal(second.resumedFromStep, 5);
    assert.deepEqual(second.losses, uninterrupted.losses);
    for (const [name, t] of uninterrupted.adapter) {
      const other = second.adapter.get(name)?.data as Float32Array;
      let diff = 0;
      t.data.forEach((x, i) => (diff = Math.max(diff, Math.abs(x - (other[i] as number)))));
      assert.ok(diff <= 1e-6, `${name}: ${diff}`);
    }
    resumed.model.dispose();
  });

  it('refuses to resume a checkpoint of different settings, naming the file', async () => {
    const o = options({ checkpointDir: dir, maxSteps: 2 });
    await trainLora(o);
    o.model.dispose();
    const other = options({ checkpointDir: dir, lora: { rank: 4, modules: ['llm'] } });
    await assert.rejects(trainLora(other), {
      message: `${path.join(dir, 'checkpoint.json')}: this checkpoint is of another run (its settings differ); use a new folder or delete it to start again`,
    });
    other.model.dispose();
  });

  it('stops on the interrupt signal and leaves a checkpoint', async () => {
    const controller = new AbortController();
    const o = options({ checkpointDir: dir, onStep: (s) => s.step === 3 && controller.abort(), signal: controller.signal });
    const result = await trainLora(o);
    assert.equal(result.stoppedBy, 'interrupted');
    assert.equal(result.losses.length, 3);
    assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'checkpoint.json'), 'utf8')).counters.step, 3);
    o.model.dispose();
  });
});
