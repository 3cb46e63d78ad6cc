/** The memory calculator: BLIP-2 OPT-2.7B's exact counts, accelerate's strings, LoRA per rank, the paper's rows. */
import assert from 'node:assert/strict';
import { blip2idcTargetModules, linearModules, linearSize, targetedModules } from '../../../kernels/idc/model/blip2/lora';
import { initialTensors, miniConfig } from '../../../kernels/idc/model/blip2/miniConfig';
import { Blip2Model } from '../../../kernels/idc/model/blip2/model';
import {
  BLIP2_OPT_2_7B,
  compareWithPaper,
  countParameters,
  dtypeRows,
  formatAccelerate,
  isPaperModel,
  loraMemory,
  loraParameters,
  loraPerRank,
  memoryReportText,
  memoryRows,
  blip2Shape,
  MODULES,
  PAPER_DTYPE_ROWS,
  type Blip2Shape,
} from '../../../kernels/idc/model/memory';
import { memory } from '../../../kernels/idc/model/index';
import { MIME_BUNDLE } from '../../../kernels/outputs/richOutput';
import { useBackend } from '../../../kernels/idc/backends/backend';
import { tinyBlip2Config } from './blip2/tinyBase';

/**
 * One layer each, width 4, counted by hand:
 * vision (image 4, patch 2: 4 patches + class token = 5 positions, MLP 8, q and v biases)
 *   patch conv 3*2*2*4 + 4 = 52; class token 4; positions 5*4 = 20;
 *   layer: LN 8 + qkv 4*12 = 48 + q/v biases 8 + out 16+4 = 20 + LN 8 + fc1 32+8 = 40 + fc2 32+4 = 36 = 168;
 *   final LN 8  -> 52 + 4 + 20 + 168 + 8 = 252
 * qformer (2 queries, MLP 8, layer 0 has cross-attention)
 *   queries 8; layer: self q,k,v,o 4*20 = 80 + LN 8; cross q 20 + k,v 2*20 = 40 + o 20 + LN 8 = 88;
 *   FFN 40 + 36 + LN 8 = 84 -> 260; LN 8  -> 8 + 260 + 8 = 276
 * projection 4*4 + 4 = 20
 * llm (vocabulary 10, 6 positions, FFN 8, tied head)
 *   tokens 40; positions 24; layer: LN 8 + q,k,v,o 80 + LN 8 + fc1 40 + fc2 36 = 172; final LN 8  -> 244
 * total 252 + 276 + 20 + 244 = 792; the tied head counted again: + 40 = 832.
 * LoRA per unit rank: vit qkv 4 + 12 = 16; qformer self k,v 2*8 + cross q 8 + cross k,v 2*8 = 40; llm q,k,v 3*8 = 24.
 */
const HAND: Blip2Shape = {
  name: 'hand-counted',
  vision: { layers: 1, width: 4, mlp: 8, patch: 2, imageSize: 4, channels: 3, classToken: true, qkvBias: 'qv', finalLayerNorm: true },
  qformer: { layers: 1, width: 4, mlp: 8, crossAttentionEvery: 2, queries: 2, finalLayerNorm: true, encoderWidth: 4 },
  projection: { from: 4, to: 4 },
  llm: { layers: 1, width: 4, ffn: 8, vocab: 10, positions: 6, tiedOutput: true, countTiedOutputTwice: false },
};

/** A copy of BLIP-2 OPT-2.7B with one field replaced, typed loosely to reach bad input. */
function withField(section: keyof Omit<Blip2Shape, 'name'>, field: string, value: unknown): Blip2Shape {
  return { ...BLIP2_OPT_2_7B, [section]: { ...BLIP2_OPT_2_7B[section], [field]: value } } as Blip2Shape;
}

