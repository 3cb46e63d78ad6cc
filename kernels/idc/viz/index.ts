/**
 * Looking inside the model from a cell (`idc.viz`). The maps are computed in a worker
 * process, like training: the kernel never loads TensorFlow.js.
 */
import path from 'node:path';
import { currentSignal } from '../../outputs/cellContext';
import { payloadJson, type AttentionPayload } from '../../outputs/contracts';
import { IDC_MIME, type MimeBundle } from '../../outputs/mime';
import { MIME_BUNDLE, type RichOutput } from '../../outputs/richOutput';
import { defaultBase } from '../model/blip2/files';
import type { BackendName } from '../backends/backend';
import type { DataSpec } from '../data/dataSpec';
import type { AttentionJob, AttentionRecord } from '../runs/jobs';
import { runJobs } from '../runs/workerPool';
import { checkOptions, type OptionKeys } from '../../platform/options';
import { DEFAULT_BACKEND, DEFAULT_SYNTHETIC } from '../defaults';

export interface AttentionOptions {
  /** The base model folder (default: the shipped media/base). */
  base?: string;
  /** A PEFT LoRA folder: a run's `adapter/`, or one PEFT saved (default: the base alone). */
  adapter?: string;
  /** The data (default: the embedded synthetic set). */
  data?: DataSpec;
  /** The pair's id (default: the first test pair). */
  id?: string;
  /** ViT layers and heads to include (default all). */
  layers?: number[];
  heads?: number[];
  backend?: BackendName;
}

const ATTENTION_OPTIONS: OptionKeys<AttentionOptions> = { base: true, adapter: true, data: true, id: true, layers: true, heads: true, backend: true };

export class AttentionOutput implements RichOutput {
  constructor(
    readonly payload: AttentionPayload,
    private readonly png: Uint8Array,
    private readonly text: string,
  ) {}

  [MIME_BUNDLE](): MimeBundle {
    return { [IDC_MIME.attention]: payloadJson(this.payload), 'image/png': this.png, 'text/plain': this.text };
  }
}

/**
 * Attention maps of one pair: ViT self-attention per layer and head (the CLS token set apart),
 * Q-Former cross-attention per query, and rollout, as an attention output.
 */
export async function attention(options: AttentionOptions = {}): Promise<AttentionOutput> {
  checkOptions('idc.viz.attention', options, ATTENTION_OPTIONS);
  const job: AttentionJob = {
    kind: 'attention',
    name: 'attention',
    base: path.resolve(options.base ?? defaultBase()),
    data: options.data ?? { synthetic: { ...DEFAULT_SYNTHETIC } },
    backend: options.backend ?? DEFAULT_BACKEND,
    ...(options.adapter !== undefined ? { adapter: path.resolve(options.adapter) } : {}),
    ...(options.id !== undefined ? { sampleId: options.id } : {}),
    ...(options.layers !== undefined ? { layers: options.layers } : {}),
    ...(options.heads !== undefined ? { heads: options.heads } : {}),
  };
  const [record] = (await runJobs([job], 1, currentSignal(), () => undefined)) as AttentionRecord[];
  if (!record) throw new Error('idc.viz.attention: the worker returned nothing');
  return new AttentionOutput(record.payload, new Uint8Array(Buffer.from(record.png, 'base64')), record.text);
}
