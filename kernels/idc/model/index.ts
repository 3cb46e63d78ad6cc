/**
 * The model as cells see it (`idc.model`): the memory calculator and the sizes of the model.
 * Pure arithmetic only: the kernel process never loads TensorFlow.js; training and decoding
 * run in worker processes (idc.train).
 */
import { DEFAULT_CONFIG, type ModelConfig } from './config';
import { forwardFlops, trainingFlops } from './flops';
import { BLIP2_OPT_2_7B, memoryReportText, memoryRows, miniShape, type Blip2Shape, type MemoryRows } from './memory';
import { LORA_MODULES, type LoraModule } from './lora';
import type { MimeBundle } from '../../outputs/mime';
import { MIME_BUNDLE, type RichOutput } from '../../outputs/richOutput';
import { checkOptions, type OptionKeys } from '../../platform/options';

export { DEFAULT_CONFIG, BLIP2_OPT_2_7B, forwardFlops, trainingFlops, type ModelConfig, type Blip2Shape, type MemoryRows, type LoraModule };

export interface MemoryOptions {
  /** `blip2-opt-2.7b` (the paper's model, the default), `mini` (ours, default sizes), or a config. */
  model?: 'blip2-opt-2.7b' | 'mini' | ModelConfig;
  ranks?: number[];
  targets?: LoraModule[];
}

const MEMORY_OPTIONS: OptionKeys<MemoryOptions> = { model: true, ranks: true, targets: true };

/** The calculation's rows, shown as the report's text table. */
export class MemoryReport implements RichOutput {
  constructor(
    readonly rows: MemoryRows,
    private readonly text: string,
  ) {}

  [MIME_BUNDLE](): MimeBundle {
    return { 'text/plain': this.text };
  }
}

/**
 * Parameters per module, model size per dtype, training memory with Adam, LoRA trainable
 * parameters and adapter sizes per rank; for BLIP-2 OPT-2.7B beside the paper's table.
 */
export function memory(options: MemoryOptions = {}): MemoryReport {
  checkOptions('idc.model.memory', options, MEMORY_OPTIONS);
  const model = options.model ?? 'blip2-opt-2.7b';
  let shape: Blip2Shape;
  if (model === 'blip2-opt-2.7b') shape = BLIP2_OPT_2_7B;
  else if (model === 'mini') shape = miniShape({ ...DEFAULT_CONFIG, vocabSize: 200 });
  else if (typeof model === 'object' && model !== null) shape = miniShape(model);
  else throw new RangeError(`idc.model.memory: model: expected "blip2-opt-2.7b", "mini" or a model config, found ${JSON.stringify(model)}`);
  const ranks = options.ranks ?? [8, 16, 32];
  const targets = options.targets ?? [...LORA_MODULES];
  return new MemoryReport(memoryRows(shape, ranks, targets), memoryReportText(shape, ranks, targets));
}
