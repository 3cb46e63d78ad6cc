/**
 * A dataset folder built by a test: JSON index files, text files and small PNG images in a
 * fresh temporary folder, removed afterwards. Images come from pngFixtures (sharp), each with
 * its own pattern so that two images never look alike.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ProblemLog } from '../../../kernels/idc/data/problems';
import type { FormatContext } from '../../../kernels/idc/data/formats/format';
import type { ErrorPolicy } from '../../../kernels/idc/data/types';
import { tempFolder, writeJson, writePng } from './pngFixtures';

export class TreeBuilder {
  private seed = 0;

  private constructor(readonly root: string) {}

  static create(prefix: string): TreeBuilder {
    return new TreeBuilder(tempFolder(prefix));
  }

  /** The absolute path of `relative` inside the tree. */
  path(...relative: string[]): string {
    return path.join(this.root, ...relative);
  }

  json(relative: string, value: unknown): this {
    writeJson(this.path(relative), value);
    return this;
  }

  /** A file with exactly this text (for malformed JSON). */
  text(relative: string, text: string): this {
    fs.mkdirSync(path.dirname(this.path(relative)), { recursive: true });
    fs.writeFileSync(this.path(relative), text);
    return this;
  }

  folder(relative: string): this {
    fs.mkdirSync(this.path(relative), { recursive: true });
    return this;
  }

  /** Small PNGs (8x6 unless told), each with a pattern of its own. */
  async png(relatives: string[], width = 8, height = 6): Promise<this> {
    for (const relative of relatives) await writePng(this.path(relative), width, height, ++this.seed);
    return this;
  }

  /** What a reader's load() gets, with a fresh problem log. */
  context(policy: ErrorPolicy = 'skip'): FormatContext {
    return { root: this.root, problems: new ProblemLog(policy), options: { seed: 42, cleanReferences: false } };
  }

  remove(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
