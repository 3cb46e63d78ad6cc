/**
 * Reading captions to score, from the formats researchers have: the reference files' own
 * JSON ({"refs": {id: [...]}, "cands": {id: "..."}}), a COCO results list
 * ([{"image_id", "caption"}]) with a references file (COCO annotations or {id: [...]}), and
 * CSV with `id,caption` columns (one row per caption; several rows per id for references).
 * Pure functions over text; every error names the file, the field and what was expected.
 */
import { parse as parseCsv } from 'csv-parse/sync';

/** Raw (untokenized) captions in image order. */
export interface CaptionSet {
  ids: string[];
  refs: string[][];
  cands: string[];
}

export class CaptionInputError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    problem: string,
  ) {
    super(`${file}: ${field ? `${field}: ` : ''}${problem}`);
    this.name = 'CaptionInputError';
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`.slice(0, 60);
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CaptionInputError(file, '', `expected JSON (${(error as Error).message})`);
  }
}

function asObject(value: unknown, file: string, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new CaptionInputError(file, field, `expected an object, found ${describe(value)}`);
  return value as Record<string, unknown>;
}

function asCaption(value: unknown, file: string, field: string): string {
  if (typeof value !== 'string') throw new CaptionInputError(file, field, `expected a caption string, found ${describe(value)}`);
  return value;
}

function referenceMap(value: unknown, file: string, field: string): Map<string, string[]> {
  const refs = new Map<string, string[]>();
  for (const [id, list] of Object.entries(asObject(value, file, field))) {
    const at = `${field ? `${field}.` : ''}${JSON.stringify(id)}`;
    if (!Array.isArray(list)) throw new CaptionInputError(file, at, `expected a list of reference captions, found ${describe(list)}`);
    refs.set(
      id,
      list.map((c, i) => asCaption(c, file, `${at}[${i}]`)),
    );
  }
  return refs;
}

function candidateMap(value: unknown, file: string, field: string): Map<string, string> {
  const cands = new Map<string, string>();
  for (const [id, caption] of Object.entries(asObject(value, file, field))) cands.set(id, asCaption(caption, file, `${field}.${JSON.stringify(id)}`));
  return cands;
}

/** `{"refs": {id: [...]}, "cands": {id: "..."}}`, the format of ../shared/metrics. */
export function parseRefsCandsJson(text: string, file: string): CaptionSet {
  const top = asObject(parseJson(text, file), file, '');
  if (!('refs' in top)) throw new CaptionInputError(file, 'refs', 'expected an object of reference lists, found nothing (the field is missing)');
  if (!('cands' in top)) throw new CaptionInputError(file, 'cands', 'expected an object of candidate captions, found nothing (the field is missing)');
  return pairCaptions(referenceMap(top.refs, file, 'refs'), candidateMap(top.cands, file, 'cands'), { refs: file, cands: file });
}

/** A COCO results list: `[{"image_id": 42, "caption": "..."}]`. */
export function parseCocoResults(text: string, file: string): Map<string, string> {
  const list = parseJson(text, file);
  if (!Array.isArray(list)) throw new CaptionInputError(file, '', `expected a list of {"image_id", "caption"} results, found ${describe(list)}`);
  const cands = new Map<string, string>();
  list.forEach((entry, i) => {
    const item = asObject(entry, file, `[${i}]`);
    const id = item.image_id;
    if (typeof id !== 'string' && typeof id !== 'number')
      throw new CaptionInputError(file, `[${i}].image_id`, `expected a number or string, found ${describe(id)}`);
    const key = String(id);
    if (cands.has(key)) throw new CaptionInputError(file, `[${i}].image_id`, `image ${key} has a second caption; expected one result per image`);
    cands.set(key, asCaption(item.caption, file, `[${i}].caption`));
  });
  return cands;
}

/** References: COCO annotations (`{"annotations": [{"image_id", "caption"}]}`) or `{id: [...]}`. */
export function parseReferences(text: string, file: string): Map<string, string[]> {
  const top = asObject(parseJson(text, file), file, '');
  if (!('annotations' in top)) return referenceMap(top, file, '');
  const annotations = top.annotations;
  if (!Array.isArray(annotations)) throw new CaptionInputError(file, 'annotations', `expected a list, found ${describe(annotations)}`);
  const refs = new Map<string, string[]>();
  annotations.forEach((entry, i) => {
    const item = asObject(entry, file, `annotations[${i}]`);
    const id = item.image_id;
    if (typeof id !== 'string' && typeof id !== 'number')
      throw new CaptionInputError(file, `annotations[${i}].image_id`, `expected a number or string, found ${describe(id)}`);
    const caption = asCaption(item.caption, file, `annotations[${i}].caption`);
    const key = String(id);
    refs.set(key, [...(refs.get(key) ?? []), caption]);
  });
  return refs;
}

/** CSV with a header naming `id` and `caption` columns; rows in file order. */
export function parseCaptionCsv(text: string, file: string): Array<{ id: string; caption: string }> {
  let rows: Array<Record<string, string>>;
  try {
    rows = parseCsv(text, { columns: true, skip_empty_lines: true, bom: true, trim: false }) as Array<Record<string, string>>;
  } catch (error) {
    throw new CaptionInputError(file, '', `expected CSV with an id,caption header (${(error as Error).message})`);
  }
  const first = rows[0];
  if (first && (!('id' in first) || !('caption' in first))) {
    throw new CaptionInputError(
      file,
      'header',
      `expected columns "id" and "caption", found ${Object.keys(first)
        .map((k) => JSON.stringify(k))
        .join(', ')}`,
    );
  }
  return rows.map((row) => ({ id: row.id as string, caption: row.caption as string }));
}

export function csvCandidates(text: string, file: string): Map<string, string> {
  const cands = new Map<string, string>();
  parseCaptionCsv(text, file).forEach(({ id, caption }, i) => {
    if (cands.has(id)) throw new CaptionInputError(file, `row ${i + 2}`, `image ${id} has a second caption; expected one candidate per image`);
    cands.set(id, caption);
  });
  return cands;
}

export function csvReferences(text: string, file: string): Map<string, string[]> {
  const refs = new Map<string, string[]>();
  for (const { id, caption } of parseCaptionCsv(text, file)) refs.set(id, [...(refs.get(id) ?? []), caption]);
  return refs;
}

/**
 * References and candidates as one set in the references' order. Every id must be on both
 * sides and have at least one reference: a silently dropped image would change the score.
 */
export function pairCaptions(refs: ReadonlyMap<string, string[]>, cands: ReadonlyMap<string, string>, files: { refs: string; cands: string }): CaptionSet {
  const noCandidate = [...refs.keys()].filter((id) => !cands.has(id));
  if (noCandidate.length > 0) {
    throw new CaptionInputError(
      files.cands,
      '',
      `${noCandidate.length} image id(s) have references but no candidate caption, for example ${JSON.stringify(noCandidate[0])}; expected a candidate for every image`,
    );
  }
  const noReference = [...cands.keys()].filter((id) => !refs.has(id));
  if (noReference.length > 0) {
    throw new CaptionInputError(
      files.refs,
      '',
      `${noReference.length} image id(s) have a candidate but no references, for example ${JSON.stringify(noReference[0])}; expected references for every image`,
    );
  }
  const ids = [...refs.keys()];
  for (const id of ids) {
    if ((refs.get(id) ?? []).length === 0)
      throw new CaptionInputError(files.refs, `refs.${JSON.stringify(id)}`, 'expected at least one reference caption, found an empty list');
  }
  return { ids, refs: ids.map((id) => refs.get(id) as string[]), cands: ids.map((id) => cands.get(id) as string) };
}
