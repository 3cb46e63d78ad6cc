/**
 * The quirks of Syned's released test references (datasets.md): variation lists of the wrong
 * length, strings wrapped in double quotes, empty strings, and leftovers of the language model
 * that wrote them ("Here are four variations...", "As a responsible AI ..."). They are counted
 * and reported; cleaning (unquote, drop empty strings and leftovers) is the user's choice.
 */

/** Openings of language-model chatter that is not a description of an edit. */
const LEFTOVER =
  /^(?:here (?:are|is)\b|sure[,!.]|certainly[,!.]|of course[,!.]|as an? (?:responsible )?(?:ai|language model)\b|i(?:'m| am) (?:sorry|unable|not able)\b|i (?:cannot|can't|can not|apologi[sz]e)\b|(?:\d+\.\s*)?variations?\b.*:$|note:)/i;
const QUOTED = /^\s*"([\s\S]*)"\s*$/;

export interface SynedQuirks {
  /** Keys whose variation list is empty. */
  noVariations: number;
  /** Keys with 1 to 3 variations (4 is the norm). */
  fewerVariations: number;
  /** Keys with more than 4. */
  moreVariations: number;
  /** Strings wrapped in double quotes. */
  quoted: number;
  /** Strings that are empty (after unquoting). */
  empty: number;
  /** Strings that are the language model talking, not a description. */
  leftovers: number;
}

export function emptyQuirks(): SynedQuirks {
  return { noVariations: 0, fewerVariations: 0, moreVariations: 0, quoted: 0, empty: 0, leftovers: 0 };
}

export function isLeftover(text: string): boolean {
  return LEFTOVER.test(text.trim());
}

/** Where a quirk was found (an index into the key's list, or the list itself) and what it is. */
export type QuirkReport = (index: number | undefined, reason: string) => void;

/**
 * Counts the quirks of one key's variations into `quirks`, reporting each one; returns the
 * variations, cleaned when asked.
 */
export function checkVariations(variations: readonly string[], quirks: SynedQuirks, clean: boolean, report: QuirkReport = () => undefined): string[] {
  if (variations.length === 0) {
    quirks.noVariations++;
    report(undefined, 'no variations (4 expected): the sample has only its instruction as reference');
  } else if (variations.length < 4) {
    quirks.fewerVariations++;
    report(undefined, `${variations.length} variations (4 expected)`);
  } else if (variations.length > 4) {
    quirks.moreVariations++;
    report(undefined, `${variations.length} variations (4 expected)`);
  }
  const out: string[] = [];
  variations.forEach((v, i) => {
    const quoted = QUOTED.exec(v);
    const text = quoted ? (quoted[1] as string) : v;
    const empty = text.trim() === '';
    const leftover = !empty && isLeftover(text);
    const action = clean ? 'dropped' : 'kept as released';
    if (quoted) {
      quirks.quoted++;
      report(i, `wrapped in double quotes (${clean ? 'stripped' : 'kept as released'})`);
    }
    if (empty) {
      quirks.empty++;
      report(i, `an empty string (${action})`);
    }
    if (leftover) {
      quirks.leftovers++;
      report(i, `language-model chatter, not a description: ${JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text)} (${action})`);
    }
    if (!clean) out.push(v);
    else if (!empty && !leftover) out.push(text.trim());
  });
  return out;
}

export function describeQuirks(q: SynedQuirks, clean: boolean): string {
  const parts = [
    `${q.noVariations} samples without variations`,
    `${q.fewerVariations} with 1 to 3`,
    `${q.moreVariations} with more than 4`,
    `${q.quoted} strings in double quotes`,
    `${q.empty} empty`,
    `${q.leftovers} language-model leftovers`,
  ];
  const what = clean
    ? 'cleaned: quotes stripped, empty strings and leftovers dropped'
    : 'kept as released; open with {cleanReferences: true} to strip the quotes and drop the empty strings and leftovers';
  return `Syned test references: ${parts.join(', ')} (${what})`;
}
