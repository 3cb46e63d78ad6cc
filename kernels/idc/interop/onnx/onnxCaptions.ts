/**
 * Captions for a dataset's pairs from an ONNX model folder (exported here or elsewhere under
 * the names of onnxInterface.ts), run in the kernel process by ONNX Runtime: no TensorFlow.js.
 * Written as a COCO results file, they are scored like any other tool's predictions.
 */
import type { Dataset } from '../../data/dataset';
import { PairPipeline } from '../../data/images/pairPipeline';
import type { IdcSample } from '../../data/types';
import { patchify } from '../../model/patches';
import { WordTokenizer } from '../../model/tokenizer';
import { writeFileAtomic } from '../../../platform/atomicWrite';
import { OnnxCaptioner } from './onnxCaptioner';
import { ONNX_FILES } from './onnxInterface';
import type { SessionSettings } from './onnxRuntime';
import type { OptionKeys } from '../../../platform/options';

export interface OnnxCaptionOptions extends SessionSettings {
  /** The split to caption (default 'test'); 'all' for every pair. */
  split?: string;
  /** Beam width; 1 (default) is greedy. */
  beams?: number;
  batchSize?: number;
  /** A COCO results file to write ([{"image_id", "caption"}]). */
  out?: string;
}

export const ONNX_CAPTION_OPTIONS: OptionKeys<OnnxCaptionOptions> = { split: true, beams: true, batchSize: true, out: true, threads: true, device: true };

export async function captionWithOnnx(modelDir: string, dataset: Pick<Dataset, 'samples'>, options: OnnxCaptionOptions = {}): Promise<Map<string, string>> {
  const captioner = await OnnxCaptioner.fromDirectory(modelDir, options);
  try {
    const { manifest } = captioner;
    if (!manifest.vocabulary)
      throw new Error(`${modelDir}/${ONNX_FILES.manifest}: vocabulary: expected the words by id, to turn ids into captions, found none`);
    const tokenizer = new WordTokenizer(manifest.vocabulary);
    const split = options.split ?? 'test';
    const samples: IdcSample[] = dataset.samples.filter((s) => split === 'all' || s.split === split);
    if (samples.length === 0) throw new Error(`captionWithOnnx: split: expected a split with pairs, found none in ${JSON.stringify(split)}`);
    const { width, height, patch } = manifest.image;
    const pipe = new PairPipeline({ width, height });
    const beams = options.beams ?? 1;
    const batchSize = options.batchSize ?? 64;
    for (const [name, value] of [
      ['beams', beams],
      ['batchSize', batchSize],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`captionWithOnnx: ${name}: expected a whole number >= 1, found ${value}`);
    }
    const captions = new Map<string, string>();
    for (let start = 0; start < samples.length; start += batchSize) {
      const prepared = await pipe.prepare(samples.slice(start, start + batchSize), 0);
      const n = prepared.samples.length;
      if (n === 0) continue;
      const patches = patchify(prepared.pixels, n, height, width, patch);
      const ids = beams > 1 ? await captioner.beam(patches, n, beams) : await captioner.greedy(patches, n);
      prepared.samples.forEach((s, i) => captions.set(s.id, tokenizer.decode(ids[i] as number[])));
    }
    if (options.out)
      await writeFileAtomic(
        options.out,
        `${JSON.stringify(
          [...captions].map(([image_id, caption]) => ({ image_id, caption })),
          null,
          1,
        )}\n`,
      );
    return captions;
  } finally {
    await captioner.release();
  }
}
