/**
 * Reading a caption set from files, by their form: one JSON with "refs" and "cands"; or
 * candidates (a COCO results list, or CSV id,caption) with a references file (COCO
 * annotations, {id: [...]}, or CSV). The I/O edge of the pure parsers in inputs.ts.
 */
import fs from 'node:fs';
import {
  CaptionInputError,
  csvCandidates,
  csvReferences,
  pairCaptions,
  parseCocoResults,
  parseReferences,
  parseRefsCandsJson,
  type CaptionSet,
} from './inputs';

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new CaptionInputError(file, '', `cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

const isCsv = (file: string) => /\.csv$/i.test(file);

/** `candidates`: refs+cands JSON when `references` is absent; otherwise results JSON or CSV. */
export function readCaptionSet(candidates: string, references?: string): CaptionSet {
  const text = readText(candidates);
  if (references === undefined) {
    if (isCsv(candidates)) throw new CaptionInputError(candidates, '', 'a CSV file holds one side only; give the references file too (--refs)');
    return parseRefsCandsJson(text, candidates);
  }
  const cands = isCsv(candidates) ? csvCandidates(text, candidates) : parseCocoResults(text, candidates);
  const refText = readText(references);
  const refs = isCsv(references) ? csvReferences(refText, references) : parseReferences(refText, references);
  return pairCaptions(refs, cands, { refs: references, cands: candidates });
}

/** A category per id: a JSON object {id: category}. */
export function readCategories(file: string): Map<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(readText(file));
  } catch (error) {
    if (error instanceof CaptionInputError) throw error;
    throw new CaptionInputError(file, '', `expected JSON ({"id": "category", ...}): ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new CaptionInputError(file, '', 'expected a JSON object mapping each id to its category');
  const map = new Map<string, string>();
  for (const [id, category] of Object.entries(value)) {
    if (typeof category !== 'string')
      throw new CaptionInputError(file, JSON.stringify(id), `expected a category name (string), found ${JSON.stringify(category)}`);
    map.set(id, category);
  }
  return map;
}
