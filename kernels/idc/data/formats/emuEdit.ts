/**
 * Emu Edit (HuggingFace `facebook/emu_edit_test_set_generations`): parquet shards per split
 * (`validation`, `test`), in the hub's layout or the dataset viewer's conversion
 * (parquetShards.ts). The caption is `instruction`, the category `task` (case-insensitive),
 * and `image` is resized to `edited_image`'s size before stacking. The paper trains on the
 * validation split re-split by a `splits.json` ({"train": [idx], "validation": [idx]}); without
 * one, the validation rows are re-split here by category with the seed (85/15, the paper's
 * 3,050/539), and a note says so.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FormatContext, FormatReader, LoadedFormat } from './format';
import { findShards, ShardReader, shardsHaveColumns } from './parquetShards';
import { describe, expectArray, expectObject, readJsonFile } from '../jsonInput';
import { stratifiedSplit } from '../splits';
import type { IdcSample, Split } from '../types';
import type { ParquetColumn } from '../../../platform/parquetWrite';

const TEXT_COLUMNS = ['instruction', 'task', 'idx'] as const;
const IMAGE_COLUMNS = ['image', 'edited_image'] as const;
/** The published parquet schema (HuggingFace `facebook/emu_edit_test_set_generations`), for writers. */
export const EMU_EDIT_COLUMNS: readonly ParquetColumn[] = [
  { name: 'instruction', kind: 'string' },
  { name: 'image', kind: 'image' },
  { name: 'task', kind: 'string' },
  { name: 'split', kind: 'string' },
  { name: 'idx', kind: 'int64' },
  { name: 'hash', kind: 'string' },
  { name: 'input_caption', kind: 'string' },
  { name: 'output_caption', kind: 'string' },
  { name: 'edited_image', kind: 'image' },
  { name: 'model', kind: 'string' },
];

export const EMU_EDIT_TASKS = ['add', 'remove', 'color', 'text', 'background', 'style', 'global', 'local'];

export interface EmuEditRow {
  split: 'validation' | 'test';
  idx: number;
  instruction: string;
  task: string;
  file: string;
  row: number;
}

/** The rows of every shard (text columns only: the images stay in the files until needed). */
export async function readEmuEditRows(context: FormatContext, root = context.root): Promise<EmuEditRow[]> {
  // validation rows first: they hold the training pairs
  const shards = findShards(root)
    .filter((s) => s.split === 'validation' || s.split === 'test')
    .sort((a, b) => (a.split === b.split ? 0 : a.split === 'validation' ? -1 : 1));
  if (shards.length === 0)
    context.problems.fatal({
      file: path.join(root, 'data'),
      reason: 'expected Emu Edit parquet shards (data/validation-*.parquet and data/test-*.parquet, or default/<split>/0000.parquet), found none',
    });
  const out: EmuEditRow[] = [];
  const seen = new Map<string, string>();
  const reader = new ShardReader(context.problems);
  for (const shard of shards) {
    const rows = await reader.rows(shard, [...TEXT_COLUMNS, ...IMAGE_COLUMNS], TEXT_COLUMNS);
    if (!rows) continue;
    rows.forEach((r, row) => {
      const field = (name: string) => `row ${row}, column ${name}`;
      const idx = typeof r.idx === 'bigint' ? Number(r.idx) : r.idx;
      const sample = `${shard.split}/${String(idx)}`;
      if (typeof idx !== 'number' || !Number.isInteger(idx)) {
        context.problems.report({
          file: shard.file,
          field: field('idx'),
          reason: `expected an integer index, found ${describe(idx)}`,
          sample: `${shard.split}/row ${row}`,
        });
        return;
      }
      const previous = seen.get(sample);
      if (previous !== undefined) {
        context.problems.report({
          file: shard.file,
          field: field('idx'),
          reason: `idx ${idx} of the ${shard.split} split appears twice (also in ${previous}); expected unique indices`,
          sample,
        });
        return;
      }
      seen.set(sample, `${shard.name} row ${row}`);
      const instruction = r.instruction;
      if (typeof instruction !== 'string' || instruction.trim() === '') {
        context.problems.report({
          file: shard.file,
          field: field('instruction'),
          reason: `expected the instruction (a non-empty string), found ${describe(instruction)}`,
          sample,
        });
        return;
      }
      const task = r.task;
      if (typeof task !== 'string' || task.trim() === '') {
        context.problems.report({ file: shard.file, field: field('task'), reason: `expected the task (a category name), found ${describe(task)}`, sample });
        return;
      }
      out.push({ split: shard.split as 'validation' | 'test', idx, instruction, task: task.trim().toLowerCase(), file: shard.file, row });
    });
  }
  reader.finish();
  return out;
}

