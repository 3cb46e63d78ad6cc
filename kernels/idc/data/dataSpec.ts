/**
 * A dataset described so that a worker process can rebuild it: the synthetic generator's
 * options (it is deterministic), or a folder to open. Samples themselves (with their pixels)
 * never cross the process boundary.
 */
import type { Dataset } from './dataset';
import { open, type OpenOptions } from './open';
import { EMU_CATEGORIES } from './synthetic/edits';
import { generateSynthetic, type SyntheticOptions } from './synthetic/generate';
import type { IdcSample } from './types';

export type DataSpec = { synthetic: SyntheticOptions } | { folder: string; options?: OpenOptions };

export interface LoadedData {
  samples: IdcSample[];
  /** The category names the keyword classifier chooses among. */
  categories: string[];
  label: string;
}

export async function loadData(spec: DataSpec): Promise<LoadedData> {
  if ('synthetic' in spec) {
    const data = generateSynthetic(spec.synthetic);
    return { samples: data.samples, categories: data.options.categories, label: `synthetic (${data.samples.length} pairs, seed ${data.options.seed})` };
  }
  const dataset: Dataset = await open(spec.folder, spec.options);
  const categories = dataset.categories.filter((c) => c !== 'unknown');
  return { samples: [...dataset.samples], categories: categories.length > 0 ? categories : [...EMU_CATEGORIES], label: `${dataset.label} (${spec.folder})` };
}