describe('parameter count of BLIP-2 OPT-2.7B', () => {
  const counts = countParameters(BLIP2_OPT_2_7B);

  it('counts every weight, bias and layer norm: 3,744,625,024, and 3,873,321,344 with the tied head twice', () => {
    assert.equal(counts.total, 3_744_625_024);
    assert.equal(counts.tiedOutput, 128_696_320);
    assert.equal(counts.counted, 3_873_321_344);
  });

  it('counts each module, and the modules and their parts add up', () => {
    const { vision, qformer, projection, llm } = counts.modules;
    assert.equal(vision.parameters, 985_897_344);
    assert.equal(qformer.parameters, 105_162_240);
    assert.equal(projection.parameters, 1_968_640);
    assert.equal(llm.parameters, 2_651_596_800); // OPT-2.7B on its own
    assert.equal(
      MODULES.reduce((n, m) => n + counts.modules[m].parameters, 0),
      counts.total,
    );
    for (const m of MODULES)
      assert.equal(
        counts.modules[m].parts.reduce((n, p) => n + p.parameters, 0),
        counts.modules[m].parameters,
        m,
      );
    const layer = (m: (typeof MODULES)[number], name: string) => counts.modules[m].parts.find((p) => p.name === name);
    assert.deepEqual(layer('vision', 'layer'), { name: 'layer', count: 39, each: 25_248_768, parameters: 984_701_952 });
    assert.deepEqual(layer('qformer', 'layer with cross-attention'), {
      name: 'layer with cross-attention',
      count: 6,
      each: 10_434_816,
      parameters: 62_608_896,
    });
    assert.deepEqual(layer('qformer', 'layer without cross-attention'), {
      name: 'layer without cross-attention',
      count: 6,
      each: 7_087_872,
      parameters: 42_527_232,
    });
    assert.equal(layer('qformer', 'query tokens')?.parameters, 32 * 768);
    assert.deepEqual(layer('llm', 'layer'), { name: 'layer', count: 32, each: 78_676_480, parameters: 2_517_647_360 });
    assert.equal(layer('llm', 'positions')?.parameters, 2050 * 2560);
  });

  it('gives an untied head its own matrix and counts nothing twice', () => {
    const untied = countParameters(withField('llm', 'tiedOutput', false));
    assert.equal(untied.total, 3_873_321_344);
    assert.equal(untied.tiedOutput, 0);
    assert.equal(untied.counted, untied.total);
  });
});

describe('model size per dtype, as accelerate prints it', () => {
  it("reproduces the paper's rows exactly", () => {
    const rows = dtypeRows(BLIP2_OPT_2_7B);
    assert.deepEqual(
      rows.map((r) => [r.dtype, r.modelSize, r.trainingSize]),
      [
        ['float32', '14.43 GB', '57.72 GB'],
        ['float16', '7.21 GB', '28.86 GB'],
        ['int8', '3.61 GB', '14.43 GB'],
        ['int4', '1.8 GB', '7.21 GB'],
      ],
    );
    assert.deepEqual(
      rows.map((r) => ({ dtype: r.dtype, modelSize: r.modelSize, trainingSize: r.trainingSize })),
      PAPER_DTYPE_ROWS,
    );
    assert.equal(rows[0]?.modelBytes, 3_873_321_344 * 4);
  });

  it('gets 13.95 GB without the second count of the tied head', () => {
    assert.equal(dtypeRows(withField('llm', 'countTiedOutputTwice', false))[0]?.modelSize, '13.95 GB');
  });

  it("formats as Python's round(x, 2) and float repr do", () => {
    assert.equal(formatAccelerate(2 * 1024 ** 3), '2.0 GB');
    assert.equal(formatAccelerate(512, true), '512 bytes');
    assert.equal(formatAccelerate(512), '512.0 bytes');
    assert.equal(formatAccelerate(1.125 * 1024), '1.12 KB'); // an exact tie goes to even
    assert.equal(formatAccelerate(1.375 * 1024), '1.38 KB');
    assert.equal(formatAccelerate(1.005 * 1024), '1.0 KB'); // 1.005 is 1.00499... in binary
    assert.equal(formatAccelerate(1536 * 1024 ** 4), '1.5 PB');
  });
});

describe('LoRA', () => {
  it('has 783,360 trainable parameters per unit of rank on the paper targets', () => {
    assert.deepEqual(loraPerRank(BLIP2_OPT_2_7B), { vit: 219_648, qformer: 72_192, llm: 491_520 });
    for (const [rank, total] of [
      [8, 6_266_880],
      [16, 12_533_760],
      [32, 25_067_520],
    ] as const) {
      const c = loraParameters(BLIP2_OPT_2_7B, rank);
      assert.deepEqual([c.vit, c.qformer, c.llm, c.total], [219_648 * rank, 72_192 * rank, 491_520 * rank, total]);
    }
    assert.ok(Math.abs(loraParameters(BLIP2_OPT_2_7B, 8).share - 6_266_880 / (3_744_625_024 + 6_266_880)) < 1e-15);
  });

  it('counts only the chosen targets, in model order', () => {
    const vitLlm = loraParameters(BLIP2_OPT_2_7B, 8, ['llm', 'vit']);
    assert.deepEqual(vitLlm.targets, ['vit', 'llm']);
    assert.deepEqual([vitLlm.vit, vitLlm.qformer, vitLlm.llm, vitLlm.total], [1_757_184, 0, 3_932_160, 5_689_344]);
    assert.equal(loraParameters(BLIP2_OPT_2_7B, 16, ['qformer']).total, 1_155_072);
    assert.equal(loraParameters(BLIP2_OPT_2_7B, 1, ['vit', 'vit']).total, 219_648);
  });

  it('sizes the adapter file and the training memory on a frozen float16 base', () => {
    const m = loraMemory(BLIP2_OPT_2_7B, 8);
    assert.equal(m.adapterFloat32Bytes, 25_067_520);
    assert.equal(m.adapterFloat16Bytes, 12_533_760);
    assert.equal(m.frozenBytes, 3_744_625_024 * 2);
    assert.equal(m.optimizerBytes, 6_266_880 * 16);
    assert.equal(m.trainingBytes, 7_489_250_048 + 100_270_080);
  });
});

