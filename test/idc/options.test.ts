/**
 * Every `idc.*` entry point that takes options runs the one options check first: a typo is
 * refused with the nearest valid name before anything runs (an ablation never silently trains
 * on its 1,500-step default for minutes).
 */
import assert from 'node:assert/strict';
import * as idc from '../../kernels/idc/index';

const refs = { a: ['a red cube was added'], b: ['the cube moved'] };
const cands = { a: 'a red cube was added', b: 'the cube moved left' };
const tokenized = idc.metrics.tokenizeSet({ ids: ['a', 'b'], refs: [refs.a, refs.b], cands: [cands.a, cands.b] }, 'compat').set;
const small = idc.data.synthetic({ pairs: 6, size: 32, seed: 2 });

/** [entry point as the message names it, a call with one misspelt option, the option, the name suggested or null]. */
const CALLS: Array<[string, () => unknown, string, string | null]> = [
  ['idc.train.ablation', () => idc.train.ablation({ maxStep: 300 } as never), 'maxStep', 'maxSteps'],
  ['idc.train.local', () => idc.train.local({ worker: 2 } as never), 'worker', 'workers'],
  ['idc.train.slurm', () => idc.train.slurm({ workdir: '/tmp/x', partiton: 'gpu' } as never), 'partiton', 'partition'],
  ['idc.progress', () => idc.progress([1, 2], { lable: 'x' } as never), 'lable', 'label'],
  ['idc.data.open', () => idc.data.open('/tmp', { fromat: 'syned' } as never), 'fromat', 'format'],
  ['idc.data.synthetic', () => idc.data.synthetic({ sise: 32 } as never), 'sise', 'size'],
  ['idc.data.sceneCaptions', () => idc.data.sceneCaptions({ cont: 3 } as never), 'cont', 'count'],
  ['Dataset.select', () => small.select({ splt: 'test' } as never), 'splt', 'split'],
  ['Dataset.pairs', () => small.pairs({ tkae: 2 } as never), 'tkae', 'take'],
  ['Dataset.summary', () => small.summary({ size: 3 } as never), 'size', 'sizes'],
  ['idc.data.PairPipeline', () => new idc.data.PairPipeline({ widht: 32 } as never), 'widht', 'width'],
  ['idc.model.memory', () => idc.model.memory({ rank: 8 } as never), 'rank', 'ranks'],
  ['idc.metrics.score', () => idc.metrics.score({ refs, cands }, { bootstrp: 10 } as never), 'bootstrp', 'bootstrap'],
  [
    'idc.metrics.evaluateCaptions',
    () => idc.metrics.evaluateCaptions({ ids: ['a'], refs: [refs.a], cands: [cands.a] }, { categoreis: {} } as never),
    'categoreis',
    'categories',
  ],
  [
    'idc.metrics.compare',
    () =>
      idc.metrics.compare(idc.metrics.score({ refs, cands }, { meteor: false }), idc.metrics.score({ refs, cands }, { meteor: false }), {
        sample: 10,
      } as never),
    'sample',
    'samples',
  ],
  ['idc.metrics.meteor', () => idc.metrics.meteor(tokenized, { paraphrase: 'x' } as never), 'paraphrase', 'paraphraseTable'],
  ['idc.metrics.cider', () => idc.metrics.cider(tokenized, { sigam: 6 } as never), 'sigam', 'sigma'],
  ['idc.metrics.bootstrapIntervals', () => idc.metrics.bootstrapIntervals(tokenized, { confidance: 0.9 } as never), 'confidance', 'confidence'],
  [
    'idc.metrics.scoreByCategory',
    () =>
      idc.metrics.scoreByCategory(
        tokenized,
        new Map([
          ['a', 'x'],
          ['b', 'y'],
        ]),
        { idff: 'whole' } as never,
      ),
    'idff',
    'idf',
  ],
  ['idc.metrics.scoreCaptions', () => idc.metrics.scoreCaptions({ ids: ['a'], refs: [refs.a], cands: [cands.a] }, { mdoe: 'compat' } as never), 'mdoe', 'mode'],
  ['idc.interop.exportOnnx', () => idc.interop.exportOnnx({ out: '/tmp/x', adpater: 'a' } as never), 'adpater', 'adapter'],
  ['idc.interop.onnxCaptions', () => idc.interop.onnxCaptions('/tmp/x', small, { batchsize: 2 } as never), 'batchsize', 'batchSize'],
  ['idc.interop.predictions', () => idc.interop.predictions('/tmp/x.json', small, { spilt: 'test' } as never), 'spilt', 'split'],
  ['idc.viz.attention', () => idc.viz.attention({ layer: [0] } as never), 'layer', 'layers'],
];

describe('options of every idc entry point', () => {
  for (const [api, call, key, near] of CALLS) {
    it(`${api} refuses ${JSON.stringify(key)}${near ? `, suggesting ${JSON.stringify(near)}` : ''}`, async () => {
      const prefix = `${api}: unknown option ${JSON.stringify(key)}; ${near ? `did you mean ${JSON.stringify(near)}? ` : ''}expected one of `;
      await assert.rejects(
        async () => call(),
        (e: unknown) => e instanceof TypeError && e.message.startsWith(prefix) && e.message.includes(near ?? ''),
      );
    });
  }

  it('names the ablation option a user most likely meant, with every valid one', async () => {
    await assert.rejects(idc.train.ablation({ maxStep: 300 } as never), {
      name: 'TypeError',
      message:
        'idc.train.ablation: unknown option "maxStep"; did you mean "maxSteps"? expected one of base, data, ranks, modules, learningRate, schedule, batchSize, maxEpochs, patience, maxSteps, seed, workers, executor, out, backend, checkpointEvery',
    });
  });
});
