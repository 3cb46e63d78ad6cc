/**
 * The one dataset type every loader returns, and the image sources a sample points at.
 * Pure types: the seam between the format loaders, the synthetic generator, the image-pair
 * pipeline and the displays.
 */

/** Splits under one name across formats: CLEVR's "val", IER's "valid" and MagicBrush's "dev" are `validation`. */
export type Split = 'train' | 'validation' | 'test';
export const SPLITS: readonly Split[] = ['train', 'validation', 'test'];

/** Where one image's pixels come from. Nothing is decoded until the pipeline needs it. */
export type ImageSource =
  /** An encoded image file (PNG, JPEG, ...) inside the dataset folder; `path` is absolute. */
  | { kind: 'file'; path: string }
  /** An encoded image held in memory; `name` says where it came from in messages. */
  | { kind: 'bytes'; name: string; bytes: Uint8Array }
  /** One cell of a parquet image column (a struct with `bytes`), read when needed. */
  | { kind: 'parquet'; file: string; row: number; column: string }
  /** Decoded 8-bit RGB pixels, row-major, `width * height * 3` bytes (the synthetic generator's). */
  | { kind: 'raw'; name: string; width: number; height: number; data: Uint8Array };

/**
 * How the two images are made one: `stack` puts them on top of each other as they are (their
 * sizes must agree); `resize-before` first resizes the reference to the modified image's
 * size (bicubic), as the paper does for IER, Emu Edit and Syned.
 */
export type PairResize = 'stack' | 'resize-before';

/** One image pair and what changed between its halves. */
export interface IdcSample {
  /** Unique within the dataset; the key predictions and metrics join on. */
  id: string;
  /** The reference image (top of the stacked input). */
  before: ImageSource;
  /** The modified image (bottom). */
  after: ImageSource;
  /** Reference descriptions of the change, in the order the files give them (at least one). */
  references: string[];
  /** The change type, lower-case ("add", "color", "distractor", ...); "unknown" when the format has none. */
  category: string;
  split: Split;
  resize: PairResize;
}

export type DatasetFormat = 'clevr-change' | 'clevr-dc' | 'spot-the-diff' | 'ier' | 'emu-edit' | 'magicbrush' | 'syned' | 'synthetic';

export const FORMAT_LABELS: Record<DatasetFormat, string> = {
  'clevr-change': 'CLEVR-Change',
  'clevr-dc': 'CLEVR-DC',
  'spot-the-diff': 'Spot-the-Diff',
  ier: 'Image Editing Request (IER)',
  'emu-edit': 'Emu Edit',
  magicbrush: 'MagicBrush',
  syned: 'Syned',
  synthetic: 'synthetic scenes',
};

/** What a problem with the data is, and where: every message names the file and the field. */
export interface DataProblem {
  /** The file at fault, as a path the user can open. */
  file: string;
  /** Where in the file ("[12].sentences", "row 40, column image"), when it is one field. */
  field?: string;
  /** What was expected and what was found. */
  reason: string;
  /** The sample that was skipped because of it (or kept despite it, when `kept`), if one was. */
  sample?: string;
  /** A documented quirk of the released files: reported, the sample kept (ProblemLog.quirk). */
  kept?: boolean;
}

/**
 * Something a loader did to the files as released and counted, which is neither a problem nor
 * a skipped sample: entries merged into one pair, quirks of one kind. The summary shows them.
 */
export interface DataTally {
  /** What was counted, in words ("repeated img_id entries merged into their pairs"). */
  what: string;
  count: number;
}

/** `skip` (the default) skips the sample and reports it; `fail` stops at the first problem. */
export type ErrorPolicy = 'skip' | 'fail';
