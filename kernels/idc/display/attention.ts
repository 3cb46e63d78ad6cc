/**
 * Builders of the attention output: the payload (weights quantised to 8 bits with their
 * scale), a text fallback, and a PNG fallback made with sharp: one tile per chosen layer and
 * head, the stacked pair under a heatmap of where that head looks on average (the mean over
 * the patches that look), with a line where the bottom image starts.
 */
import sharp from 'sharp';
import { IDC_MIME, payloadJson, type AttentionPayload, type EncodedImage, type QuantisedMatrix } from '../../outputs/contracts';
import type { MimeBundle } from '../../outputs/mime';
import type { RawImage } from '../../platform/rawImage';

/** 8-bit quantisation of a non-negative matrix: scale = max / 255. */
export function quantise(matrix: readonly (readonly number[])[]): QuantisedMatrix {
  const rows = matrix.length;
  const columns = matrix[0]?.length ?? 0;
  let max = 0;
  for (const row of matrix) for (const v of row) max = Math.max(max, v);
  const scale = max > 0 ? max / 255 : 1;
  const bytes = new Uint8Array(rows * columns);
  matrix.forEach((row, i) => row.forEach((v, j) => (bytes[i * columns + j] = Math.max(0, Math.min(255, Math.round(v / scale))))));
  return { rows, columns, scale, data: Buffer.from(bytes).toString('base64') };
}

/** The values of a quantised matrix, row-major. */
export function dequantise(m: QuantisedMatrix): Float32Array {
  const bytes = Buffer.from(m.data, 'base64');
  if (bytes.length !== m.rows * m.columns)
    throw new RangeError(`attention weights: expected ${m.rows * m.columns} bytes for ${m.rows}x${m.columns}, found ${bytes.length}`);
  return Float32Array.from(bytes, (b) => b * m.scale);
}

export interface AttentionView {
  title: string;
  /** The stacked pair as the model sees it (RGB). */
  image: RawImage;
  grid: { rows: number; columns: number; patch: number };
  caption?: string;
  /** vit[layer][head]: patches x patches. */
  vit: number[][][][];
  /** cross[layer][head]: queries x patches. */
  cross?: number[][][][];
  /** The Q-Former layer of each entry of `cross` (default 0, 1, ...). */
  crossLayers?: readonly number[];
  /** The CLS token's maps, [layer][head][patch]: where it looks, and what each patch gives it. */
  cls?: { looksAt: number[][][]; given: number[][][] };
  rollout?: number[][];
  /** Which ViT layers and heads to include (default all). */
  layers?: readonly number[];
  heads?: readonly number[];
}

function pick(count: number, wanted: readonly number[] | undefined, what: string): number[] {
  const all = Array.from({ length: count }, (_, i) => i);
  if (!wanted) return all;
  for (const w of wanted)
    if (!Number.isInteger(w) || w < 0 || w >= count) throw new RangeError(`attention: ${what}: expected whole numbers from 0 to ${count - 1}, found ${w}`);
  return [...new Set(wanted)].sort((a, b) => a - b);
}

async function encodePng(image: RawImage): Promise<EncodedImage> {
  const bytes = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .png()
    .toBuffer();
  return { mime: 'image/png', width: image.width, height: image.height, data: bytes.toString('base64') };
}

export async function attentionPayload(view: AttentionView): Promise<AttentionPayload> {
  const { grid } = view;
  if (grid.rows * grid.patch !== view.image.height || grid.columns * grid.patch !== view.image.width) {
    throw new RangeError(
      `attention: the ${grid.rows}x${grid.columns} grid of ${grid.patch}-pixel patches does not cover the ${view.image.width}x${view.image.height} image`,
    );
  }
  const layers = pick(view.vit.length, view.layers, 'layers');
  const heads = pick(view.vit[0]?.length ?? 0, view.heads, 'heads');
  const payload: AttentionPayload = {
    v: 1,
    title: view.title,
    image: await encodePng(view.image),
    grid: { ...grid },
    boundaryRow: grid.rows / 2,
    layers: layers.map((layer) => ({
      layer,
      heads: heads.map((head) => ({ head, weights: quantise((view.vit[layer] as number[][][])[head] as number[][]) })),
    })),
    notes: ['weights quantised to 8 bits per matrix (value = byte x scale)'],
  };
  if (view.caption !== undefined) payload.caption = view.caption;
  if (view.cls) {
    const { looksAt, given } = view.cls;
    payload.cls = layers.map((layer) => ({
      layer,
      heads: heads.map((head) => ({
        head,
        looksAt: quantise([(looksAt[layer] as number[][])[head] as number[]]),
        given: quantise([(given[layer] as number[][])[head] as number[]]),
      })),
    }));
  }
  if (view.cross)
    payload.cross = view.cross.map((headsOf, i) => ({
      layer: view.crossLayers?.[i] ?? i,
      heads: headsOf.map((weights, head) => ({ head, weights: quantise(weights) })),
    }));
  if (view.rollout) payload.rollout = quantise(view.rollout);
  return payload;
}

/** Where a head looks on average: the mean of its rows, one value per patch. */
function meanOfRows(weights: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(columns);
  for (let i = 0; i < rows; i++) for (let j = 0; j < columns; j++) out[j] = (out[j] as number) + (weights[i * columns + j] as number) / rows;
  return out;
}

