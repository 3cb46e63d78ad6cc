/**
 * What Meteor receives for one image when the COCO toolkit (pycocoevalcap `meteor.py`) runs it:
 * one `SCORE ||| ref1 ||| ... ||| hyp` line, the hypothesis with `|||` removed and double spaces
 * made single first. Meteor splits the line on `|||` and trims each part, so a `|||` inside a
 * reference splits it in two, as it does in the toolkit.
 */
import { javaSplit, javaTrim } from './java';

export interface MeteorSegments {
  test: string;
  refs: string[];
}

export function toolkitSegments(refs: readonly string[], candidate: string): MeteorSegments {
  const hypothesis = candidate.replaceAll('|||', '').replaceAll('  ', ' ');
  const parts = javaSplit(['SCORE', refs.join(' ||| '), hypothesis].join(' ||| '), '|||');
  return { test: javaTrim(parts[parts.length - 1] as string), refs: parts.slice(1, -1).map(javaTrim) };
}
