/**
 * The position-seeded start of the mini base, on BLIP-2's architecture (the reasons are those of
 * model/seeding.ts and README, "Why the model starts position-seeded"). Every weight stays
 * learned; this only chooses where pretraining begins, in transformers' names and layout
 * (a Linear's weight [out, in]):
 * - the patch projection at 1 / sqrt(fan-in) (at 0.02 the image barely reaches the decoder) and
 *   the projections into the residual stream at 0.02 / sqrt(2 * layers), as GPT-2 starts;
 * - the ViT's patch positions as 2-D sine-cosine codes on the square grid (model/init.ts), the
 *   CLS token's position small and random;
 * - head 0 of the first ViT block as a correspondence head: its channels carry position only,
 *   its query reads the code, its key the code moved by half the rows (the same place in the
 *   other image), its value the next head's channels, and the projection subtracts them there,
 *   so the pair's difference is in the features from the first block on;
 * - each query token as the code of its own block of patches, and the Q-Former's first
 *   cross-attention near identity (query and key 2 x, value and output 1 x), so each query reads
 *   its region rather than the average of all patches.
 */
import { SeededRandom } from '../../platform/random';
import type { TensorMap } from '../../platform/safetensors';
import type { Blip2Config } from '../model/blip2/config';
import { initialTensors } from '../model/blip2/miniConfig';
import { OPT, QFORMER, VISION } from '../model/blip2/parameters';
import { gridPositions, normalValues, positionCodes, rowHarmonic } from '../model/init';

const ATTENTION_GAIN = 2;
const COUNTERPART_GAIN = 2.5;

/** Whether the seeded start applies: equal ViT and Q-Former widths and heads, per-head codes, whole blocks of patches per query. */
export function seedable(config: Blip2Config): boolean {
  const { vision: v, qformer: q } = config;
  const grid = v.imageSize / v.patchSize;
  const perHead = q.hiddenSize / q.numAttentionHeads;
  return (
    v.hiddenSize === q.hiddenSize &&
    v.numAttentionHeads === q.numAttentionHeads &&
    perHead % 4 === 0 &&
    grid % 2 === 0 &&
    (grid * grid) % config.numQueryTokens === 0
  );
}

/** The centre (row, column) of each query's block: consecutive runs of patches, row-major. */
export function queryCentres(grid: number, queries: number): Array<[number, number]> {
  const block = (grid * grid) / queries;
  const cells = gridPositions(grid, grid);
  return Array.from({ length: queries }, (_, q) => {
    const members = cells.slice(q * block, (q + 1) * block);
    return [members.reduce((a, m) => a + m[0], 0) / block, members.reduce((a, m) => a + m[1], 0) / block] as [number, number];
  });
}

/** gain * I + N(0, 0.02), [n, n] (symmetric in layout: the same as [out, in] or [in, out]). */
function nearIdentity(n: number, gain: number, rng: SeededRandom): Float32Array {
  const out = normalValues(n * n, 0.02, rng);
  for (let i = 0; i < n; i++) out[i * n + i] = (out[i * n + i] as number) + gain;
  return out;
}

export function seededTensors(config: Blip2Config, seed: number): TensorMap {
  const tensors = initialTensors(config, seed);
  const rng = new SeededRandom(seed + 1);
  const { vision: v, qformer: q, text: t } = config;
  const set = (name: string, data: Float32Array) => {
    const tensor = tensors.get(name);
    if (!tensor || tensor.data.length !== data.length) throw new Error(`seeded start: ${name}: expected ${tensor?.data.length} values, found ${data.length}`);
    tensors.set(name, { shape: tensor.shape, data });
  };
  const redraw = (name: string, std: number) => set(name, normalValues((tensors.get(name) as { data: Float32Array }).data.length, std, rng));

  const patchInputs = 3 * v.patchSize * v.patchSize;
  redraw(`${VISION}.embeddings.patch_embedding.weight`, 1 / Math.sqrt(patchInputs));
  const residual = (layers: number) => 0.02 / Math.sqrt(2 * layers);
  for (let i = 0; i < v.numHiddenLayers; i++)
    for (const n of ['self_attn.projection', 'mlp.fc2']) redraw(`${VISION}.encoder.layers.${i}.${n}.weight`, residual(v.numHiddenLayers));
  for (let i = 0; i < t.numHiddenLayers; i++)
    for (const n of ['self_attn.out_proj', 'fc2']) redraw(`${OPT}.layers.${i}.${n}.weight`, residual(t.numHiddenLayers));
  if (!seedable(config)) return tensors;

  const d = v.hiddenSize;
  const heads = v.numAttentionHeads;
  const h = d / heads;
  const grid = v.imageSize / v.patchSize;
  // positions: CLS (row 0) small and random, the patches' codes after it
  const codes = positionCodes(gridPositions(grid, grid), d, heads, grid, grid);
  const positions = new Float32Array((grid * grid + 1) * d);
  positions.set(normalValues(d, 0.02, rng), 0);
  positions.set(codes, d);
  set(`${VISION}.embeddings.position_embedding`, positions);

  // the correspondence head: channels 0 .. h-1 carry position only
  const patch = Float32Array.from((tensors.get(`${VISION}.embeddings.patch_embedding.weight`) as { data: Float32Array }).data);
  patch.fill(0, 0, h * patchInputs); // output channels 0 .. h-1 of [D, 3, p, p]
  set(`${VISION}.embeddings.patch_embedding.weight`, patch);
  const block0 = `${VISION}.encoder.layers.0`;
  const qkv = Float32Array.from((tensors.get(`${block0}.self_attn.qkv.weight`) as { data: Float32Array }).data); // [3D, D]
  for (let b = 0; b < h; b++) {
    // channel b of the code: group b >> 2; 0, 1 the row pair (moved by half the rows: (-1)^m), 2, 3 the column pair
    const sign = b % 4 < 2 && rowHarmonic(b >> 2, grid) % 2 === 1 ? -1 : 1;
    for (let a = 0; a < d; a++) {
      qkv[b * d + a] = a === b ? COUNTERPART_GAIN : 0; // query row b reads channel b
      qkv[(d + b) * d + a] = a === b ? COUNTERPART_GAIN * sign : 0; // key row D + b
      qkv[(2 * d + b) * d + a] = a === h + b ? 1 : 0; // value row 2D + b reads the next head's channel
    }
  }
  set(`${block0}.self_attn.qkv.weight`, qkv);
  const projection = Float32Array.from((tensors.get(`${block0}.self_attn.projection.weight`) as { data: Float32Array }).data); // [D, D]
  for (let a = 0; a < h; a++) for (let b = 0; b < d; b++) projection[b * d + a] = b === h + a ? -1 : 0; // input a writes -1 to output h + a
  set(`${block0}.self_attn.projection.weight`, projection);

  // queries read their own region through the first cross-attention
  set('query_tokens', positionCodes(queryCentres(grid, config.numQueryTokens), q.hiddenSize, q.numAttentionHeads, grid, grid));
  const cross = `${QFORMER}.encoder.layer.0.crossattention`;
  set(`${cross}.attention.query.weight`, nearIdentity(q.hiddenSize, ATTENTION_GAIN, rng));
  set(`${cross}.attention.key.weight`, nearIdentity(q.hiddenSize, ATTENTION_GAIN, rng));
  set(`${cross}.attention.value.weight`, nearIdentity(q.hiddenSize, 1, rng));
  set(`${cross}.output.dense.weight`, nearIdentity(q.hiddenSize, 1, rng));
  return tensors;
}
