/**
 * The documented interface of an exported BLIP-2 (OPT) model: a folder with the model's own
 * `config.json` (what transformers reads; sizes and token ids come from it), its tokenizer
 * files, three graphs, and `idc_onnx.json` saying what was merged into the weights. A model
 * exported by another tool under these names and shapes runs here too
 * (`Blip2OnnxRunner.fromDirectory`).
 *
 *   vision_encoder.onnx            pixel_values [batch, 3, S, S] float32 (CLIP-normalised)
 *                                  -> prefix [batch, queries, hidden] (ViT, Q-Former, projection)
 *   decoder_model.onnx             prefix, input_ids [batch, tokens] int64,
 *                                  attention_mask [batch, queries + tokens] int64
 *                                  -> logits [batch, queries + tokens, vocab],
 *                                     present.{i}.key / .value [batch, heads, queries + tokens, head_dim]
 *   decoder_with_past_model.onnx   input_ids [batch, tokens], attention_mask [batch, past + tokens],
 *                                  past.{i}.key / .value [batch, heads, past, head_dim]
 *                                  -> logits [batch, tokens, vocab], present.{i}.* [batch, heads, past + tokens, head_dim]
 *
 * The attention mask covers every position so far, the prefix's included (ones), as
 * transformers' generate passes it; OPT's positions come from it in the graph.
 */
import { expectObject, JsonFileError } from '../../../platform/jsonFile';

export const ONNX_FILES = {
  vision: 'vision_encoder.onnx',
  decoder: 'decoder_model.onnx',
  decoderWithPast: 'decoder_with_past_model.onnx',
  manifest: 'idc_onnx.json',
} as const;

export const ONNX_NAMES = {
  pixelValues: 'pixel_values',
  prefix: 'prefix',
  inputIds: 'input_ids',
  attentionMask: 'attention_mask',
  logits: 'logits',
  pastKey: (i: number) => `past.${i}.key`,
  pastValue: (i: number) => `past.${i}.value`,
  presentKey: (i: number) => `present.${i}.key`,
  presentValue: (i: number) => `present.${i}.value`,
} as const;

export const ONNX_MANIFEST_FORMAT = 'idc-lab-onnx';

/** `idc_onnx.json`: the interface version and, for the record, the adapter merged into the weights. */
export interface OnnxManifest {
  format: typeof ONNX_MANIFEST_FORMAT;
  version: 2;
  /** PEFT's fields of the merged adapter. */
  adapter?: { r: number; lora_alpha: number; target_modules: string | string[] };
}

/** Checks a parsed `idc_onnx.json`, naming the file and the first bad field. */
export function validateManifest(json: unknown, file: string): OnnxManifest {
  const j = expectObject(json, file, '');
  if (j.format !== ONNX_MANIFEST_FORMAT) throw new JsonFileError(file, 'format', `expected "${ONNX_MANIFEST_FORMAT}", found ${JSON.stringify(j.format)}`);
  if (j.version !== 2)
    throw new JsonFileError(
      file,
      'version',
      `expected 2 (BLIP-2 graphs; version 1 was IDC Lab's earlier model, export again), found ${JSON.stringify(j.version)}`,
    );
  const manifest: OnnxManifest = { format: ONNX_MANIFEST_FORMAT, version: 2 };
  if (j.adapter !== undefined) {
    const a = expectObject(j.adapter, file, 'adapter');
    if (typeof a.r !== 'number' || !Number.isInteger(a.r) || a.r <= 0)
      throw new JsonFileError(file, 'adapter.r', `expected a positive integer, found ${JSON.stringify(a.r)}`);
    if (typeof a.lora_alpha !== 'number' || !(a.lora_alpha > 0))
      throw new JsonFileError(file, 'adapter.lora_alpha', `expected a positive number, found ${JSON.stringify(a.lora_alpha)}`);
    const t = a.target_modules;
    if (typeof t !== 'string' && !(Array.isArray(t) && t.every((m) => typeof m === 'string')))
      throw new JsonFileError(file, 'adapter.target_modules', `expected a pattern or a list of module names, found ${JSON.stringify(t)}`);
    manifest.adapter = { r: a.r, lora_alpha: a.lora_alpha, target_modules: t as string | string[] };
  }
  return manifest;
}
