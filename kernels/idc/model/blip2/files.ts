/**
 * A transformers BLIP-2 folder as `from_pretrained` reads it: `config.json`, and the weights in
 * `model.safetensors` or in the shards `model.safetensors.index.json` lists (float32, float16 or
 * bfloat16, all read into float32). Every tensor is checked against the config: a missing,
 * foreign or mis-shaped one is refused naming its file, its name and the shape expected.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expectObject, JsonFileError, readJsonFile } from '../../../platform/jsonFile';
import { readSafetensors, type NamedTensor, type TensorMap } from '../../../platform/safetensors';
import { parseBlip2Config, type Blip2Config } from './config';
import { LM_HEAD, parameterShapes, VISION } from './parameters';

export const CONFIG_FILE = 'config.json';
export const WEIGHTS_FILE = 'model.safetensors';
export const WEIGHTS_INDEX_FILE = 'model.safetensors.index.json';

export interface Blip2Folder {
  config: Blip2Config;
  /** transformers' names and layout; the head absent when tied. */
  tensors: TensorMap;
}

export class Blip2FolderError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'Blip2FolderError';
  }
}

const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/** The tensors by name, each with the file it came from (one file, or the shards of the index). */
async function readTensors(folder: string): Promise<Map<string, { tensor: NamedTensor; file: string }>> {
  const single = path.join(folder, WEIGHTS_FILE);
  const indexFile = path.join(folder, WEIGHTS_INDEX_FILE);
  const out = new Map<string, { tensor: NamedTensor; file: string }>();
  if (fs.existsSync(indexFile)) {
    const index = expectObject(await readJsonFile(indexFile), indexFile, '');
    const weightMap = expectObject(index.weight_map, indexFile, 'weight_map');
    const shards = new Map<string, string[]>();
    for (const [name, shard] of Object.entries(weightMap)) {
      // a shard is a file of this folder, never a path out of it
      if (typeof shard !== 'string' || shard === '' || shard !== path.basename(shard) || shard === '.' || shard === '..')
        throw new JsonFileError(indexFile, `weight_map[${JSON.stringify(name)}]`, `expected a file name in ${folder}, found ${JSON.stringify(shard)}`);
      shards.set(shard, [...(shards.get(shard) ?? []), name]);
    }
    for (const [shard, names] of shards) {
      const file = path.join(folder, shard);
      const { tensors } = await readSafetensors(file);
      for (const name of names) {
        const tensor = tensors.get(name);
        if (!tensor) throw new Blip2FolderError(file, `${name}: listed in ${WEIGHTS_INDEX_FILE}, found no such tensor in this shard`);
        out.set(name, { tensor, file });
      }
      for (const name of tensors.keys()) if (!weightMap[name]) throw new Blip2FolderError(file, `${name}: a tensor ${WEIGHTS_INDEX_FILE} does not list`);
    }
    return out;
  }
  if (!fs.existsSync(single))
    throw new Blip2FolderError(folder, `expected ${WEIGHTS_FILE} or ${WEIGHTS_INDEX_FILE} (a transformers BLIP-2 folder), found neither`);
  const { tensors } = await readSafetensors(single);
  for (const [name, tensor] of tensors) out.set(name, { tensor, file: single });
  return out;
}

/**
 * Checkpoints saved before transformers 4.35 keep the ViT's q and v biases apart
 * (`self_attn.q_bias`, `self_attn.v_bias`); the one Linear's bias is [q_bias | 0 | v_bias].
 */
function joinQkvBiases(read: Map<string, { tensor: NamedTensor; file: string }>): void {
  for (const name of [...read.keys()]) {
    const m = /^(.*\.self_attn)\.q_bias$/.exec(name);
    if (!m || !name.startsWith(VISION)) continue;
    const q = read.get(name);
    const v = read.get(`${m[1]}.v_bias`);
    if (!q || !v) continue;
    const d = q.tensor.data.length;
    const data = new Float32Array(3 * d);
    data.set(q.tensor.data, 0);
    data.set(v.tensor.data, 2 * d);
    read.delete(name);
    read.delete(`${m[1]}.v_bias`);
    read.set(`${m[1]}.qkv.bias`, { tensor: { shape: [3 * d], data }, file: q.file });
  }
}

export async function readBlip2Folder(folder: string): Promise<Blip2Folder> {
  const configFile = path.join(folder, CONFIG_FILE);
  const config = parseBlip2Config(await readJsonFile(configFile), configFile);
  const read = await readTensors(folder);
  joinQkvBiases(read);
  const expected = parameterShapes(config);
  const tensors: TensorMap = new Map();
  for (const [name, shape] of expected) {
    const found = read.get(name);
    if (!found) throw new Blip2FolderError(folder, `${name}: expected a tensor of shape ${shapeText(shape)} (${WEIGHTS_FILE} or its shards), found none`);
    if (found.tensor.shape.join('x') !== shape.join('x'))
      throw new Blip2FolderError(found.file, `${name}: expected shape ${shapeText(shape)}, found ${shapeText(found.tensor.shape)}`);
    tensors.set(name, found.tensor);
  }
  for (const [name, { file, tensor }] of read) {
    if (expected.has(name)) continue;
    // a tied head saved anyway is the embedding again: transformers ties it and so do we
    if (name === LM_HEAD && config.text.tieWordEmbeddings && tensor.shape.join('x') === `${config.text.vocabSize}x${config.text.hiddenSize}`) continue;
    throw new Blip2FolderError(file, `${name}: not a tensor of Blip2ForConditionalGeneration (OPT) with this config.json`);
  }
  return { config, tensors };
}

/** The shipped base model (media/base), a mini BLIP-2 folder. */
export function defaultBase(): string {
  // beside the bundle (dist/ -> media/base) or in the source tree (kernels/idc/model/blip2 -> media/base)
  for (const candidate of [path.join(__dirname, '..', 'media', 'base'), path.join(__dirname, '..', '..', '..', '..', 'media', 'base')]) {
    if (fs.existsSync(path.join(candidate, CONFIG_FILE))) return candidate;
  }
  return path.resolve('media', 'base');
}
