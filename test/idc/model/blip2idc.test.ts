import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../kernels/idc/backends/backend';
import { loraParameterCount, loraTargets } from '../../../kernels/idc/model/lora';
import { Blip2Idc } from '../../../kernels/idc/model/blip2idc';
import { positionSeeded, queryCentres } from '../../../kernels/idc/model/seeding';
import { DEFAULT_CONFIG, patchGrid } from '../../../kernels/idc/model/config';
import { tinyBatch, tinyModel, randomiseAdapter } from './tinyModel';

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const x of a) m = Math.max(m, Math.abs(x));
  return m;
}

/**
 * Largest difference over the reference's scale. `floor` stands in for tensors whose gradient
 * is zero in exact arithmetic (a key bias shifts all of a query's scores alike, which the
 * softmax ignores): their float noise is measured against the model's gradient scale.
 */
function maxRelative(a: Float32Array, b: Float32Array, floor = 1e-12): number {
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)));
  return diff / Math.max(maxAbs(b), floor);
}

async function gradients(backend: 'cpu' | 'wasm' | 'webgpu', lora: boolean): Promise<Map<string, Float32Array>> {
  await useBackend(backend);
  const { model, tokenizer } = tinyModel();
  if (lora) {
    model.attachLora({ rank: 2, modules: ['vit', 'qformer', 'llm'] }, 5);
    // B is zero at the start, which would make A's gradient zero: give B values to check both
    randomiseAdapter(model, 0.1, 11);
  }
  const batch = tinyBatch(model, tokenizer);
  const variables = lora ? model.params.adapters : model.params.base;
  const { value, grads } = tf.variableGrads(() => model.loss(batch), [...variables.values()]);
  const out = new Map<string, Float32Array>([['loss', (await value.data()) as Float32Array]]);
  for (const [name, v] of variables) out.set(name, (await (grads[v.name] as tf.Tensor).data()) as Float32Array);
  tf.dispose([value, ...Object.values(grads), batch.patches, batch.inputs, batch.targets, batch.mask]);
  model.dispose();
  return out;
}