describe("comparison with the paper's LoRA rows", () => {
  const rows = compareWithPaper();

  it('finds the VRAM steps between ranks are the optimizer state of the added parameters, in GB', () => {
    assert.deepEqual(
      rows.map((r) => [r.rank, r.trainable, r.unit, r.paperStep, r.computedStep === null ? null : Math.round(r.computedStep * 1000) / 1000]),
      [
        [8, 6_266_880, 'GB', null, null],
        [16, 12_533_760, 'GB', 0.1, 0.1],
        [32, 25_067_520, 'GB', 0.2, 0.201],
      ],
    );
    // what the parameters cannot give is the same at every rank: activations and the CUDA context
    for (const r of rows) assert.ok(Math.abs(r.residual - 1.06) < 0.005, `rank ${r.rank}: residual ${r.residual}`);
    assert.match(
      rows[1]?.trainingNote ?? '',
      /step from rank 8 is 0\.10 GB in the paper and 0\.10 GB computed, matching the optimizer-state growth of 6,266,880 parameters x 16 bytes/,
    );
    assert.match(
      rows[0]?.trainingNote ?? '',
      /^Computed 7\.59 GB .* frozen float16 weights 7\.49 GB \+ 0\.10 GB .*remaining 1\.06 GB of the paper's 8\.65 GB is activations/,
    );
  });

  it('reads the adapter sizes as the float32 files rounded down', () => {
    assert.deepEqual(
      rows.map((r) => [r.paperAdapterMB, r.adapterFloat32Bytes, r.adapterNearest]),
      [
        [20, 25_067_520, 'float32 MiB'],
        [40, 50_135_040, 'float32 MiB'],
        [80, 100_270_080, 'float32 MiB'],
      ],
    );
    assert.match(
      rows[0]?.adapterNote ?? '',
      /25\.07 MB \(23\.91 MiB\) in float32 .* 12\.53 MB \(11\.95 MiB\) in float16; the paper's 20 MB is 0\.84 x .*rounded down.*in proportion to the rank/,
    );
  });
});

describe('small shapes', () => {
  it('counts the hand-counted shape', () => {
    const c = countParameters(HAND);
    assert.deepEqual(
      MODULES.map((m) => c.modules[m].parameters),
      [252, 276, 20, 244],
    );
    assert.equal(c.total, 792);
    assert.equal(countParameters({ ...HAND, llm: { ...HAND.llm, countTiedOutputTwice: true } }).counted, 832);
    assert.equal(countParameters({ ...HAND, llm: { ...HAND.llm, tiedOutput: false } }).total, 832);
    assert.equal(countParameters({ ...HAND, vision: { ...HAND.vision, classToken: false, qkvBias: 'qkv' } }).modules.vision.parameters, 252 - 4 - 4 + 4);
    assert.deepEqual(loraPerRank(HAND), { vit: 16, qformer: 40, llm: 24 });
    assert.equal(loraParameters(HAND, 3).total, 240);
  });

  it("matches the parameters a small BLIP-2 actually creates, and the LoRA parameters of BLIP2IDC's target_modules", async () => {
    await useBackend('cpu');
    const config = tinyBlip2Config(23);
    const model = new Blip2Model(config, initialTensors(config, 1));
    try {
      const shape = blip2Shape(config, 'tiny');
      assert.equal(countParameters(shape).total, model.params.count('base'));
      for (const parts of [['vit', 'qformer', 'llm'], ['qformer'], ['vit', 'llm']] as const) {
        const adapted = targetedModules(blip2idcTargetModules(config, parts), linearModules(config)).reduce((n, m) => {
          const { inputs, outputs } = linearSize(config, m);
          return n + 4 * (inputs + outputs);
        }, 0);
        assert.equal(loraParameters(shape, 4, parts).total, adapted, parts.join('+'));
      }
      assert.equal(isPaperModel(shape), false);
      assert.equal(isPaperModel(BLIP2_OPT_2_7B), true);
    } finally {
      model.dispose();
    }
  });
});

