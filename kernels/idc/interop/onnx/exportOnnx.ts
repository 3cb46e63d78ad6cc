/**
 * A model (its adapter merged in) as the three ONNX graphs and `idc_onnx.json` of
 * onnxInterface.ts: in memory for the trainer's evaluation, or written to a folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Blip2Idc } from '../../model/blip2idc';
import type { ModelConfig } from '../../model/config';
import { inferenceWeights, mergeAdapterWeights } from '../../model/inferenceWeights';
import { readBaseConfig, readBaseWeights } from '../../model/baseFiles';
import { PEFT_CONFIG_FILE, readPeftAdapter, readRunAdapter } from '../peftAdapter';
import type { NamedArrays } from '../../model/parameters';
import { BOS, EOS, PAD, UNK, type WordTokenizer } from '../../model/tokenizer';
import { writeFileAtomic } from '../../../platform/atomicWrite';
import { decoderGraph, visionEncoderGraph } from './modelGraphs';
import { ONNX_FILES, ONNX_MANIFEST_FORMAT, type OnnxManifest } from './onnxInterface';

export interface OnnxGraphs {
  vision: Uint8Array;
  decoder: Uint8Array;
  decoderWithPast: Uint8Array;
  manifest: OnnxManifest;
}

export function onnxManifest(config: ModelConfig, tokenizer?: WordTokenizer, adapter?: OnnxManifest['adapter']): OnnxManifest {
  const { decoder } = config;
  return {
    format: ONNX_MANIFEST_FORMAT,
    version: 1,
    image: { ...config.image },
    queries: config.qformer.queries,
    decoder: { layers: decoder.layers, heads: decoder.heads, headDim: decoder.dim / decoder.heads, hidden: decoder.dim, maxTokens: decoder.maxTokens },
    vocabSize: config.vocabSize,
    special: { pad: PAD, bos: BOS, eos: EOS, unk: UNK },
    ...(tokenizer ? { vocabulary: [...tokenizer.vocabulary] } : {}),
    ...(adapter ? { adapter } : {}),
  };
}

/** The graphs from a config and weights (adapter already merged). */
export function graphsFromWeights(config: ModelConfig, weights: NamedArrays, manifest: OnnxManifest, source = 'the model'): OnnxGraphs {
  return {
    vision: visionEncoderGraph(config, weights, source),
    decoder: decoderGraph(config, weights, false, source),
    decoderWithPast: decoderGraph(config, weights, true, source),
    manifest,
  };
}

/** The model's graphs, its adapter (merged or not) included. */
export async function onnxGraphs(model: Blip2Idc, tokenizer?: WordTokenizer): Promise<OnnxGraphs> {
  const s = model.loraSettings;
  const adapter = s ? { rank: s.rank, alpha: s.alpha, modules: [...s.modules] } : undefined;
  return graphsFromWeights(model.config, await inferenceWeights(model), onnxManifest(model.config, tokenizer, adapter));
}

/** Writes the graphs and `idc_onnx.json` into `dir` (each file atomically); returns the files written. */
export async function exportOnnx(model: Blip2Idc, dir: string, tokenizer?: WordTokenizer): Promise<string[]> {
  return writeGraphs(await onnxGraphs(model, tokenizer), dir);
}

export interface ExportFromFilesOptions {
  /** The base model folder (config.json, tokenizer.json, model.safetensors). */
  base: string;
  /** An adapter merged in: a run's adapter.safetensors (rank, alpha and modules in its metadata) or a PEFT folder. */
  adapter?: string;
  /** The folder to write. */
  out: string;
}

/**
 * The export from files alone, as the kernel does it (`idc.interop.exportOnnx`): no
 * TensorFlow.js, the adapter merged in plain arrays.
 */
export async function exportOnnxFromFiles(options: ExportFromFilesOptions): Promise<{ files: string[]; manifest: OnnxManifest }> {
  const { config, tokenizer } = await readBaseConfig(options.base);
  let weights: NamedArrays = await readBaseWeights(options.base);
  let adapter: OnnxManifest['adapter'];
  if (options.adapter) {
    const peft = fs.existsSync(path.join(options.adapter, PEFT_CONFIG_FILE));
    const run = peft ? await readPeftAdapter(options.adapter, config.model) : await readRunAdapter(options.adapter);
    weights = mergeAdapterWeights(weights, run.tensors, run.settings, options.adapter);
    adapter = { rank: run.settings.rank, alpha: run.settings.alpha, modules: [...run.settings.modules] };
  }
  const manifest = onnxManifest(config.model, tokenizer, adapter);
  return { files: await writeGraphs(graphsFromWeights(config.model, weights, manifest, path.join(options.base, 'model.safetensors')), options.out), manifest };
}

async function writeGraphs(graphs: OnnxGraphs, dir: string): Promise<string[]> {
  await fs.promises.mkdir(dir, { recursive: true });
  const files: Array<[string, string | Uint8Array]> = [
    [ONNX_FILES.vision, graphs.vision],
    [ONNX_FILES.decoder, graphs.decoder],
    [ONNX_FILES.decoderWithPast, graphs.decoderWithPast],
    // the manifest last: a folder with a manifest has every graph
    [ONNX_FILES.manifest, `${JSON.stringify(graphs.manifest, null, 2)}\n`],
  ];
  for (const [name, data] of files) await writeFileAtomic(path.join(dir, name), data);
  return files.map(([name]) => path.join(dir, name));
}
