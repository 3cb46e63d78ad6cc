/**
 * Edit-style sentences for the text-only steps of pretraining: the references of synthetic
 * edit pairs (EMU-style and CLEVR-style categories), so the decoder knows the words and the
 * phrasing LoRA will need before it ever sees a pair.
 */
import { generateSynthetic } from '../data/synthetic/generate';

export function editSentences(seed: number): string[] {
  return ['emu', 'clevr'].flatMap((categories) =>
    generateSynthetic({ pairs: 2400, size: 32, seed, categories: categories as 'emu' | 'clevr' }).samples.flatMap((s) => s.references),
  );
}
