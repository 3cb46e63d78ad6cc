/**
 * The quirks of Syned's released test references (datasets.md): variation lists of the wrong
 * length, strings wrapped in double quotes, empty strings, and leftovers of the language model
 * that wrote them ("Here are four variations...", "As a responsible AI...", "Instead, I
 * suggest...", echoes of its prompt's "INSTRUCTION : <INSTRUCT>"). They are counted, by kind,
 * and reported; cleaning (unquote, drop empty strings and leftovers, strip echoed prompts) is
 * the user's choice.
 */
import type { DataTally } from '../types';

/**
 * The kinds of language-model leftovers, each known by how the string opens. Measured on the
 * released gt_augmented_test_clean.json (2,022 keys): 6 preambles, 4 headings, 5 refusals, 17
 * redirections, 7 cautions, 5 offers and 4 echoes, and every string these openings match there
 * is a leftover (an echo carries a real variation after the prompt's words).
 */
export const LEFTOVER_KINDS = ['preamble', 'heading', 'refusal', 'redirection', 'caution', 'offer', 'echo'] as const;
export type LeftoverKind = (typeof LEFTOVER_KINDS)[number];

const LEFTOVER_OPENINGS: Record<LeftoverKind, RegExp> = {
  preamble: /^(?:here (?:are|is)\b|sure[,!.]|certainly[,!.]|of course[,!.])/i,
  heading: /^(?:(?:\d+\.\s*)?variations?\b.*:$|\{[^{}]*\bvariations?\}$)/i,
  refusal:
    /^(?:as an? (?:responsible )?(?:ai|language model)\b|i(?:'m| am) (?:sorry|unable|not able|just an ai)\b|i (?:cannot|can't|can not|apologi[sz]e|must (?:inform|adhere|decline)|hope you understand)\b)/i,
  redirection: /^instead,? i (?:suggest|would|recommend|encourage)\b/i,
  caution: /^(?:it is (?:important|essential|crucial)\b|remember,|please note\b|note:)/i,
  offer: /^(?:if you have any (?:other )?(?:questions|requests|prompts)\b|(?:please )?feel free to\b|is there anything else\b)/i,
  // the prompt's own words before the variation, which follows them
  echo: /^instruction\s*:\s*<instruct>\s*/i,
};

/** How the summary names each kind, with an example of its opening. */
const KIND_LABELS: Record<LeftoverKind, string> = {
  preamble: 'preambles ("Here are four variations...")',
  heading: 'headings ("{Dadaist variation}", "Variations:")',
  refusal: 'refusals ("As a responsible AI...")',
  redirection: 'redirections ("Instead, I suggest...")',
  caution: 'cautions ("It is important...", "Please note...")',
  offer: 'offers ("If you have any other questions...")',
  echo: 'echoes of the prompt ("INSTRUCTION : <INSTRUCT> ...")',
};

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
  /** Strings that are the language model talking, not a description (all kinds). */
  leftovers: number;
  /** The leftovers by kind. */
  leftoverKinds: Record<LeftoverKind, number>;
}

export function emptyQuirks(): SynedQuirks {
  const leftoverKinds = Object.fromEntries(LEFTOVER_KINDS.map((k) => [k, 0])) as Record<LeftoverKind, number>;
  return { noVariations: 0, fewerVariations: 0, moreVariations: 0, quoted: 0, empty: 0, leftovers: 0, leftoverKinds };
}

/** The kind of leftover `text` is, or undefined when it reads as a description. */
export function leftoverKind(text: string): LeftoverKind | undefined {
  const trimmed = text.trim();
  return LEFTOVER_KINDS.find((kind) => LEFTOVER_OPENINGS[kind].test(trimmed));
}

export function isLeftover(text: string): boolean {
  return leftoverKind(text) !== undefined;
}

/** Where a quirk was found (an index into the key's list, or the list itself) and what it is. */
export type QuirkReport = (index: number | undefined, reason: string) => void;

const shortened = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);

/**
 * A leftover cleaned: the variation an echo carries after the prompt's words, or nothing.
 * An echo with nothing after them is dropped like any other leftover.
 */
function cleanedLeftover(text: string, kind: LeftoverKind): string | undefined {
  if (kind !== 'echo') return undefined;
  const rest = text.trim().replace(LEFTOVER_OPENINGS.echo, '').trim();
  return rest === '' ? undefined : rest;
}

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
    const kind = empty ? undefined : leftoverKind(text);
    const action = clean ? 'dropped' : 'kept as released';
    if (quoted) {
      quirks.quoted++;
      report(i, `wrapped in double quotes (${clean ? 'stripped' : 'kept as released'})`);
    }
    if (empty) {
      quirks.empty++;
      report(i, `an empty string (${action})`);
    }
    let kept: string | undefined = empty ? undefined : text.trim();
    if (kind !== undefined) {
      quirks.leftovers++;
      quirks.leftoverKinds[kind]++;
      kept = cleanedLeftover(text, kind);
      if (kind === 'echo')
        report(i, `an echo of the prompt's "INSTRUCTION : <INSTRUCT>" before the variation (${clean ? (kept ? 'stripped' : 'dropped') : 'kept as released'})`);
      else report(i, `language-model chatter, not a description: ${shortened(text.trim())} (${action})`);
    }
    if (!clean) out.push(v);
    else if (kept !== undefined) out.push(kept);
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
  const echoes = q.leftoverKinds.echo > 0 ? ' (an echoed prompt is stripped, the variation after it kept)' : '';
  const what = clean
    ? `cleaned: quotes stripped, empty strings and leftovers dropped${echoes}`
    : 'kept as released; open with {cleanReferences: true} to strip the quotes and drop the empty strings and leftovers';
  return `Syned test references: ${parts.join(', ')} (${what})`;
}

/** The quirks as summary counts: those found, leftovers by kind. */
export function quirkTallies(q: SynedQuirks): DataTally[] {
  const tallies: DataTally[] = [
    { what: 'Syned test keys without variations', count: q.noVariations },
    { what: 'Syned test keys with 1 to 3 variations', count: q.fewerVariations },
    { what: 'Syned test keys with more than 4 variations', count: q.moreVariations },
    { what: 'Syned test strings in double quotes', count: q.quoted },
    { what: 'Syned test strings that are empty', count: q.empty },
    ...LEFTOVER_KINDS.map((kind) => ({ what: `language-model leftovers: ${KIND_LABELS[kind]}`, count: q.leftoverKinds[kind] })),
  ];
  return tallies.filter((t) => t.count > 0);
}
