/**
 * A BLIP-2 folder (an adapter merged in) as the ONNX folder of onnxInterface.ts, from files
 * alone, as the kernel does it (`idc.interop.exportOnnx`): no TensorFlow.js, the weights put in
 * the compute layout and the adapter merged in plain arrays. The model's config.json and
 * tokenizer files are copied beside the graphs, so the folder says everything a runtime needs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../../platform/atomicWrite';
import { CONFIG_FILE, readBlip2Folder } from '../../model/blip2/files';
import { mergeLoraAdapter, readLoraFolder } from '../../model/blip2/lora';
import { parameterShapes, toComputeLayout } from '../../model/blip2/parameters';
import { TOKENIZER_CONFIG_FILE, TOKENIZER_FILE } from '../../model/blip2/tokenizer';
import type { NamedArrays } from '../../model/parameters';
import { graphsOfWeights } from './blip2Onnx';
import { ONNX_FILES, ONNX_MANIFEST_FORMAT, type OnnxManifest } from './onnxInterface';

export interface ExportFromFilesOptions {
  /** The base model folder (a transformers BLIP-2 folder with its tokenizer). */
  base: string;
  /** A PEFT LoRA folder (a run's `adapter/`, or one PEFT saved), merged into the weights. */
  adapter?: string;
  /** The folder to write. */
  out: string;
}

/** The files of the base copied as they are, when present. */
const COPIED = [CONFIG_FILE, 'generation_config.json', TOKENIZER_FILE, TOKENIZER_CONFIG_FILE];

export async function exportOnnxFromFiles(options: ExportFromFilesOptions): Promise<{ files: string[]; manifest: OnnxManifest }> {
  const { config, tensors } = await readBlip2Folder(options.base);
  let weights: NamedArrays = new Map();
  for (const name of parameterShapes(config).keys()) weights.set(name, toComputeLayout(name, tensors.get(name) as { shape: number[]; data: Float32Array }));
  const manifest: OnnxManifest = { format: ONNX_MANIFEST_FORMAT, version: 2 };
  if (options.adapter) {
    const adapter = await readLoraFolder(options.adapter, config);
    weights = mergeLoraAdapter(config, weights, adapter);
    const t = adapter.config.targetModules;
    manifest.adapter = { r: adapter.config.r, lora_alpha: adapter.config.loraAlpha, target_modules: typeof t === 'string' ? t : [...t] };
  }
  const graphs = graphsOfWeights(config, weights);
  await fs.promises.mkdir(options.out, { recursive: true });
  const files: Array<[string, string | Uint8Array]> = [
    ...COPIED.filter((name) => fs.existsSync(path.join(options.base, name))).map(
      (name) => [name, fs.readFileSync(path.join(options.base, name))] as [string, Uint8Array],
    ),
    [ONNX_FILES.vision, graphs.vision],
    [ONNX_FILES.decoder, graphs.decoder],
    [ONNX_FILES.decoderWithPast, graphs.decoderWithPast],
    // the manifest last: a folder with a manifest has every graph
    [ONNX_FILES.manifest, `${JSON.stringify(manifest, null, 2)}\n`],
  ];
  for (const [name, data] of files) await writeFileAtomic(path.join(options.out, name), data);
  return { files: files.map(([name]) => path.join(options.out, name)), manifest };
}
