/**
 * Meteor 1.5's `-norm` for English (punctuation kept), as the COCO toolkit runs it: Meteor
 * tokenizes again on top of the toolkit's PTB tokens, then lowercases. It drops hyphens
 * between word characters (`delete-the-window` -> `delete the window`), splits off `?!` and
 * other symbols, splits contractions to the right (`'s` -> `' s`, `n't` -> `n 't`), makes
 * curly quotes straight and breaks dots off words unless they look like abbreviations.
 *
 * Regular expressions follow Java's semantics, not JavaScript's: `\s` of Java is ASCII
 * whitespace only and `\p{Digit}`, `\p{Lower}` are ASCII, so each is spelled out; the `u` flag
 * makes a class match a whole code point, as Java's does.
 */
import { javaTokens, javaTrim } from './java';

// Letters as Meteor's normaliser counts them: ASCII, Latin-1 and Latin Extended-A letters,
// Cyrillic and its extensions, and the phonetic extensions.
const ALPHA = 'A-Za-z\u0160\u017d\u0161\u017e\u0178\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u017e\u0400-\u04ff\u0500-\u0527\ua640-\ua66e\ua67e-\ua697\u1d00-\u1d7f';
const ALNUM = `0-9${ALPHA}`;
/** Java's `\s`. */
const JAVA_SPACE = ' \\t\\n\\x0B\\f\\r';

const SEPARATE_SYMBOLS = new RegExp(`([^${ALNUM}${JAVA_SPACE}.'\`,\\-\u2018\u2019])`, 'gu');
const MULTI_DOT = /\.(\.+)/gu;
const MULTI_DOT_NEXT = /DOTMULTI\.([^.])/gu;
const COMMA_AROUND_NON_DIGITS = /([^0-9]),([^0-9])/gu;
const COMMA_AFTER_DIGIT = /([0-9]),([^0-9])/gu;
const COMMA_BEFORE_DIGIT = /([^0-9]),([0-9])/gu;
const SINGLE_QUOTES = /[`\u2018\u2019]/gu;
const DOUBLE_QUOTES = /[\u201c\u201d]|''/gu;
const DASH_BETWEEN_WORDS = new RegExp(`([${ALNUM}.])-([${ALNUM}])`, 'gu');
const APOSTROPHE_BETWEEN_NON_LETTERS = new RegExp(`([^${ALPHA}])'([^${ALPHA}])`, 'gu');
const APOSTROPHE_BEFORE_LETTER = new RegExp(`([^${ALPHA}0-9])'([${ALPHA}])`, 'gu');
const APOSTROPHE_AFTER_LETTER = new RegExp(`([${ALPHA}])'([^${ALPHA}])`, 'gu');
const APOSTROPHE_IN_WORD = new RegExp(`([${ALPHA}])'([${ALPHA}])`, 'gu');
const DECADE_APOSTROPHE = /([0-9])'(s)/gu;
const HAS_LETTER = new RegExp(`[${ALPHA}]`, 'u');
const STARTS_LOWER = /^[a-z]/u;
const STARTS_DIGIT = /^[0-9]/u;
const UNICODE_SPACES = /[ \u2000-\u200a\u202f\u205f\u3000\u00a0]+/gu;

/**
 * Abbreviations whose dot stays on at the end of a line or before a word that does not start
 * with a lower-case letter. Meteor reads Moses' English non-breaking prefix list; its other
 * entries are capitalised (`Mr`, `Dr`, single capitals) or contain a dot (`i.e`, `e.g`, which an
 * earlier rule handles), so they can never match the toolkit's lowercased tokens. These are its
 * lower-case entries without a dot, `pp` only before a number. (Meteor looks them up before it
 * lowercases: on captions that are not lowercased, `Mr.` at the end keeps its dot there.)
 */
const ALWAYS_NON_BREAKING = new Set(['v', 'vs', 'rev']);
const NON_BREAKING_BEFORE_NUMBER = new Set(['pp']);

/** Whether a word ending in a dot keeps it: Meteor's abbreviation test. */
function keepsDot(prefix: string, next: string | undefined): boolean {
  if (ALWAYS_NON_BREAKING.has(prefix)) return true;
  if (next !== undefined && STARTS_LOWER.test(next)) return true;
  return NON_BREAKING_BEFORE_NUMBER.has(prefix) && next !== undefined && STARTS_DIGIT.test(next);
}

function breakDots(words: readonly string[]): string {
  const out: string[] = [];
  words.forEach((word, i) => {
    if (word.length > 1 && word.endsWith('.')) {
      const prefix = word.slice(0, -1);
      // dotted initials (u.s.) lose their dots so that they match the undotted spelling
      if (prefix.includes('.') && HAS_LETTER.test(prefix)) out.push(word.replaceAll('.', ''));
      else if (keepsDot(prefix, words[i + 1])) out.push(word);
      else out.push(`${prefix} .`);
    } else {
      out.push(word);
    }
  });
  return `${out.join(' ')} `;
}

/** One caption as Meteor's `-norm` leaves it (before lowercasing), tokens joined by spaces. */
export function normalizeLine(line: string): string {
  let s = ` ${line} `;
  s = s.replace(SEPARATE_SYMBOLS, ' $1 ');
  // most rules need a character that most captions lack: its test skips the regular expression
  if (s.includes('.')) {
    // runs of dots hide behind placeholders from the rules below, restored at the end
    s = s.replace(MULTI_DOT, ' DOTMULTI$1');
    while (s.includes('DOTMULTI.')) {
      s = s.replace(MULTI_DOT_NEXT, 'DOTDOTMULTI $1');
      s = s.replaceAll('DOTMULTI.', 'DOTDOTMULTI');
    }
  }
  if (s.includes(',')) {
    s = s.replace(COMMA_AROUND_NON_DIGITS, '$1 , $2');
    s = s.replace(COMMA_AFTER_DIGIT, '$1 , $2');
    s = s.replace(COMMA_BEFORE_DIGIT, '$1 , $2');
  }
  s = s.replace(SINGLE_QUOTES, "'");
  s = s.replace(DOUBLE_QUOTES, ' " ');
  s = s.replaceAll('\u2013', '-');
  if (s.includes('-')) {
    s = s.replaceAll('--', '-');
    s = s.replace(DASH_BETWEEN_WORDS, '$1 $2');
  }
  if (s.includes("'")) {
    s = s.replace(APOSTROPHE_BETWEEN_NON_LETTERS, "$1 ' $2");
    s = s.replace(APOSTROPHE_BEFORE_LETTER, "$1 ' $2");
    s = s.replace(APOSTROPHE_AFTER_LETTER, "$1 ' $2");
    s = s.replace(APOSTROPHE_IN_WORD, "$1 '$2");
    s = s.replace(DECADE_APOSTROPHE, "$1 '$2");
  }
  s = breakDots(javaTokens(s));
  while (s.includes('DOTDOTMULTI')) s = s.replaceAll('DOTDOTMULTI', 'DOTMULTI.');
  s = s.replaceAll('DOTMULTI', '.');
  return javaTrim(s.replace(UNICODE_SPACES, ' '));
}

/** The tokens Meteor aligns for one caption: normalised, then lowercased. */
export function meteorTokens(line: string): string[] {
  return javaTokens(normalizeLine(line).toLowerCase());
}
