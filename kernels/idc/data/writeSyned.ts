/**
 * Writes generated pairs to disk in the Syned layout (datasets.md), so that the Syned reader
 * reads back the same samples: train and validation pairs as `augmented_dataset.json` (one
 * entry per reference: the reader joins entries of one pair) with `splits.json` over the
 * originals; test pairs as Syned's test files plus the Emu Edit test parquet that holds their
 * images and categories (`emu_edit/data/test-00000-of-00001.parquet`).
 *
 * Sample ids must be `<split>/<n>`: the edited image of `train/12` is `train/12.png` (the
 * reader's id for it), and test pair `test/5` is Emu Edit test idx 5.
 */
import fs from 'node:fs';
import path from 'node:path';
import pLimit from 'p-limit';
import sharp from 'sharp';
import { ImageDecoder } from './images/decode';
import type { IdcSample, ImageSource } from './types';
import { writeParquetFile } from '../../platform/parquetWrite';
import { EMU_EDIT_COLUMNS } from './formats/emuEdit';

export interface PairsWithOriginals {
  samples: readonly IdcSample[];
  /** Per sample, the index of its original image in `originals`. */
  originalOf: readonly number[];
  originals: readonly ImageSource[];
}

const ID = /^(train|validation|test)\/(\d+)$/;

/** Writes the Syned layout into `folder` (new or empty); returns the folder. */
export async function writeSynedLayout(data: PairsWithOriginals, folder: string): Promise<string> {
  if (data.originalOf.length !== data.samples.length)
    throw new RangeError(`writeSynedLayout: originalOf has ${data.originalOf.length} entries for ${data.samples.length} samples`);
  for (const s of data.samples) {
    const m = ID.exec(s.id);
    if (!m || m[1] !== s.split) throw new RangeError(`writeSynedLayout: sample id ${JSON.stringify(s.id)}: expected "<split>/<n>" with its split (${s.split})`);
  }
  if (fs.existsSync(folder) && fs.readdirSync(folder).length > 0)
    throw new Error(`${folder}: expected a new or empty folder to write the Syned layout into, found files`);
  // Everything goes to a sibling folder first, renamed into place at the end: a failed write
  // leaves no half dataset behind.
  const temp = `${folder.replace(/[\\/]+$/, '')}.writing-${process.pid}`;
  fs.rmSync(temp, { recursive: true, force: true });
  try {
    await writeInto(data, temp);
    fs.rmSync(folder, { recursive: true, force: true });
    fs.renameSync(temp, folder);
  } catch (error) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw error;
  }
  return folder;
}

async function writeInto(data: PairsWithOriginals, dir: string): Promise<void> {
  const decoder = new ImageDecoder();
  const limit = pLimit(4);
  const png = async (source: ImageSource): Promise<Buffer> => {
    const image = await decoder.decode(source);
    return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
      .png()
      .toBuffer();
  };
  const write = async (relative: string, source: ImageSource) => {
    const file = path.join(dir, relative);
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    await fs.promises.writeFile(file, await png(source));
  };

  const trainLike = data.samples.map((s, i) => ({ s, original: data.originalOf[i] as number })).filter(({ s }) => s.split !== 'test');
  const test = data.samples.filter((s) => s.split === 'test');
  const originals = [...new Set(trainLike.map((p) => p.original))].sort((a, b) => a - b);
  await Promise.all([
    ...originals.map((o) => limit(() => write(`originals/${o}.png`, data.originals[o] as ImageSource))),
    ...trainLike.map(({ s }) => limit(() => write(`${s.id}.png`, s.after))),
  ]);
  const entries = trainLike.flatMap(({ s, original }) =>
    s.references.map((instruction) => ({ idx: original, image: `originals/${original}.png`, edited_image: `${s.id}.png`, instruction, task: s.category })),
  );
  await fs.promises.writeFile(path.join(dir, 'augmented_dataset.json'), JSON.stringify(entries, null, 1));
  const splitOriginals = (split: string) => [...new Set(trainLike.filter(({ s }) => s.split === split).map((p) => p.original))].sort((a, b) => a - b);
  await fs.promises.writeFile(path.join(dir, 'splits.json'), JSON.stringify({ train: splitOriginals('train'), validation: splitOriginals('validation') }));

  if (test.length === 0) return;
  const idxOf = (s: IdcSample) => Number((ID.exec(s.id) as RegExpExecArray)[2]);
  const rows = await Promise.all(
    test.map((s) =>
      limit(async () => ({
        instruction: s.references[0] as string,
        image: { bytes: new Uint8Array(await png(s.before)), path: `test-${idxOf(s)}-input.png` },
        task: s.category,
        split: 'test',
        idx: idxOf(s),
        hash: s.id,
        input_caption: '',
        output_caption: '',
        edited_image: { bytes: new Uint8Array(await png(s.after)), path: `test-${idxOf(s)}-edited.png` },
        model: 'idc-lab synthetic',
      })),
    ),
  );
  await writeParquetFile(path.join(dir, 'emu_edit', 'data', 'test-00000-of-00001.parquet'), EMU_EDIT_COLUMNS, rows);
  const variations = Object.fromEntries(test.map((s) => [`${idxOf(s)} `, s.references.slice(1)]));
  await fs.promises.writeFile(path.join(dir, 'gt_augmented_test_clean.json'), JSON.stringify(variations, null, 1));
  await fs.promises.writeFile(
    path.join(dir, 'instructions_with_idx_test_split.txt'),
    test.map((s) => `${idxOf(s)} <INSTRUCT> ${s.references[0] as string}\n`).join(''),
  );
}
