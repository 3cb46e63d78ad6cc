/**
 * `idc.data.synthetic(...)`: the generated pairs as a Dataset like any loaded one, plus what
 * only generated data has: the unedited scenes with their own captions, and a writer that
 * puts the pairs on disk in the Syned layout (read back by `idc.data.open`).
 */
import { Dataset } from '../dataset';
import type { Split } from '../types';
import { writeSynedLayout } from '../writeSyned';
import { generateSynthetic, type SceneCaption, type SyntheticData, type SyntheticOptions } from './generate';

export class SyntheticDataset extends Dataset {
  constructor(readonly generated: SyntheticData) {
    const o = generated.options;
    const f = o.fractions;
    const total = f.train + f.validation + f.test;
    const percent = (x: number) => Math.round((100 * x) / total);
    super({
      format: 'synthetic',
      samples: generated.samples,
      notes: [
        `generated ${generated.samples.length} pairs from ${generated.originals.length} ${o.sceneKind === 'clevr' ? 'CLEVR-like ' : ''}scenes, ${o.size}x${o.size} pixels, seed ${o.seed}`,
        `each scene is edited once per category (${o.categories.join(', ')}); 5 references per pair`,
        `scenes split ${percent(f.train)}/${percent(f.validation)}/${percent(f.test)} (train/validation/test): all edits of a scene share its split`,
      ],
    });
  }

  /** The unedited scenes (the top images) with five captions each, for pretraining a captioner. */
  scenes(split?: Split): SceneCaption[] {
    return split === undefined ? [...this.generated.scenes] : this.generated.scenes.filter((s) => s.split === split);
  }

  /** Writes the pairs to `folder` (new or empty) in the Syned layout; returns the folder. */
  writeSyned(folder: string): Promise<string> {
    return writeSynedLayout(this.generated, folder);
  }
}

export function synthetic(options: SyntheticOptions = {}): SyntheticDataset {
  return new SyntheticDataset(generateSynthetic(options));
}
