/**
 * `idc.data.open(folder)`: finds which published layout a folder holds (or reads the one
 * forced by `{format}`), reads its index files, then checks that every image file named is
 * there and stays inside the folder. Problems skip the sample and are reported (or stop the
 * load under `{onError: 'fail'}`); the dataset says which format was detected and from what.
 */
import fs from 'node:fs';
import pLimit from 'p-limit';
import { Dataset } from './dataset';
import type { FormatOptions, FormatReader } from './formats/format';
import { FORMAT_READERS } from './formats/registry';
import { staysInside } from './paths';
import { DatasetError, ProblemLog } from './problems';
import { FORMAT_LABELS, type DataProblem, type DatasetFormat, type ErrorPolicy, type IdcSample } from './types';
import { checkOptions, type OptionKeys } from '../../platform/options';

export interface OpenOptions {
  /** Read the folder as this format instead of detecting it. */
  format?: DatasetFormat;
  /** `skip` (default): skip broken samples and report them; `fail`: stop at the first problem. */
  onError?: ErrorPolicy;
  /** Seed of the splits a format does not give (default 42, the paper's). */
  seed?: number;
  /** Syned: the Emu Edit folder with the test parquet (default: `emu_edit/` inside the Syned folder). */
  emuEdit?: string;
  /** Syned: strip quotes, drop empty and language-model references, strip echoed prompts (default false: as released). */
  cleanReferences?: boolean;
  /** Check that every image file exists (default true). */
  checkFiles?: boolean;
}

const OPEN_OPTIONS: OptionKeys<OpenOptions> = { format: true, onError: true, seed: true, emuEdit: true, cleanReferences: true, checkFiles: true };

function validate(folder: unknown, options: OpenOptions): void {
  if (typeof folder !== 'string' || folder === '') throw new TypeError(`idc.data.open: expected a folder path (string), found ${JSON.stringify(folder)}`);
  checkOptions('idc.data.open', options, OPEN_OPTIONS);
  if (options.format !== undefined && !FORMAT_READERS.some((r) => r.format === options.format)) {
    throw new TypeError(`idc.data.open: format: expected one of ${FORMAT_READERS.map((r) => r.format).join(', ')}, found ${JSON.stringify(options.format)}`);
  }
  if (options.onError !== undefined && options.onError !== 'skip' && options.onError !== 'fail')
    throw new TypeError(`idc.data.open: onError: expected "skip" or "fail", found ${JSON.stringify(options.onError)}`);
}

/** The readers that recognise the folder, with their evidence, in registry order. */
export async function detectFormats(folder: string): Promise<Array<{ reader: FormatReader; evidence: string }>> {
  const found: Array<{ reader: FormatReader; evidence: string }> = [];
  for (const reader of FORMAT_READERS) {
    const evidence = await reader.detect(folder);
    if (evidence !== undefined) found.push({ reader, evidence });
  }
  return found;
}

/**
 * Reports image files that are missing or are links leading out of the folder. The files are
 * checked concurrently but reported in sample order, so the messages (and the first one, which
 * stops a `fail` load) do not depend on which check finished first.
 */
async function checkImageFiles(root: string, samples: IdcSample[], problems: ProblemLog): Promise<IdcSample[]> {
  const limit = pLimit(32);
  const found = await Promise.all(
    samples.map((s) =>
      limit(async (): Promise<DataProblem | undefined> => {
        for (const source of [s.before, s.after]) {
          if (source.kind !== 'file') continue;
          try {
            await fs.promises.access(source.path, fs.constants.R_OK);
          } catch (error) {
            const code = (error as NodeJS.ErrnoException).code;
            return {
              file: source.path,
              reason: code === 'ENOENT' ? 'the image file is missing' : `cannot read the image file (${code ?? 'error'})`,
              sample: s.id,
            };
          }
          if (!(await staysInside(root, source.path))) {
            return { file: source.path, reason: `the image is a link to a file outside the dataset folder ${root}; refused`, sample: s.id };
          }
        }
        return undefined;
      }),
    ),
  );
  for (const problem of found) if (problem) problems.report(problem);
  const bad = found.map((p) => p !== undefined);
  return samples.filter((_, i) => !bad[i]);
}

export async function open(folder: string, options: OpenOptions = {}): Promise<Dataset> {
  validate(folder, options);
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(folder);
  } catch (error) {
    throw new DatasetError({ file: folder, reason: `expected a dataset folder, found nothing (${(error as NodeJS.ErrnoException).code ?? 'error'})` });
  }
  if (!stat.isDirectory()) throw new DatasetError({ file: folder, reason: 'expected a dataset folder, found a file' });

  let reader: FormatReader;
  let detectedFrom: string | undefined;
  const notes: string[] = [];
  if (options.format !== undefined) {
    reader = FORMAT_READERS.find((r) => r.format === options.format) as FormatReader;
    notes.push(`read as ${FORMAT_LABELS[reader.format]} (format forced)`);
  } else {
    const found = await detectFormats(folder);
    const first = found[0];
    if (!first) {
      const expected = FORMAT_READERS.map((r) => FORMAT_LABELS[r.format]).join(', ');
      throw new DatasetError({
        file: folder,
        reason: `expected the layout of a known dataset (${expected}; see datasets.md), found none; pass {format} to force one and see what is missing`,
      });
    }
    reader = first.reader;
    detectedFrom = first.evidence;
    const others = found.slice(1).map((f) => FORMAT_LABELS[f.reader.format]);
    notes.push(
      `detected ${FORMAT_LABELS[reader.format]} from ${first.evidence}${others.length ? `; it also looks like ${others.join(', ')} (pass {format} to choose)` : ''}`,
    );
  }

  const problems = new ProblemLog(options.onError ?? 'skip');
  const formatOptions: FormatOptions = { seed: options.seed ?? 42, cleanReferences: options.cleanReferences ?? false };
  if (options.emuEdit !== undefined) formatOptions.emuEdit = options.emuEdit;
  const loaded = await reader.load({ root: folder, problems, options: formatOptions });
  const samples = options.checkFiles === false ? loaded.samples : await checkImageFiles(folder, loaded.samples, problems);
  return new Dataset({
    format: reader.format,
    root: folder,
    samples,
    problems,
    notes: [...notes, ...loaded.notes],
    tallies: loaded.tallies ?? [],
    detectedFrom,
  });
}
