/** All the toolkit's metrics but METEOR on an already tokenized set, named as the toolkit names them. */
import { bleu } from './bleu';
import { cider, type CiderOptions } from './cider';
import { countSet, GramIndex } from './gramIndex';
import { rougeL } from './rougeL';
import type { TokenizedSet } from './types';

export const METRIC_NAMES = ['Bleu_1', 'Bleu_2', 'Bleu_3', 'Bleu_4', 'ROUGE_L', 'CIDEr'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];
export type MetricValues = Record<MetricName, number>;

export interface SetScores {
  corpus: MetricValues;
  /** Per image, keyed by id. */
  perImage: Map<string, MetricValues>;
}

export function scoreTokenized(set: TokenizedSet, options: { cider?: CiderOptions } = {}): SetScores {
  // n-grams counted once for BLEU and CIDEr-D, with the ids of a given idf's index
  const counted = countSet(set, options.cider?.documentFrequency?.index ?? new GramIndex());
  const [b1, b2, b3, b4] = bleu(set, counted);
  const rouge = rougeL(set, counted);
  const c = cider(set, options.cider, counted);
  const series = { Bleu_1: b1, Bleu_2: b2, Bleu_3: b3, Bleu_4: b4, ROUGE_L: rouge, CIDEr: c };
  const corpus = {} as MetricValues;
  for (const name of METRIC_NAMES) corpus[name] = series[name]?.corpus ?? NaN;
  const perImage = new Map<string, MetricValues>();
  set.ids.forEach((id, i) => {
    const values = {} as MetricValues;
    for (const name of METRIC_NAMES) values[name] = series[name]?.perImage[i] ?? NaN;
    perImage.set(id, values);
  });
  return { corpus, perImage };
}