describe('BLIP2IDC-mini', () => {
  after(async () => {
    await useBackend('cpu');
  });

  for (const backend of ['wasm', 'webgpu'] as const) {
    const where = backend === 'wasm' ? 'the WASM backend' : 'WebGPU (Dawn; the OpenGL ES software adapter where there is no GPU)';
    it(`has the same loss and gradients on ${where} as on the plain CPU backend (within 1e-4 relative)`, async function () {
      this.timeout(240_000); // a software GPU compiles every shader on first use
      for (const lora of [false, true]) {
        const cpu = await gradients('cpu', lora);
        const other = await gradients(backend, lora);
        assert.deepEqual([...other.keys()], [...cpu.keys()]);
        const scale = Math.max(...[...cpu].filter(([n]) => n !== 'loss').map(([, g]) => maxAbs(g)));
        for (const [name, g] of cpu) {
          const error = maxRelative(other.get(name) as Float32Array, g, 1e-3 * scale);
          assert.ok(error < 1e-4, `${backend} ${lora ? 'LoRA' : 'base'} ${name}: relative error ${error}`);
        }
      }
    });
  }

  it('starts a LoRA adapter as the base model (B = 0), merges and unmerges to the same outputs', async () => {
    await useBackend('cpu');
    const { model, tokenizer } = tinyModel();
    const batch = tinyBatch(model, tokenizer);
    const base = (await model.loss(batch).data())[0] as number;
    model.attachLora({ rank: 4, modules: ['vit', 'llm'] }, 1);
    assert.equal((await model.loss(batch).data())[0], base);
    randomiseAdapter(model, 0.2, 2);
    const adapted = (await model.loss(batch).data())[0] as number;
    assert.notEqual(adapted, base);
    const before = await model.params.read('base');
    model.mergeLora();
    assert.ok(Math.abs(((await model.loss(batch).data())[0] as number) - adapted) < 1e-5);
    assert.throws(() => model.mergeLora(), { message: 'the adapter is already merged' });
    model.unmergeLora();
    const after = await model.params.read('base');
    for (const [name, t] of before) assert.ok(maxRelative(after.get(name)?.data as Float32Array, t.data) < 1e-6, name);
    assert.ok(Math.abs(((await model.loss(batch).data())[0] as number) - adapted) < 1e-5);
    model.detachLora();
    // W + d - d is W up to float rounding
    assert.ok(Math.abs(((await model.loss(batch).data())[0] as number) - base) < 1e-5);
    model.dispose();
  });

  it('starts each query reading its own block of patches (position-seeded), with no effect of capturing on the outputs', async () => {
    await useBackend('cpu');
    const config = { ...DEFAULT_CONFIG, vocabSize: 12 };
    assert.equal(positionSeeded(config), true);
    const model = new Blip2Idc(config, 4);
    const grid = patchGrid(config);
    const patches = tf.randomNormal([2, grid.tokens, grid.patchSize], 0, 1, 'float32', 5) as tf.Tensor3D;
    const plain = await model.encode(patches).data();
    const captured = await model.encode(patches, { captureAttention: true }).data();
    assert.deepEqual(captured, plain);
    assert.equal(model.capturedAttention.length, config.vit.layers);
    assert.equal(model.capturedCrossAttention.length, 1);
    const weights = model.capturedCrossAttention[0] as tf.Tensor3D; // [B*heads, Q, N]
    assert.deepEqual(weights.shape, [2 * config.qformer.heads, config.qformer.queries, grid.tokens]);
    const mean = (await tf.mean(weights, 0).array()) as number[][]; // [Q, N]
    // the first ViT block's head 0 (of B*heads, head-major per image): each patch looks most at
    // the patch at the same place in the other image
    const vitWeights = (await (model.capturedAttention[0] as tf.Tensor3D).array()) as number[][][];
    for (let n = 0; n < grid.tokens; n++) {
      const row = (vitWeights[0] as number[][])[n] as number[];
      const counterpart = ((Math.floor(n / grid.columns) + grid.rows / 2) % grid.rows) * grid.columns + (n % grid.columns);
      assert.equal(row.indexOf(Math.max(...row)), counterpart, `patch ${n} looks most at patch ${row.indexOf(Math.max(...row))}, not ${counterpart}`);
    }
    // where each query looks: most of its attention in its own image, around its own row
    const centres = queryCentres(config);
    mean.forEach((weights, q) => {
      const [r] = centres[q] as [number, number];
      const half = r < grid.rows / 2 ? 0 : 1;
      let ownHalf = 0;
      let atRow = 0;
      weights.forEach((w, n) => {
        const row = Math.floor(n / grid.columns);
        if ((row < grid.rows / 2 ? 0 : 1) === half) ownHalf += w;
        atRow += w * row;
      });
      assert.ok(
        ownHalf > 0.6 && Math.abs(atRow - r) < 2.5,
        `query ${q} (row ${r}) gives ${ownHalf.toFixed(2)} of its attention to its own image, centred on row ${atRow.toFixed(2)}`,
      );
    });
    tf.dispose([patches]);
    model.dispose();
  });

  it("starts the first MLP as a rectifier of the correspondence head's difference only when asked", async () => {
    await useBackend('cpu');
    const config = { ...DEFAULT_CONFIG, vocabSize: 12 };
    const h = config.vit.dim / config.vit.heads;
    const hidden = config.vit.dim * config.vit.mlpRatio;
    const seeded = new Blip2Idc(config, 4, { rectifier: true });
    const plain = new Blip2Idc(config, 4);
    const fc1 = (await seeded.params.get('vit.blocks.0.mlp.fc1.weight').array()) as number[][];
    const fc2 = (await seeded.params.get('vit.blocks.0.mlp.fc2.weight').array()) as number[][];
    // hidden units 2a and 2a+1 read difference channel h+a with opposite signs and write channel a
    for (const a of [0, 5, h - 1]) {
      assert.deepEqual(
        fc1.map((row) => [row[2 * a], row[2 * a + 1]]).filter(([p, n]) => p !== 0 || n !== 0),
        [[1, -1]],
      );
      assert.equal(fc1[h + a]?.[2 * a], 1);
      assert.deepEqual([fc2[2 * a]?.indexOf(1), fc2[2 * a + 1]?.indexOf(1), fc2[2 * a]?.filter((v) => v !== 0).length], [a, a, 1]);
    }
    // the other hidden units keep their random start, and without the option nothing is seeded
    assert.ok(Math.abs((fc1[0] as number[])[2 * h] as number) < 0.2 && fc1.some((row) => row[hidden - 1] !== 0));
    const plainFc1 = (await plain.params.get('vit.blocks.0.mlp.fc1.weight').array()) as number[][];
    assert.notEqual(plainFc1[h]?.[0], 1);
    seeded.dispose();
    plain.dispose();
  });

  it("adapts the paper's targets and counts their parameters exactly", () => {
    const { model } = tinyModel();
    const targets = loraTargets(model.config, ['vit', 'qformer', 'llm']).map((t) => t.layer);
    assert.deepEqual(targets, [
      'vit.blocks.0.attn.qkv',
      'vit.blocks.1.attn.qkv',
      'qformer.blocks.0.self.k',
      'qformer.blocks.0.self.v',
      'qformer.blocks.0.cross.q',
      'qformer.blocks.0.cross.k',
      'qformer.blocks.0.cross.v',
      'qformer.blocks.1.self.k',
      'qformer.blocks.1.self.v',
      'decoder.blocks.0.attn.q',
      'decoder.blocks.0.attn.k',
      'decoder.blocks.0.attn.v',
      'decoder.blocks.1.attn.q',
      'decoder.blocks.1.attn.k',
      'decoder.blocks.1.attn.v',
    ]);
    // ViT 2 x r(16 + 48); Q-Former 7 x r(16 + 16); decoder 6 x r(16 + 16): r = 8 -> 1024 + 1792 + 1536
    assert.equal(loraParameterCount(model.config, { rank: 8, modules: ['vit', 'qformer', 'llm'] }), 4352);
    model.attachLora({ rank: 8, modules: ['vit', 'qformer', 'llm'] }, 1);
    assert.equal(model.params.count('adapter'), 4352);
    assert.throws(() => model.attachLora({ rank: 2, modules: ['vit'] }, 1), { message: 'a LoRA adapter is already attached; detach it first' });
    model.detachLora();
    assert.throws(() => model.attachLora({ rank: 0, modules: ['vit'] }, 1), { message: 'lora: rank: expected a positive integer, found 0' });
    assert.throws(() => model.attachLora({ rank: 2, modules: ['unet' as never] }, 1), { message: 'lora: modules: expected vit, qformer, llm, found "unet"' });
    model.dispose();
  });
});
