/**
 * The paper's supplementary Table 4 and the computed figures beside it, each difference
 * explained in a sentence: what a parameter count gives and what it cannot.
 */
import { LORA_PARTS as LORA_MODULES } from '../blip2/lora';
import { ADAM_BYTES_PER_PARAMETER, countParameters, loraMemory, loraParameters, loraPerRank, type Dtype } from './counts';
import { BLIP2_OPT_2_7B, type Blip2Shape } from './shapes';
import { fixed2, GB, GIB, groupDigits, MB, MIB, round2 } from './units';

/** Supplementary Table 4, dtype rows (accelerate's strings). */
export const PAPER_DTYPE_ROWS: readonly { dtype: Dtype; modelSize: string; trainingSize: string }[] = [
  { dtype: 'float32', modelSize: '14.43 GB', trainingSize: '57.72 GB' },
  { dtype: 'float16', modelSize: '7.21 GB', trainingSize: '28.86 GB' },
  { dtype: 'int8', modelSize: '3.61 GB', trainingSize: '14.43 GB' },
  { dtype: 'int4', modelSize: '1.8 GB', trainingSize: '7.21 GB' },
];

/** Supplementary Table 4, LoRA rows on float16 BLIP-2 OPT-2.7B, batch size 1. */
export const PAPER_LORA_ROWS: readonly { rank: number; adapterMB: number; trainingGB: number }[] = [
  { rank: 8, adapterMB: 20, trainingGB: 8.65 },
  { rank: 16, adapterMB: 40, trainingGB: 8.75 },
  { rank: 32, adapterMB: 80, trainingGB: 8.95 },
];

export type GigaUnit = 'GB' | 'GiB';

export interface PaperComparison {
  rank: number;
  trainable: number;
  paperAdapterMB: number;
  adapterFloat32Bytes: number;
  adapterFloat16Bytes: number;
  /** The computed size nearest the paper's figure, e.g. "float32 MiB". */
  adapterNearest: string;
  adapterNote: string;
  paperTrainingGB: number;
  frozenBytes: number;
  optimizerBytes: number;
  trainingBytes: number;
  /** The unit in which the computed steps between ranks match the paper's at its precision. */
  unit: GigaUnit;
  /** Paper minus computed, in `unit`: what a parameter count cannot give. */
  residual: number;
  /** Step from the previous rank's row, paper and computed (in `unit`); null on the first row. */
  paperStep: number | null;
  computedStep: number | null;
  trainingNote: string;
}

function adapterNote(paperMB: number, fp32: number, fp16: number, scalesWithRank: boolean): { nearest: string; note: string } {
  const candidates = [
    { label: 'float32 MiB', value: fp32 / MIB },
    { label: 'float32 MB', value: fp32 / MB },
    { label: 'float16 MiB', value: fp16 / MIB },
    { label: 'float16 MB', value: fp16 / MB },
  ];
  const nearest = candidates.reduce((best, c) => (Math.abs(Math.log(paperMB / c.value)) < Math.abs(Math.log(paperMB / best.value)) ? c : best));
  const direction = paperMB < nearest.value ? 'down' : 'up';
  const note =
    `Computed ${fixed2(fp32 / MB)} MB (${fixed2(fp32 / MIB)} MiB) in float32 as PEFT saves it and ${fixed2(fp16 / MB)} MB (${fixed2(fp16 / MIB)} MiB) in float16; ` +
    `the paper's ${paperMB} MB is ${fixed2(paperMB / nearest.value)} x the nearest of these, the ${nearest.label} figure, so it is most plausibly that file size rounded ${direction} to a round number` +
    (scalesWithRank
      ? ', and it grows in proportion to the rank as the computed size does.'
      : ', although it does not grow in proportion to the rank as the computed size does.');
  return { nearest: nearest.label, note };
}

/** The unit in which every computed step between the paper's ranks rounds to the paper's step. */
function matchingUnit(steps: readonly { paper: number; bytes: number }[]): { unit: GigaUnit; matched: boolean } {
  for (const [unit, scale] of [
    ['GB', GB],
    ['GiB', GIB],
  ] as const) {
    if (steps.every((s) => round2(s.bytes / scale) === round2(s.paper))) return { unit, matched: true };
  }
  return { unit: 'GiB', matched: false };
}

