/**
 * The documented interface of an exported model: three graphs, their input and output names,
 * and `idc_onnx.json` with the sizes and the vocabulary. A model exported by another tool
 * under these names and shapes runs here too (`OnnxCaptioner.fromDirectory`).
 *
 *   vision_encoder.onnx            patches [batch, patches, patch_values] float32
 *                                  -> prefix [batch, queries, hidden]
 *   decoder_model.onnx             prefix [batch, queries, hidden], input_ids [batch, tokens] int64
 *                                  -> logits [batch, tokens, vocab],
 *                                     present.{i}.key / .value [batch, heads, queries + tokens, head_dim]
 *   decoder_with_past_model.onnx   input_ids [batch, tokens] int64,
 *                                  past_key_values.{i}.key / .value [batch, heads, past, head_dim]
 *                                  -> logits [batch, tokens, vocab], present.{i}.* [batch, heads, past + tokens, head_dim]
 *
 * `patches`: the stacked pair (reference on top), CLIP-normalised RGB, cut into p x p patches
 * row-major over the grid, each flattened as (row, column, channel). The prefix is visible to
 * every position; tokens see the prefix and the tokens before them. `logits[:, t]` scores
 * the token after `input_ids[:, t]`.
 */

export const ONNX_FILES = {
  vision: 'vision_encoder.onnx',
  decoder: 'decoder_model.onnx',
  decoderWithPast: 'decoder_with_past_model.onnx',
  manifest: 'idc_onnx.json',
} as const;

export const ONNX_NAMES = {
  patches: 'patches',
  prefix: 'prefix',
  inputIds: 'input_ids',
  logits: 'logits',
  pastKey: (layer: number) => `past_key_values.${layer}.key`,
  pastValue: (layer: number) => `past_key_values.${layer}.value`,
  presentKey: (layer: number) => `present.${layer}.key`,
  presentValue: (layer: number) => `present.${layer}.value`,
} as const;

export const ONNX_MANIFEST_FORMAT = 'idc-lab-onnx';

/** `idc_onnx.json`: what a runtime needs besides the graphs. */
export interface OnnxManifest {
  format: typeof ONNX_MANIFEST_FORMAT;
  version: 1;
  image: { width: number; height: number; patch: number };
  /** Prefix length (Q-Former queries). */
  queries: number;
  decoder: { layers: number; heads: number; headDim: number; hidden: number; maxTokens: number };
  vocabSize: number;
  special: { pad: number; bos: number; eos: number; unk: number };
  /** Words by id (ids 0-3 are the special tokens), when the exporter had a tokenizer. */
  vocabulary?: string[];
  /** What was merged into the weights, for the record. */
  adapter?: { rank: number; alpha: number; modules: string[] };
}

function positiveInteger(value: unknown, file: string, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
    throw new Error(`${file}: ${field}: expected a positive integer, found ${JSON.stringify(value)}`);
  return value;
}

function nonNegativeInteger(value: unknown, file: string, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw new Error(`${file}: ${field}: expected a non-negative integer, found ${JSON.stringify(value)}`);
  return value;
}

function section(json: Record<string, unknown>, key: string, file: string): Record<string, unknown> {
  const v = json[key];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${file}: ${key}: expected an object, found ${JSON.stringify(v)}`);
  return v as Record<string, unknown>;
}

/** Checks a parsed `idc_onnx.json`, naming the file and the first bad field. */
export function validateManifest(json: unknown, file: string): OnnxManifest {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error(`${file}: expected a JSON object`);
  const j = json as Record<string, unknown>;
  if (j.format !== ONNX_MANIFEST_FORMAT) throw new Error(`${file}: format: expected "${ONNX_MANIFEST_FORMAT}", found ${JSON.stringify(j.format)}`);
  if (j.version !== 1) throw new Error(`${file}: version: expected 1, found ${JSON.stringify(j.version)}`);
  const image = section(j, 'image', file);
  const decoder = section(j, 'decoder', file);
  const special = section(j, 'special', file);
  const manifest: OnnxManifest = {
    format: ONNX_MANIFEST_FORMAT,
    version: 1,
    image: {
      width: positiveInteger(image.width, file, 'image.width'),
      height: positiveInteger(image.height, file, 'image.height'),
      patch: positiveInteger(image.patch, file, 'image.patch'),
    },
    queries: positiveInteger(j.queries, file, 'queries'),
    decoder: {
      layers: positiveInteger(decoder.layers, file, 'decoder.layers'),
      heads: positiveInteger(decoder.heads, file, 'decoder.heads'),
      headDim: positiveInteger(decoder.headDim, file, 'decoder.headDim'),
      hidden: positiveInteger(decoder.hidden, file, 'decoder.hidden'),
      maxTokens: positiveInteger(decoder.maxTokens, file, 'decoder.maxTokens'),
    },
    vocabSize: positiveInteger(j.vocabSize, file, 'vocabSize'),
    special: {
      pad: nonNegativeInteger(special.pad, file, 'special.pad'),
      bos: nonNegativeInteger(special.bos, file, 'special.bos'),
      eos: nonNegativeInteger(special.eos, file, 'special.eos'),
      unk: nonNegativeInteger(special.unk, file, 'special.unk'),
    },
  };
  if (j.vocabulary !== undefined) {
    if (!Array.isArray(j.vocabulary) || !j.vocabulary.every((w) => typeof w === 'string')) throw new Error(`${file}: vocabulary: expected a list of words`);
    if (j.vocabulary.length !== manifest.vocabSize)
      throw new Error(`${file}: vocabulary: expected ${manifest.vocabSize} words (vocabSize), found ${j.vocabulary.length}`);
    manifest.vocabulary = j.vocabulary as string[];
  }
  if (j.adapter !== undefined) {
    const a = section(j, 'adapter', file);
    if (!Array.isArray(a.modules) || !a.modules.every((m) => typeof m === 'string'))
      throw new Error(`${file}: adapter.modules: expected a list of module names, found ${JSON.stringify(a.modules)}`);
    if (typeof a.alpha !== 'number' || !(a.alpha > 0)) throw new Error(`${file}: adapter.alpha: expected a positive number, found ${JSON.stringify(a.alpha)}`);
    manifest.adapter = { rank: positiveInteger(a.rank, file, 'adapter.rank'), alpha: a.alpha, modules: a.modules as string[] };
  }
  for (const [name, id] of Object.entries(manifest.special)) {
    if (id >= manifest.vocabSize) throw new Error(`${file}: special.${name}: expected an id below vocabSize ${manifest.vocabSize}, found ${id}`);
  }
  const { width, height, patch } = manifest.image;
  if (width % patch !== 0 || height % patch !== 0) throw new Error(`${file}: image.patch: expected a divisor of ${width} and ${height}, found ${patch}`);
  return manifest;
}
