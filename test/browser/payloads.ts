/**
 * Outputs for the browser tests and the renderer bench, made by the kernel's own builders:
 * a page of synthetic pairs through the dataset's pair view, attention maps through the
 * attention builder (softmax rows over a real stacked pair), and every label able to carry
 * an injection attempt.
 */
import type { AttentionPayload, ImagePairPayload } from '../../kernels/outputs/contracts';
import { attentionPayload } from '../../kernels/idc/display/attention';
import { synthetic } from '../../kernels/idc/data/synthetic/syntheticDataset';
import { SeededRandom } from '../../kernels/platform/random';

export const XSS = '<img src=x onerror="window.__xss = 1; alert(1)">';

/** `count` synthetic pairs (64 px), with a prediction and a CIDEr score per pair; `inject` puts XSS in the first prediction. */
export async function imagePairs(count: number, inject = true): Promise<ImagePairPayload> {
  const ds = synthetic({ pairs: Math.max(count, 16), size: 64, seed: 7 });
  const ids = ds.samples.slice(0, count).map((s) => s.id);
  const predictions = Object.fromEntries(ids.map((id, i) => [id, i === 0 && inject ? XSS : `the ${i % 2 ? 'cube' : 'sphere'} changed`]));
  const scores = Object.fromEntries(ids.map((id, i) => [id, { CIDEr: Number((((i * 37) % 100) / 50).toFixed(3)) }]));
  const pairs = await ds.pairs({ take: count, predictions, scores });
  return pairs.payload;
}

/** Softmax rows of seeded random scores, sharpened so heads look somewhere. */
function softmaxRows(rows: number, columns: number, rng: SeededRandom): number[][] {
  return Array.from({ length: rows }, () => {
    const e = Array.from({ length: columns }, () => Math.exp(6 * rng.float() ** 3));
    const total = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / total);
  });
}

/** A `layers` x `heads` attention output over a synthetic stacked pair cut into a rows x columns patch grid. */
export async function attention(layers: number, heads: number, grid = { rows: 8, columns: 4, patch: 16 }, caption = XSS): Promise<AttentionPayload> {
  const width = grid.columns * grid.patch;
  const height = grid.rows * grid.patch;
  const ds = synthetic({ pairs: 16, size: width, seed: 3 });
  const sample = ds.samples[0];
  if (!sample) throw new Error('no synthetic sample');
  const pairs = await ds.pairs({ take: 1, maxSide: width });
  const item = pairs.payload.pairs[0];
  if (!item) throw new Error('no pair');
  // the stacked pair as the model sees it: reference on top, edit below
  const sharp = (await import('sharp')).default;
  const top = await sharp(Buffer.from(item.before.data, 'base64'))
    .resize(width, height / 2, { fit: 'fill' })
    .removeAlpha()
    .raw()
    .toBuffer();
  const bottom = await sharp(Buffer.from(item.after.data, 'base64'))
    .resize(width, height / 2, { fit: 'fill' })
    .removeAlpha()
    .raw()
    .toBuffer();
  const image = { width, height, data: new Uint8Array(Buffer.concat([top, bottom])) };
  const n = grid.rows * grid.columns;
  const rng = new SeededRandom(11);
  const vit = Array.from({ length: layers }, () => Array.from({ length: heads }, () => softmaxRows(n, n, rng)));
  const cross = [Array.from({ length: heads }, () => softmaxRows(8, n, rng))];
  return attentionPayload({ title: `Attention on ${sample.id}`, image, grid, caption, vit, cross, rollout: softmaxRows(n, n, rng) });
}
