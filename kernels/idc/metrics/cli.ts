/**
 * `idc-lab metrics <input> [--refs file] [--categories cats.json] [--bootstrap N] [--json]
 *  [--paraphrase table] [--no-meteor] [--idf subset|whole] [--mode compat|strict] [--seed N]`:
 * scores a caption set. With --json, stdout holds exactly the toolkit's JSON
 * ({"corpus", "per_image"}, and "per_category" with --categories); notes go to stderr.
 */
import { parseArgs } from 'node:util';
import { categoryChartText } from '../display/categoryChart';
import { evaluateCaptions, toToolkitJson, type EvaluateOptions } from './evaluate';
import { chartPayload, MetricsResult } from './results';
import { readCaptionSet, readCategories } from './readCaptions';

export const METRICS_USAGE = `usage: idc-lab metrics <input.json | candidates> [--refs references] [--categories cats.json]
                        [--bootstrap N] [--seed N] [--json] [--paraphrase table] [--no-meteor]
                        [--idf subset|whole] [--mode compat|strict]`;

export class MetricsUsageError extends Error {}

export interface CommandOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export function metricsCommand(args: string[], out: CommandOutput): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      refs: { type: 'string' },
      categories: { type: 'string' },
      bootstrap: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean' },
      paraphrase: { type: 'string' },
      'no-meteor': { type: 'boolean' },
      idf: { type: 'string' },
      mode: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new MetricsUsageError(`expected one input file\n${METRICS_USAGE}`);
  const options: EvaluateOptions = {};
  if (values.bootstrap !== undefined) {
    const samples = Number(values.bootstrap);
    if (!Number.isInteger(samples) || samples < 1)
      throw new MetricsUsageError(`--bootstrap ${values.bootstrap}: expected a positive whole number of resamples`);
    const seed = values.seed === undefined ? 42 : Number(values.seed);
    if (!Number.isInteger(seed)) throw new MetricsUsageError(`--seed ${values.seed}: expected a whole number`);
    options.bootstrap = { samples, seed };
  }
  if (values.idf !== undefined) {
    if (values.idf !== 'subset' && values.idf !== 'whole') throw new MetricsUsageError(`--idf ${values.idf}: expected "subset" or "whole"`);
    options.idf = values.idf;
  }
  if (values.mode !== undefined) {
    if (values.mode !== 'compat' && values.mode !== 'strict') throw new MetricsUsageError(`--mode ${values.mode}: expected "compat" or "strict"`);
    options.mode = values.mode;
  }
  if (values['no-meteor']) options.meteor = false;
  else if (values.paraphrase) options.meteor = { paraphraseTable: values.paraphrase };
  if (values.categories) options.categories = readCategories(values.categories);

  const set = readCaptionSet(positionals[0] as string, values.refs);
  const evaluation = evaluateCaptions(set, options);
  for (const warning of evaluation.warnings) out.stderr(`warning: ${warning}\n`);
  if (values.json) {
    for (const note of evaluation.notes) out.stderr(`note: ${note}\n`);
    out.stdout(`${JSON.stringify(toToolkitJson(evaluation))}\n`);
    return 0;
  }
  out.stdout(`${categoryChartText(chartPayload({ predictions: new MetricsResult(evaluation, 'predictions') }, `${set.ids.length} images`))}\n`);
  return 0;
}