/** The image under a red-yellow heatmap of per-patch values (normalised to their maximum), with the boundary drawn. */
function overlay(image: RawImage, values: Float32Array, grid: AttentionPayload['grid'], scale: number): RawImage {
  const width = image.width * scale;
  const height = image.height * scale;
  const data = new Uint8Array(width * height * 3);
  const max = Math.max(...values, 1e-12);
  const boundary = (grid.rows / 2) * grid.patch * scale;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sx = Math.floor(x / scale);
      const sy = Math.floor(y / scale);
      const patch = Math.floor(sy / grid.patch) * grid.columns + Math.floor(sx / grid.patch);
      const a = 0.65 * ((values[patch] as number) / max);
      const o = (y * width + x) * 3;
      const i = (sy * image.width + sx) * 3;
      const heat = [255, 255 * Math.min(1, (values[patch] as number) / max), 0];
      for (let c = 0; c < 3; c++) data[o + c] = Math.round((1 - a) * 0.6 * (image.data[i + c] as number) + a * (heat[c] as number));
      if (Math.abs(y - boundary) < Math.max(1, scale / 2)) data.set([0, 200, 255], o);
    }
  }
  return { width, height, data };
}

/** The static fallback: a grid of tiles, rows the chosen layers, columns their heads (plus rollout). */
export async function attentionPng(payload: AttentionPayload, image: RawImage): Promise<Uint8Array> {
  const scale = Math.max(1, Math.round(128 / image.width)); // tiles about 128 px wide
  const gap = 4;
  const tileW = image.width * scale;
  const tileH = image.height * scale;
  const tiles: Array<{ tile: RawImage; row: number; column: number }> = [];
  payload.layers.forEach((layer, row) => {
    layer.heads.forEach(({ weights }, column) =>
      tiles.push({ tile: overlay(image, meanOfRows(dequantise(weights), weights.rows, weights.columns), payload.grid, scale), row, column }),
    );
  });
  if (payload.rollout) {
    const r = payload.rollout;
    tiles.push({ tile: overlay(image, meanOfRows(dequantise(r), r.rows, r.columns), payload.grid, scale), row: payload.layers.length, column: 0 });
  }
  const columns = Math.max(1, ...payload.layers.map((l) => l.heads.length));
  const rows = payload.layers.length + (payload.rollout ? 1 : 0);
  const width = gap + columns * (tileW + gap);
  const height = gap + Math.max(1, rows) * (tileH + gap);
  const bytes = await sharp({ create: { width, height, channels: 3, background: { r: 128, g: 128, b: 128 } } })
    .composite(
      tiles.map(({ tile, row, column }) => ({
        input: Buffer.from(tile.data.buffer, tile.data.byteOffset, tile.data.length),
        raw: { width: tile.width, height: tile.height, channels: 3 as const },
        left: gap + column * (tileW + gap),
        top: gap + row * (tileH + gap),
      })),
    )
    .png()
    .toBuffer();
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

export function attentionText(payload: AttentionPayload): string {
  const lines = [
    `${payload.title}: ${payload.grid.rows}x${payload.grid.columns} patches of ${payload.grid.patch} px, the bottom image from patch row ${payload.boundaryRow}`,
  ];
  if (payload.caption !== undefined) lines.push(`caption: ${payload.caption}`);
  lines.push(`ViT layers ${payload.layers.map((l) => l.layer).join(', ')}; heads ${payload.layers[0]?.heads.map((h) => h.head).join(', ') ?? '-'}`);
  for (const layer of payload.layers) {
    const shares = layer.heads.map(({ head, weights }) => {
      // the share of attention that crosses to the other image: heads that compare the halves
      const w = dequantise(weights);
      let crossing = 0;
      const half = (payload.grid.rows / 2) * payload.grid.columns;
      for (let i = 0; i < weights.rows; i++)
        for (let j = 0; j < weights.columns; j++) if (i < half !== j < half) crossing += w[i * weights.columns + j] as number;
      return `h${head} ${((100 * crossing) / weights.rows).toFixed(0)}%`;
    });
    lines.push(`  layer ${layer.layer}: attention to the other image ${shares.join(', ')}`);
    const cls = payload.cls?.find((c) => c.layer === layer.layer);
    if (cls) {
      // the mean weight a patch gives the CLS token, per head
      const given = cls.heads.map(({ head, given }) => {
        const g = dequantise(given);
        return `h${head} ${((100 * g.reduce((a, b) => a + b, 0)) / Math.max(1, g.length)).toFixed(0)}%`;
      });
      lines.push(`  layer ${layer.layer}: attention to CLS ${given.join(', ')}`);
    }
  }
  if (payload.cross) lines.push(`Q-Former cross-attention: ${payload.cross.length} layer(s), ${payload.cross[0]?.heads[0]?.weights.rows ?? 0} queries`);
  if (payload.rollout) lines.push('rollout across all ViT layers included');
  for (const n of payload.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}

export async function attentionBundle(payload: AttentionPayload, image: RawImage): Promise<MimeBundle> {
  return { [IDC_MIME.attention]: payloadJson(payload), 'image/png': await attentionPng(payload, image), 'text/plain': attentionText(payload) };
}