describe('rows and text', () => {
  it("lays out BLIP-2's rows with the paper's comparison", () => {
    const rows = memoryRows(BLIP2_OPT_2_7B);
    assert.deepEqual(
      rows.parameters.filter((r) => r.part === '').map((r) => [r.module, r.parameters]),
      [
        ['vision', 985_897_344],
        ['qformer', 105_162_240],
        ['projection', 1_968_640],
        ['llm', 2_651_596_800],
        ['total', 3_744_625_024],
        ['tied output again', 128_696_320],
        ['counted by accelerate', 3_873_321_344],
      ],
    );
    assert.deepEqual(
      rows.lora.map((l) => l.trainable),
      [6_266_880, 12_533_760, 25_067_520],
    );
    assert.equal(rows.paper?.length, 3);
    assert.equal(memoryRows(BLIP2_OPT_2_7B, [8], ['vit']).paper, null);

    const text = memoryReportText(BLIP2_OPT_2_7B, [8, 16, 32]);
    assert.match(text, /^Memory of BLIP-2 OPT-2\.7B\n/);
    assert.match(text, /total +3,744,625,024 +100\.00%/);
    assert.match(text, /float32 +14\.43 GB +57\.72 GB/);
    assert.match(text, /int4 +1\.8 GB +7\.21 GB/);
    assert.match(text, / 16 +3,514,368 +1,155,072 +7,864,320 +12,533,760 /);
    assert.match(text, /Compared with the paper/);
  });

  it('leaves the comparison out for another model', () => {
    const text = memoryReportText(HAND, [1, 2]);
    assert.match(text, /total +792 +100\.00%/);
    assert.doesNotMatch(text, /Compared with the paper/);
  });
});

describe('bad input', () => {
  it('names the field and what was expected', () => {
    assert.throws(() => loraParameters(BLIP2_OPT_2_7B, 0), /memory: rank: expected a positive integer, found 0/);
    assert.throws(() => loraParameters(BLIP2_OPT_2_7B, 2.5), /memory: rank: expected a positive integer, found 2\.5/);
    assert.throws(() => loraParameters(BLIP2_OPT_2_7B, '8' as unknown as number), /memory: rank: expected a positive integer, found "8"/);
    assert.throws(
      () => loraParameters(BLIP2_OPT_2_7B, 8, ['vit', 'vision'] as never),
      /memory: targets\[1\]: expected one of vit, qformer, llm, found "vision"/,
    );
    assert.throws(() => loraParameters(BLIP2_OPT_2_7B, 8, []), /memory: targets: expected a non-empty list of vit, qformer, llm, found \[\]/);
    assert.throws(() => memoryReportText(BLIP2_OPT_2_7B, [8, -1]), /memory: ranks\[1\]: expected a positive integer, found -1/);
  });

  it('rejects shapes that cannot be built', () => {
    assert.throws(() => countParameters(withField('vision', 'layers', 0)), /memory: vision\.layers: expected a positive integer, found 0/);
    assert.throws(() => countParameters(withField('vision', 'qkvBias', 'kv')), /memory: vision\.qkvBias: expected 'none', 'qv' or 'qkv', found "kv"/);
    assert.throws(
      () => countParameters(withField('vision', 'patch', 15)),
      /memory: vision\.patch: expected a divisor of the image width 224 and height 224, found 15/,
    );
    assert.throws(() => countParameters(withField('qformer', 'encoderWidth', 768)), /memory: qformer\.encoderWidth: expected the vision width 1408, found 768/);
    assert.throws(() => countParameters(withField('projection', 'to', 2048)), /memory: projection\.to: expected the LLM width 2560, found 2048/);
    assert.throws(() => countParameters(withField('llm', 'tiedOutput', 'yes')), /memory: llm\.tiedOutput: expected true or false, found "yes"/);
  });
});

describe('idc.model.memory (the calculator as a cell output)', () => {
  it('shows the paper model by default, ours on request, and explains bad options', () => {
    const paper = memory();
    const text = paper[MIME_BUNDLE]()['text/plain'] as string;
    assert.match(text, /^Memory of BLIP-2 OPT-2\.7B/);
    assert.ok(text.includes('14.43 GB') && text.includes('57.72 GB'));
    assert.deepEqual(
      paper.rows.lora.map((l) => l.rank),
      [8, 16, 32],
    );
    const mini = memory({ model: 'mini', ranks: [2, 4], targets: ['llm'] });
    assert.deepEqual(
      mini.rows.lora.map((l) => [l.rank, l.vit, l.qformer]),
      [
        [2, 0, 0],
        [4, 0, 0],
      ],
    );
    // "mini" is the shipped base's BLIP-2 config; a config.json object gives the same rows
    assert.deepEqual(memory({ model: miniConfig().json, ranks: [2, 4], targets: ['llm'] }).rows.lora, mini.rows.lora);
    assert.throws(() => memory({ model: 'opt' as never }), {
      message: 'idc.model.memory: model: expected "blip2-opt-2.7b", "mini" or a BLIP-2 config.json object, found "opt"',
    });
    assert.throws(() => memory({ rank: 8 } as never), {
      message: 'idc.model.memory: unknown option "rank"; did you mean "ranks"? expected one of model, ranks, targets',
    });
  });
});
