/**
 * The words shown under a pair: scores as "CIDEr 0.83", where the pair comes from, and safe
 * file names for its saved images. Pure, so the tests can pin them down exactly.
 */
import type { ImagePairItem } from '../../kernels/outputs/contracts';

/** At most three decimals, without trailing zeros: 0.8304 -> "0.83", 12 -> "12". */
export function formatScore(value: number): string {
  return String(Number(value.toFixed(3)));
}

/** One text per score, in the payload's order: ["CIDEr 0.83", "BLEU-4 0.412"]. */
export function scoreTexts(scores: Record<string, number> | undefined): string[] {
  return scores ? Object.entries(scores).map(([name, v]) => `${name} ${formatScore(v)}`) : [];
}

/** "category: color · split: test", or null when the pair says neither. */
export function originText(pair: Pick<ImagePairItem, 'category' | 'split'>): string | null {
  const parts: string[] = [];
  if (pair.category !== undefined) parts.push(`category: ${pair.category}`);
  if (pair.split !== undefined) parts.push(`split: ${pair.split}`);
  return parts.length ? parts.join(' · ') : null;
}

/**
 * A download name from a pair id: ids come from datasets and may hold path separators or
 * characters file systems refuse, so only a safe subset is kept.
 */
export function fileName(id: string, what: string): string {
  const stem =
    id
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .replace(/^[._]+/, '')
      .slice(0, 80) || 'pair';
  return `${stem}-${what}.png`;
}
