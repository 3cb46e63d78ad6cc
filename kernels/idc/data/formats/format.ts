/**
 * What a dataset-format reader is: how it recognises its layout in a folder, and how it
 * reads the folder into samples. Readers only read index files and name image sources; the
 * images themselves are checked and decoded later (open() and the image-pair pipeline).
 */
import type { ProblemLog } from '../problems';
import type { DataTally, DatasetFormat, IdcSample } from '../types';

export interface FormatContext {
  /** The dataset folder as the user gave it (messages use it, so paths look familiar). */
  root: string;
  problems: ProblemLog;
  /** Format-specific options (for example Syned's `emuEdit` folder), already type-checked. */
  options: FormatOptions;
}

export interface FormatOptions {
  /** Seed of the splits a format does not give (stratified by category). */
  seed: number;
  /** Syned: the Emu Edit folder whose test parquet holds the test images and categories. */
  emuEdit?: string;
  /** Syned: drop the released files' quirky references (quotes stripped, empty and language-model leftovers dropped). */
  cleanReferences: boolean;
}

export interface LoadedFormat {
  samples: IdcSample[];
  /** What the reader decided and the user should know (a split made up, files it fell back to). */
  notes: string[];
  /** What the reader counted of the released files' ways (merged entries, quirks by kind); the summary shows it. */
  tallies?: DataTally[];
}

export interface FormatReader {
  readonly format: DatasetFormat;
  /** The files that identify this layout in `root`, or undefined when it is not this format. */
  detect(root: string): Promise<string | undefined>;
  load(context: FormatContext): Promise<LoadedFormat>;
}