/** Computed figures beside the paper's LoRA rows, each difference explained in a sentence. */
export function compareWithPaper(shape: Blip2Shape = BLIP2_OPT_2_7B): PaperComparison[] {
  const rows = PAPER_LORA_ROWS.map((p) => ({ paper: p, count: loraParameters(shape, p.rank), memory: loraMemory(shape, p.rank) }));
  const steps = rows
    .slice(1)
    .map((r, i) => ({ paper: r.paper.trainingGB - (rows[i]?.paper.trainingGB ?? 0), bytes: r.memory.optimizerBytes - (rows[i]?.memory.optimizerBytes ?? 0) }));
  const { unit, matched } = matchingUnit(steps);
  const unitText = `${unit === 'GB' ? '10^9' : '2^30'} bytes, ${matched ? "the unit in which the steps between ranks match the paper's" : "though no unit makes the steps between ranks match the paper's"}`;
  const scale = unit === 'GB' ? GB : GIB;
  const first = rows[0];
  return rows.map(({ paper, count, memory }, i) => {
    const scales = first !== undefined && paper.adapterMB / first.paper.adapterMB === count.total / first.count.total;
    const adapter = adapterNote(paper.adapterMB, memory.adapterFloat32Bytes, memory.adapterFloat16Bytes, scales);
    const residual = paper.trainingGB - memory.trainingBytes / scale;
    const previous = rows[i - 1];
    const paperStep = previous ? round2(paper.trainingGB - previous.paper.trainingGB) : null;
    const computedStep = previous ? (memory.optimizerBytes - previous.memory.optimizerBytes) / scale : null;
    const stepText =
      previous && paperStep !== null && computedStep !== null
        ? `; the step from rank ${previous.paper.rank} is ${fixed2(paperStep)} GB in the paper and ${fixed2(computedStep)} ${unit} computed, ${round2(computedStep) === paperStep ? 'matching' : 'not matching'} the optimizer-state growth of ${groupDigits(count.total - previous.count.total)} parameters x ${ADAM_BYTES_PER_PARAMETER} bytes`
        : '';
    const trainingNote =
      `Computed ${fixed2(memory.trainingBytes / scale)} ${unit} (${unitText}) = frozen float16 weights ${fixed2(memory.frozenBytes / scale)} ${unit} + ${fixed2(memory.optimizerBytes / scale)} ${unit} for ${groupDigits(count.total)} LoRA parameters x ${ADAM_BYTES_PER_PARAMETER} bytes (float32 weight, gradient, two Adam moments)` +
      `${stepText}; the remaining ${fixed2(residual)} ${unit} of the paper's ${paper.trainingGB} GB is activations at batch size 1, the CUDA context and the allocator's cache, which a parameter count cannot give.`;
    return {
      rank: paper.rank,
      trainable: count.total,
      paperAdapterMB: paper.adapterMB,
      adapterFloat32Bytes: memory.adapterFloat32Bytes,
      adapterFloat16Bytes: memory.adapterFloat16Bytes,
      adapterNearest: adapter.nearest,
      adapterNote: adapter.note,
      paperTrainingGB: paper.trainingGB,
      frozenBytes: memory.frozenBytes,
      optimizerBytes: memory.optimizerBytes,
      trainingBytes: memory.trainingBytes,
      unit,
      residual,
      paperStep,
      computedStep,
      trainingNote,
    };
  });
}

/** Whether the paper's LoRA rows apply: the shape counts as BLIP-2 OPT-2.7B does. */
export function isPaperModel(shape: Blip2Shape): boolean {
  const a = loraPerRank(shape);
  const b = loraPerRank(BLIP2_OPT_2_7B);
  return countParameters(shape).counted === countParameters(BLIP2_OPT_2_7B).counted && LORA_MODULES.every((m) => a[m] === b[m]);
}
