/**
 * Scoring raw captions as the COCO toolkit does: tokenize the references in one call and the
 * candidates in another, then BLEU-1..4, ROUGE-L and CIDEr-D. In `strict` mode (not the
 * default) stray line breaks are read as spaces instead of shifting captions, and the result
 * says which captions had them.
 */
import type { CaptionSet } from './inputs';
import { tokenizeCaptions, type TokenizeMode } from './ptbTokenizer';
import { scoreTokenized, type SetScores } from './scoreTokenized';
import type { CiderOptions } from './cider';
import type { TokenizedSet } from './types';
import { checkOptions, type OptionKeys } from '../../platform/options';

export interface ScoreOptions {
  mode?: TokenizeMode;
  cider?: CiderOptions;
}

export interface TokenizedCaptions {
  set: TokenizedSet;
  /** Messages about input the toolkit would mishandle (line breaks inside captions). */
  warnings: string[];
}

export function tokenizeSet(set: CaptionSet, mode: TokenizeMode = 'compat'): TokenizedCaptions {
  const flat = set.refs.flat();
  const refs = tokenizeCaptions(flat, mode);
  const cands = tokenizeCaptions(set.cands, mode);
  const owner = set.refs.flatMap((list, i) => list.map(() => i));
  const grouped: string[][] = set.refs.map(() => []);
  refs.captions.forEach((caption, k) => grouped[owner[k] as number]?.push(caption));
  const warnings: string[] = [];
  const describe = (images: number[], side: string) => {
    if (images.length === 0) return;
    const ids = [...new Set(images)].map((i) => JSON.stringify(set.ids[i]));
    warnings.push(
      mode === 'compat'
        ? `${side} of ${ids.length} image(s) (${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', ...' : ''}) contain \\r, U+2028, U+2029, \\v or \\f: as in the COCO toolkit, they start new lines and shift the captions after them onto the wrong images. Use mode 'strict' to read them as spaces.`
        : `${side} of ${ids.length} image(s) (${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', ...' : ''}) contained line breaks, read as spaces (strict mode).`,
    );
  };
  describe(
    refs.lineBreaks.map((k) => owner[k] as number),
    'references',
  );
  describe(cands.lineBreaks, 'candidates');
  return { set: { ids: set.ids, refs: grouped, cands: cands.captions }, warnings };
}

export interface CaptionScores extends SetScores {
  warnings: string[];
  tokenized: TokenizedSet;
}

const SCORE_OPTIONS: OptionKeys<ScoreOptions> = { mode: true, cider: true };

export function scoreCaptions(set: CaptionSet, options: ScoreOptions = {}): CaptionScores {
  checkOptions('idc.metrics.scoreCaptions', options, SCORE_OPTIONS);
  const { set: tokenized, warnings } = tokenizeSet(set, options.mode ?? 'compat');
  return { ...scoreTokenized(tokenized, options.cider ? { cider: options.cider } : {}), warnings, tokenized };
}