export function emuEditSample(row: EmuEditRow, split: Split, references: string[]): IdcSample {
  return {
    id: `${row.split}/${row.idx}`,
    before: { kind: 'parquet', file: row.file, row: row.row, column: 'image' },
    after: { kind: 'parquet', file: row.file, row: row.row, column: 'edited_image' },
    references,
    category: row.task,
    split,
    resize: 'resize-before',
  };
}

async function readSplitsFile(context: FormatContext, file: string): Promise<Map<number, Split>> {
  const top = expectObject(await readJsonFile(file), file, '');
  const assigned = new Map<number, Split>();
  for (const name of ['train', 'validation'] as const) {
    const list = expectArray(top[name], file, name, `a list of validation-split idx`);
    list.forEach((idx, i) => {
      if (typeof idx !== 'number' || !Number.isInteger(idx)) {
        context.problems.report({ file, field: `${name}[${i}]`, reason: `expected an integer idx, found ${describe(idx)}` });
        return;
      }
      const other = assigned.get(idx);
      if (other !== undefined)
        context.problems.report({ file, field: `${name}[${i}]`, reason: `idx ${idx} is in both ${other} and ${name}; kept in ${other}` });
      else assigned.set(idx, name);
    });
  }
  return assigned;
}

export const emuEditReader: FormatReader = {
  format: 'emu-edit',

  async detect(root) {
    const shards = findShards(root).filter((s) => s.split === 'validation' || s.split === 'test');
    if (!(await shardsHaveColumns(shards, [...TEXT_COLUMNS, ...IMAGE_COLUMNS]))) return undefined;
    return `parquet shards ${shards.map((s) => s.name).join(', ')} with instruction, task and edited_image columns`;
  },

  async load(context): Promise<LoadedFormat> {
    const rows = await readEmuEditRows(context);
    const notes: string[] = [];
    const unknown = [...new Set(rows.map((r) => r.task))].filter((t) => !EMU_EDIT_TASKS.includes(t));
    if (unknown.length > 0) notes.push(`tasks outside Emu Edit's eight categories kept as they are: ${unknown.join(', ')}`);
    const validation = rows.filter((r) => r.split === 'validation');
    const splitsFile = path.join(context.root, 'splits.json');
    const splitOf = new Map<EmuEditRow, Split>();
    if (fs.existsSync(splitsFile)) {
      const assigned = await readSplitsFile(context, splitsFile);
      let left = 0;
      for (const r of validation) {
        const split = assigned.get(r.idx);
        if (split === undefined) left++;
        else splitOf.set(r, split);
      }
      if (left > 0) notes.push(`${left} validation rows are in neither list of splits.json and are left out`);
    } else if (validation.length > 0) {
      const splits = stratifiedSplit(validation, { category: (r) => r.task }, { train: 0.85, validation: 0.15, test: 0 }, context.options.seed);
      validation.forEach((r, i) => splitOf.set(r, splits[i] as Split));
      notes.push(`no splits.json: the validation split is re-split by category into train and validation (85/15, seed ${context.options.seed})`);
    }
    const samples: IdcSample[] = [];
    for (const r of rows) {
      const split = r.split === 'test' ? 'test' : splitOf.get(r);
      if (split !== undefined) samples.push(emuEditSample(r, split, [r.instruction]));
    }
    return { samples, notes };
  },
};
