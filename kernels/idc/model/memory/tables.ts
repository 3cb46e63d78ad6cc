/** The calculation as rows (for code) and as plain-text tables (the report's text output). */
import { LORA_PARTS as LORA_MODULES, type LoraPart as LoraModule } from '../blip2/lora';
import {
  ADAM_BYTES_PER_PARAMETER,
  countParameters,
  dtypeRows,
  loraMemory,
  loraParameters,
  MODULES,
  validateTargets,
  type DtypeRow,
  type ModuleName,
} from './counts';
import { compareWithPaper, isPaperModel, PAPER_DTYPE_ROWS, type PaperComparison } from './paper';
import { fail, type Blip2Shape } from './shapes';
import { fixed2, GB, GIB, groupDigits, MB, MIB } from './units';

export interface ParameterRow {
  module: ModuleName | 'total' | 'tied output again' | 'counted by accelerate';
  /** '' on a module's own row, the part's name on its breakdown rows. */
  part: string;
  count: number;
  parameters: number;
  /** Of the distinct total. */
  share: number;
}

export interface LoraRow {
  rank: number;
  vit: number;
  qformer: number;
  llm: number;
  trainable: number;
  share: number;
  adapterFloat32Bytes: number;
  adapterFloat16Bytes: number;
  trainingBytes: number;
}

export interface MemoryRows {
  shape: string;
  targets: LoraModule[];
  parameters: ParameterRow[];
  dtypes: DtypeRow[];
  lora: LoraRow[];
  /** Only for a shape that counts as BLIP-2 OPT-2.7B, with all three targets. */
  paper: PaperComparison[] | null;
}

export function parameterRows(shape: Blip2Shape): ParameterRow[] {
  const counts = countParameters(shape);
  const share = (n: number): number => n / counts.total;
  const rows: ParameterRow[] = [];
  for (const m of MODULES) {
    const mod = counts.modules[m];
    rows.push({ module: m, part: '', count: 1, parameters: mod.parameters, share: share(mod.parameters) });
    for (const p of mod.parts) rows.push({ module: m, part: p.name, count: p.count, parameters: p.parameters, share: share(p.parameters) });
  }
  rows.push({ module: 'total', part: '', count: 1, parameters: counts.total, share: 1 });
  if (counts.counted !== counts.total) {
    rows.push({ module: 'tied output again', part: '', count: 1, parameters: counts.counted - counts.total, share: share(counts.counted - counts.total) });
    rows.push({ module: 'counted by accelerate', part: '', count: 1, parameters: counts.counted, share: share(counts.counted) });
  }
  return rows;
}

export function memoryRows(shape: Blip2Shape, ranks: readonly number[] = [8, 16, 32], targets: readonly LoraModule[] = LORA_MODULES): MemoryRows {
  if (!Array.isArray(ranks)) fail('ranks', 'a list of positive integers', ranks);
  ranks.forEach((r, i) => {
    if (typeof r !== 'number' || !Number.isInteger(r) || r <= 0) fail(`ranks[${i}]`, 'a positive integer', r);
  });
  const chosen = validateTargets(targets);
  const lora = ranks.map((rank): LoraRow => {
    const c = loraParameters(shape, rank, chosen);
    const m = loraMemory(shape, rank, chosen);
    return {
      rank,
      vit: c.vit,
      qformer: c.qformer,
      llm: c.llm,
      trainable: c.total,
      share: c.share,
      adapterFloat32Bytes: m.adapterFloat32Bytes,
      adapterFloat16Bytes: m.adapterFloat16Bytes,
      trainingBytes: m.trainingBytes,
    };
  });
  const paper = isPaperModel(shape) && chosen.length === LORA_MODULES.length ? compareWithPaper(shape) : null;
  return { shape: shape.name, targets: chosen, parameters: parameterRows(shape), dtypes: dtypeRows(shape), lora, paper };
}

/** Columns padded to their widest cell; numbers right-aligned. */
function textTable(header: readonly string[], rows: readonly (readonly string[])[], right: readonly boolean[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => (right[c] ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const percent = (x: number, digits = 2): string => `${(100 * x).toFixed(digits)}%`;
const megabytes = (bytes: number): string => `${fixed2(bytes / MB)} MB (${fixed2(bytes / MIB)} MiB)`;
const gigabytes = (bytes: number): string => `${fixed2(bytes / GIB)} GiB (${fixed2(bytes / GB)} GB)`;

/** The whole calculation as plain text: parameters, dtype sizes, LoRA per rank and, for BLIP-2 OPT-2.7B, the paper's rows. */
export function memoryReportText(shape: Blip2Shape, ranks: readonly number[] = [8, 16, 32], targets: readonly LoraModule[] = LORA_MODULES): string {
  const rows = memoryRows(shape, ranks, targets);
  const paperDtype = rows.paper ? new Map(PAPER_DTYPE_ROWS.map((p) => [p.dtype, p])) : null;
  const sections = [
    `Memory of ${rows.shape}`,
    'Parameters\n' +
      textTable(
        ['module', 'part', 'count', 'parameters', 'share'],
        rows.parameters.map((r) => [
          r.part ? '' : r.module,
          r.part,
          r.part && r.count > 1 ? `${r.count} x ${groupDigits(r.parameters / r.count)}` : '',
          groupDigits(r.parameters),
          percent(r.share),
        ]),
        [false, false, true, true, true],
      ),
    "Model size per dtype (accelerate's estimator: GiB written GB; training using Adam = 4 x the model)\n" +
      textTable(
        ['dtype', 'model size', 'training using Adam', ...(paperDtype ? ['paper'] : [])],
        rows.dtypes.map((d) => {
          const p = paperDtype?.get(d.dtype);
          return [d.dtype, d.modelSize, d.trainingSize, ...(p ? [`${p.modelSize} / ${p.trainingSize}`] : [])];
        }),
        [false, true, true, true],
      ),
    `LoRA on ${rows.targets.join(', ')} (float16 base frozen; training = frozen weights + trainable parameters x ${ADAM_BYTES_PER_PARAMETER} bytes, activations not included)\n` +
      textTable(
        ['rank', 'vit', 'qformer', 'llm', 'trainable', 'share', 'adapter float32', 'adapter float16', 'training'],
        rows.lora.map((l) => [
          String(l.rank),
          groupDigits(l.vit),
          groupDigits(l.qformer),
          groupDigits(l.llm),
          groupDigits(l.trainable),
          percent(l.share, 3),
          megabytes(l.adapterFloat32Bytes),
          megabytes(l.adapterFloat16Bytes),
          gigabytes(l.trainingBytes),
        ]),
        [true, true, true, true, true, true, true, true, true],
      ),
  ];
  if (rows.paper) {
    sections.push(
      'Compared with the paper (supplementary Table 4, LoRA rows)\n' +
        textTable(
          ['rank', 'adapter paper', 'adapter float32', 'training paper', 'training computed', 'residual'],
          rows.paper.map((p) => {
            const scale = p.unit === 'GB' ? GB : GIB;
            return [
              String(p.rank),
              `${p.paperAdapterMB} MB`,
              megabytes(p.adapterFloat32Bytes),
              `${p.paperTrainingGB} GB`,
              `${fixed2(p.trainingBytes / scale)} ${p.unit}`,
              `${fixed2(p.residual)} ${p.unit}`,
            ];
          }),
          [true, true, true, true, true, true],
        ) +
        '\n\n' +
        rows.paper.map((p) => `rank ${p.rank}, adapter: ${p.adapterNote}\nrank ${p.rank}, training: ${p.trainingNote}`).join('\n'),
    );
  }
  return `${sections.join('\n\n')}\n`;
}
