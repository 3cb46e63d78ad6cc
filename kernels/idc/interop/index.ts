/**
 * Moving results between IDC Lab and other tools (`idc.interop`): the model as ONNX graphs,
 * captions from an ONNX folder, and captions other tools wrote, scored against a dataset here.
 * (Models and adapters need no conversion: they are transformers and PEFT folders already.)
 * Files only: the kernel process never loads TensorFlow.js.
 */
import path from 'node:path';
import { defaultBase } from '../model/blip2/files';
import { exportOnnxFromFiles } from './onnx/exportOnnx';
import { captionWithOnnx, ONNX_CAPTION_OPTIONS, type OnnxCaptionOptions } from './onnx/onnxCaptions';
import type { Dataset } from '../data/dataset';
import type { OnnxManifest } from './onnx/onnxInterface';
import { checkOptions } from '../../platform/options';

export interface ExportOnnxOptions {
  /** The base model folder (default: the shipped base). */
  base?: string;
  /** A PEFT LoRA folder (a run's `adapter/`), merged into the weights. */
  adapter?: string;
  /** The folder to write the graphs and idc_onnx.json into. */
  out: string;
}

/** The model (adapter merged) as ONNX graphs under the documented names, with its config and tokenizer (interop/onnx/onnxInterface.ts). */
export async function exportOnnx(options: ExportOnnxOptions): Promise<{ files: string[]; manifest: OnnxManifest }> {
  checkOptions('idc.interop.exportOnnx', options, { base: true, adapter: true, out: true });
  if (typeof options?.out !== 'string' || options.out === '') throw new TypeError('idc.interop.exportOnnx: out: expected the folder to write, found none');
  return exportOnnxFromFiles({
    base: path.resolve(options.base ?? defaultBase()),
    ...(options.adapter ? { adapter: path.resolve(options.adapter) } : {}),
    out: path.resolve(options.out),
  });
}

export {
  evaluatePredictions as predictions,
  joinPredictions,
  parsePredictions,
  PredictionsEvaluation,
  type PredictionsOptions,
  type JoinedPredictions,
} from './predictions';
/**
 * Captions of a dataset's pairs (the test split by default) from an ONNX model folder, by
 * sample id; with `out`, also written as a COCO results file for `idc.interop.predictions`.
 */
export async function onnxCaptions(modelDir: string, dataset: Pick<Dataset, 'samples'>, options: OnnxCaptionOptions = {}): Promise<Record<string, string>> {
  checkOptions('idc.interop.onnxCaptions', options, ONNX_CAPTION_OPTIONS);
  return Object.fromEntries(await captionWithOnnx(path.resolve(modelDir), dataset, { ...options, ...(options.out ? { out: path.resolve(options.out) } : {}) }));
}

export { ONNX_FILES, ONNX_NAMES, type OnnxManifest } from './onnx/onnxInterface';
