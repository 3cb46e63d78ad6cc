/**
 * The sizes of BLIP2IDC-mini. The default trains on a 2-core CPU in minutes: the stacked
 * 64x128 pair in 16-pixel patches (4x8 = 32 tokens, rows 0-3 the reference, 4-7 the edit),
 * width 128 everywhere, 16 queries.
 */

export interface ModelConfig {
  image: { width: number; height: number; patch: number };
  vit: { dim: number; layers: number; heads: number; mlpRatio: number };
  qformer: { dim: number; layers: number; heads: number; queries: number; crossEvery: number; mlpRatio: number };
  decoder: { dim: number; layers: number; heads: number; mlpRatio: number; maxTokens: number };
  vocabSize: number;
}

export const DEFAULT_CONFIG: Omit<ModelConfig, 'vocabSize'> = {
  image: { width: 64, height: 128, patch: 16 },
  vit: { dim: 128, layers: 4, heads: 4, mlpRatio: 4 },
  qformer: { dim: 128, layers: 2, heads: 4, queries: 16, crossEvery: 2, mlpRatio: 4 },
  decoder: { dim: 128, layers: 3, heads: 4, mlpRatio: 4, maxTokens: 24 },
};

export function patchGrid(config: ModelConfig): { rows: number; columns: number; tokens: number; patchSize: number } {
  const { width, height, patch } = config.image;
  return { rows: height / patch, columns: width / patch, tokens: (height / patch) * (width / patch), patchSize: patch * patch * 3 };
}

function positive(value: unknown, field: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
    throw new RangeError(`model config: ${field}: expected a positive integer, found ${JSON.stringify(value)}`);
}

/** Checks a config (from code or from a config.json) and names the first bad field. */
export function validateConfig(config: ModelConfig): ModelConfig {
  for (const [section, fields] of [
    ['image', ['width', 'height', 'patch']],
    ['vit', ['dim', 'layers', 'heads', 'mlpRatio']],
    ['qformer', ['dim', 'layers', 'heads', 'queries', 'crossEvery', 'mlpRatio']],
    ['decoder', ['dim', 'layers', 'heads', 'mlpRatio', 'maxTokens']],
  ] as const) {
    const part = (config as unknown as Record<string, Record<string, unknown> | undefined>)[section];
    if (typeof part !== 'object' || part === null) throw new RangeError(`model config: ${section}: expected an object, found ${JSON.stringify(part)}`);
    for (const f of fields) positive(part[f], `${section}.${f}`);
  }
  positive(config.vocabSize, 'vocabSize');
  const { width, height, patch } = config.image;
  if (width % patch !== 0 || height % patch !== 0)
    throw new RangeError(`model config: image.patch: expected a divisor of the width ${width} and height ${height}, found ${patch}`);
  if (height % 2 !== 0 || (height / patch) % 2 !== 0)
    throw new RangeError(`model config: image.height: expected the two halves to fill whole patch rows, found height ${height} with patch ${patch}`);
  for (const part of ['vit', 'qformer', 'decoder'] as const) {
    if (config[part].dim % config[part].heads !== 0)
      throw new RangeError(`model config: ${part}.heads: expected a divisor of ${part}.dim ${config[part].dim}, found ${config[part].heads}`);
  }
  return config;
}
