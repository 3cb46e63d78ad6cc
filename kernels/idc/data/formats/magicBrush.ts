/**
 * MagicBrush (HuggingFace `osunlp/MagicBrush`): parquet shards `train` and `dev` (read as
 * validation), in the hub's layout or the dataset viewer's conversion (parquetShards.ts); columns img_id, turn_index, source_img, mask_img, instruction, target_img.
 * One reference per pair (the instruction), no category. The pair is stacked as it is when
 * the sizes agree, and the source resized to the target's size when they do not.
 */
import path from 'node:path';
import type { FormatReader, LoadedFormat } from './format';
import { findShards, ShardReader, shardsHaveColumns } from './parquetShards';
import { describe } from '../jsonInput';
import type { IdcSample, Split } from '../types';

const TEXT_COLUMNS = ['img_id', 'turn_index', 'instruction'] as const;
const IMAGE_COLUMNS = ['source_img', 'target_img'] as const;
const SPLIT_NAMES: Record<string, Split> = { train: 'train', dev: 'validation', validation: 'validation', test: 'test' };

export const magicBrushReader: FormatReader = {
  format: 'magicbrush',

  async detect(root) {
    const shards = findShards(root).filter((s) => s.split in SPLIT_NAMES);
    if (!(await shardsHaveColumns(shards, [...TEXT_COLUMNS, ...IMAGE_COLUMNS]))) return undefined;
    return `parquet shards ${shards.map((s) => s.name).join(', ')} with source_img, target_img and turn_index columns`;
  },

  async load(context): Promise<LoadedFormat> {
    const shards = findShards(context.root).filter((s) => s.split in SPLIT_NAMES);
    if (shards.length === 0)
      context.problems.fatal({
        file: path.join(context.root, 'data'),
        reason: 'expected MagicBrush parquet shards (data/train-*.parquet and data/dev-*.parquet, or default/<split>/0000.parquet), found none',
      });
    const samples: IdcSample[] = [];
    const seen = new Set<string>();
    const reader = new ShardReader(context.problems);
    for (const shard of shards) {
      const split = SPLIT_NAMES[shard.split] as Split;
      const rows = await reader.rows(shard, [...TEXT_COLUMNS, ...IMAGE_COLUMNS], TEXT_COLUMNS);
      if (!rows) continue;
      rows.forEach((r, row) => {
        const field = (name: string) => `row ${row}, column ${name}`;
        const imgId = typeof r.img_id === 'bigint' ? String(r.img_id) : r.img_id;
        const turn = typeof r.turn_index === 'bigint' ? Number(r.turn_index) : r.turn_index;
        if ((typeof imgId !== 'string' && typeof imgId !== 'number') || typeof turn !== 'number') {
          context.problems.report({
            file: shard.file,
            field: field(typeof turn !== 'number' ? 'turn_index' : 'img_id'),
            reason: `expected an image id and a turn number, found ${describe(imgId)} and ${describe(turn)}`,
            sample: `${shard.split}/row ${row}`,
          });
          return;
        }
        const id = `${shard.split}/${imgId}-${turn}`;
        if (seen.has(id)) {
          context.problems.report({
            file: shard.file,
            field: field('turn_index'),
            reason: `image ${imgId} turn ${turn} appears twice; expected one row per turn`,
            sample: id,
          });
          return;
        }
        seen.add(id);
        const instruction = r.instruction;
        if (typeof instruction !== 'string' || instruction.trim() === '') {
          context.problems.report({
            file: shard.file,
            field: field('instruction'),
            reason: `expected the instruction (a non-empty string), found ${describe(instruction)}`,
            sample: id,
          });
          return;
        }
        samples.push({
          id,
          before: { kind: 'parquet', file: shard.file, row, column: 'source_img' },
          after: { kind: 'parquet', file: shard.file, row, column: 'target_img' },
          references: [instruction],
          category: 'unknown',
          split,
          resize: 'resize-before',
        });
      });
    }
    reader.finish();
    return { samples, notes: ['MagicBrush has one reference per pair and no change categories (category "unknown"); dev is read as the validation split'] };
  },
};
