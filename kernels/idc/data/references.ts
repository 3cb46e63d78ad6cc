/**
 * Reference captions as the index files give them: a list of strings per sample. An empty
 * list, or no string at all, skips the sample with a message; a value that is not a string is
 * reported and left out.
 */
import { describe } from './jsonInput';
import type { ProblemLog } from './problems';

export function readReferences(value: unknown, at: { file: string; field: string; sample: string }, problems: ProblemLog): string[] | undefined {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list)) {
    problems.report({ file: at.file, field: at.field, reason: `expected a list of reference captions, found ${describe(list)}`, sample: at.sample });
    return undefined;
  }
  const refs: string[] = [];
  list.forEach((ref, i) => {
    if (typeof ref === 'string') refs.push(ref);
    else problems.report({ file: at.file, field: `${at.field}[${i}]`, reason: `expected a reference caption (string), found ${describe(ref)}; left out` });
  });
  if (refs.length === 0) {
    problems.report({ file: at.file, field: at.field, reason: 'expected at least one reference caption, found an empty list', sample: at.sample });
    return undefined;
  }
  return refs;
}
