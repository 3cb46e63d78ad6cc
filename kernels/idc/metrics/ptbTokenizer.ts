/**
 * The tokenization the COCO caption toolkit applies before scoring: Stanford's
 * PTBTokenizer (CoreNLP 3.4.1) with `-preserveLines -lowerCase`, over all captions of one
 * side joined by newlines, then the toolkit's punctuation filter. This is a re-implementation
 * of the lexer's rules that captions exercise, checked token for token against the toolkit's
 * output on the reference corpora.
 *
 * Modes: `compat` reproduces the toolkit, including its two quirks (a contraction at the very
 * end of a call is not split; \r, U+2028, U+2029, \v and \f inside a caption start new lines,
 * which shifts later captions onto the wrong images). `strict` tokenizes each caption on its
 * own, with those line breaks read as spaces, and reports where it did so.
 */

/** Tokens the toolkit drops after tokenizing (its PUNCTUATIONS list). */
const DROPPED = ["''", "'", '``', '`', '-LRB-', '-RRB-', '-LCB-', '-RCB-', '.', '?', '!', ',', ':', '-', '--', '...', ';'];
/** The ones that can still match a lower-cased token. */
const PUNCTUATION = new Set(DROPPED.filter((t) => t.toLowerCase() === t));

/** Characters the tokenizer treats as line ends (the toolkit replaces only \n by a space). */
const LINE_BREAK = /\r\n?|[\u2028\u2029\v\f\x85]/g;
const HAS_LINE_BREAK = /[\r\u2028\u2029\v\f\x85]/;

const BRACKETS: Record<string, string> = { '(': '-LRB-', ')': '-RRB-', '[': '-LSB-', ']': '-RSB-', '{': '-LCB-', '}': '-RCB-' };
const QUOTES = new Set(['"', '\u201c', '\u201d', '\u201e', '\u00ab', '\u00bb', '\u2018', '\u2019', '\u201a', '`', "'"]);
const DASHES = new Set(['\u2013', '\u2014', '\u2015', '\u2012']);
// biome-ignore lint/suspicious/noMisleadingCharacterClass: combining marks are word characters on their own
const WORD_START = /[\p{L}\p{Nd}_\u0300-\u036f]/u;
const WORD_CHAR = /[\p{L}\p{M}\p{Nd}_]/u;
/** Vulgar fractions, which PTBTokenizer writes as n/d. */
const FRACTIONS: Record<string, string> = {
  '\u00bd': '1/2',
  '\u00bc': '1/4',
  '\u00be': '3/4',
  '\u2153': '1/3',
  '\u2154': '2/3',
  '\u215b': '1/8',
  '\u215c': '3/8',
  '\u215d': '5/8',
  '\u215e': '7/8',
};
// biome-ignore lint/suspicious/noMisleadingCharacterClass: combining marks are letters on their own
const LETTER = /[\p{L}\u0300-\u036f]/u;
const CURRENCY: Record<string, string> = { '\u00a3': '#', '\u20ac': '$' };
const DIGIT = /\p{Nd}/u;
const SPACE = /[\s\u00a0\u2000-\u200b\u3000\ufeff]/u;
/** Abbreviations PTBTokenizer keeps with their period (the ones captions use). */
const ABBREVIATIONS = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'st',
  'jr',
  'sr',
  'mt',
  'ft',
  'vs',
  'etc',
  'inc',
  'ltd',
  'co',
  'corp',
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'oct',
  'nov',
  'dec',
  'gen',
  'gov',
  'sen',
  'rep',
  'rev',
  'col',
  'capt',
  'lt',
  'sgt',
  'ave',
  'blvd',
  'rd',
]);
/** Words PTBTokenizer splits in two, and where. */
const SPLIT_WORDS = new Map([
  ['cannot', 3],
  ['gonna', 3],
  ['gotta', 3],
  ['wanna', 3],
  ['lemme', 3],
  ['gimme', 3],
]);
/** First letters of SPLIT_WORDS, as lower-case char codes. */
const SPLIT_FIRST = new Set([...SPLIT_WORDS.keys()].map((w) => w.charCodeAt(0)));
const CONTRACTION_SUFFIX = /^'(s|re|ll|ve|d|m)(?![\p{L}\p{N}])/iu;

// ASCII answers from a table: the Unicode-property regexes are slow on every character.
const ASCII_WORD = new Uint8Array(128).map((_, code) => (/[A-Za-z0-9_]/.test(String.fromCharCode(code)) ? 1 : 0));

function isWordChar(c: string | undefined): boolean {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  return code < 128 ? ASCII_WORD[code] === 1 : WORD_CHAR.test(c);
}

function isWordStart(c: string | undefined): boolean {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  return code < 128 ? ASCII_WORD[code] === 1 : WORD_START.test(c);
}

function isSpace(c: string): boolean {
  const code = c.charCodeAt(0);
  return code < 128 ? code === 32 || (code >= 9 && code <= 13) : SPACE.test(c);
}

function isDigit(c: string | undefined): boolean {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  return code < 128 ? code >= 48 && code <= 57 : DIGIT.test(c);
}

const isApostrophe = (c: string | undefined) => c === "'" || c === '\u2019';

/** PTB tokens of one line, before lower-casing and filtering. `atEnd`: nothing follows the line. */
export function ptbTokens(line: string, atEnd = false): string[] {
  // Soft hyphens are invisible inside words: "t\u00ado" is "to". The line is scanned by UTF-16
  // unit (an array of characters cost most of the time in garbage collection); astral
  // characters, which the lexer deletes, are skipped one surrogate at a time.
  const chars = line.includes('\u00ad') ? line.replace(/\u00ad/g, '') : line;
  const out: string[] = [];
  let i = 0;
  while (i < chars.length) {
    const c = chars[i] as string;
    if (isSpace(c)) {
      i++;
      continue;
    }
    // SGML-like tags: <b>, </b>
    if (c === '<') {
      const m = /^<\/?[A-Za-z][A-Za-z0-9]*>/.exec(chars.slice(i, i + 40));
      if (m) {
        out.push(m[0]);
        i += m[0].length;
        continue;
      }
    }
    if (isWordStart(c)) {
      i = word(chars, i, out, atEnd);
      continue;
    }
    if (c in FRACTIONS) {
      out.push(FRACTIONS[c] as string);
      i++;
      continue;
    }
    // hashtags and mentions: #tag, @name
    if ((c === '#' || c === '@') && /[A-Za-z]/.test(chars[i + 1] ?? '')) {
      const start = i++;
      while (isWordChar(chars[i])) i++;
      out.push(chars.slice(start, i));
      continue;
    }
    // emoticons, with their brackets escaped as PTB does: ":)" -> ":-RRB-"
    const smiley = c === ':' || c === ';' ? /^[:;]-?[()]/.exec(chars.slice(i, i + 3)) : null;
    if (smiley && !isWordChar(chars[i + smiley[0].length])) {
      out.push(smiley[0].replace('(', '-LRB-').replace(')', '-RRB-'));
      i += smiley[0].length;
      continue;
    }
    // (555) 555-1234: one phone-number token, brackets escaped, the space made a no-break space
    const phone = c === '(' ? /^\((\d{3})\) (\d{3}-\d{4})(?![\p{L}\p{N}])/u.exec(chars.slice(i, i + 15)) : null;
    if (phone) {
      out.push(`-LRB-${phone[1] as string}-RRB-\u00a0${phone[2] as string}`);
      i += 14;
      continue;
    }
    if (c in CURRENCY) {
      out.push(CURRENCY[c] as string);
      i++;
      continue;
    }
    if (c in BRACKETS) {
      out.push(BRACKETS[c] as string);
      i++;
      continue;
    }
    if (isApostrophe(c) && isWordChar(chars[i + 1])) {
      // A contraction or quote before a word: 's, 're, ... on their own are tokens.
      const rest = `'${chars.slice(i + 1, i + 5)}`;
      const m = CONTRACTION_SUFFIX.exec(rest);
      if (m && !(atEnd && i + m[0].length === chars.length)) {
        out.push(m[0]);
        i += m[0].length;
        continue;
      }
      if (/^'n'(?![\p{L}\p{N}])/iu.test(rest)) {
        out.push(`'${chars[i + 1] as string}'`);
        i += 3;
        continue;
      }
      // 'tis -> 't is; 'til (also the start of 'tilt') -> 'til; '95 -> '95 (but '18' is a quoted 18)
      const tis = /^'(t)(is)(?![\p{L}\p{N}])/iu.exec(rest);
      const til = /^'til/iu.exec(rest);
      const year = /^'\d\d(?![\p{L}\p{N}'])/u.exec(rest);
      if (tis || til || year) {
        if (tis) out.push(`'${tis[1] as string}`, tis[2] as string);
        else out.push(til ? `'${chars.slice(i + 1, i + 4)}` : (year?.[0] as string));
        i += year && !tis && !til ? 3 : 4;
        continue;
      }
    }
    if (QUOTES.has(c)) {
      if ((c === '\u201c' || c === '\u201d') && chars[i + 1] === c) {
        let j = i;
        while (chars[j] === c) j++;
        out.push((c === '\u201c' ? '``' : "''").repeat(j - i));
        i = j;
        continue;
      }
      if ((c === '`' || c === "'") && chars[i + 1] === c) {
        out.push(c + c);
        i += 2;
      } else {
        out.push(c === '`' || c === '\u2018' ? '`' : c === "'" || c === '\u2019' ? "'" : "''");
        i++;
      }
      continue;
    }
    if (c === '.') {
      let j = i;
      while (chars[j] === '.') j++;
      if (j - i >= 3) out.push('...');
      else for (let k = i; k < j; k++) out.push('.');
      i = j;
      continue;
    }
    if (c === '\u2026') {
      out.push('...');
      i++;
      continue;
    }
    if (c === '-' || DASHES.has(c)) {
      let j = i;
      while (chars[j] === '-' || DASHES.has(chars[j] as string)) j++;
      out.push(j - i >= 2 || DASHES.has(c) ? '--' : '-');
      i = j;
      continue;
    }
    if (c === '?' || c === '!') {
      let j = i;
      while (chars[j] === '?' || chars[j] === '!') j++;
      out.push(chars.slice(i, j));
      i = j;
      continue;
    }
    if (c === '&') {
      const ent = /^&amp;/i.exec(chars.slice(i, i + 5));
      out.push('&');
      i += ent ? 5 : 1;
      continue;
    }
    const code = c.charCodeAt(0);
    if ((code >= 0xd800 && code <= 0xdfff) || /\p{Mn}|\p{Cf}|\p{Cc}|\p{Co}|\p{Cn}|\p{Nl}/u.test(c)) {
      // Outside the lexer's alphabet: PTBTokenizer deletes untokenizable characters.
      i++;
      continue;
    }
    out.push(c);
    i++;
  }
  return out;
}

function skipWordChars(chars: string, i: number): number {
  for (; i < chars.length; i++) {
    const code = chars.charCodeAt(i);
    if (code < 128 ? ASCII_WORD[code] !== 1 : !WORD_CHAR.test(chars[i] as string)) break;
  }
  return i;
}

/** Scans a word (letters, digits, marks, with internal - / . , ' where PTB keeps them). */
function word(chars: string, start: number, out: string[], atEnd: boolean): number {
  let i = skipWordChars(chars, start);
  for (;;) {
    const c = chars[i];
    const next = chars[i + 1];
    // hyphenated words and a/b: one token when a word character follows
    if ((c === '-' || c === '/') && isWordChar(next)) {
      i++;
      i = skipWordChars(chars, i);
      continue;
    }
    // numbers: 1,000 and 3.50; abbreviations like u.s.
    if ((c === ',' || c === '.') && isDigit(chars[i - 1]) && isDigit(next)) {
      i++;
      i = skipWordChars(chars, i);
      continue;
    }
    // times: 4:23:34
    if (c === ':' && isDigit(chars[i - 1]) && isDigit(next)) {
      i++;
      i = skipWordChars(chars, i);
      continue;
    }
    // acronyms with periods: u.s., d.c. (the final period stays with the token)
    if (c === '.' && LETTER.test(next ?? '') && chars[i + 2] === '.' && i - start === 1) {
      i += 3;
      while (LETTER.test(chars[i] ?? '') && chars[i + 1] === '.' && !isWordChar(chars[i + 2])) i += 2;
      break;
    }
    // a period right before another mark stays with the word ("desk.," -> "desk." ",")
    if (c === '.' && (next === ',' || next === ';' || next === ':' || (next !== undefined && /[\u0300-\u036f]/.test(next)))) {
      if (next !== undefined && /[\u0300-\u036f]/.test(next)) i++;
      i++;
      break;
    }
    // initials (E.) and known abbreviations (St., Mr.) keep their period
    if (c === '.' && !isWordChar(next)) {
      const w = chars.slice(start, i);
      if ((/^\p{L}$/u.test(w) && next !== undefined) || ABBREVIATIONS.has(w.toLowerCase())) {
        i++;
        break;
      }
    }
    // o'clock-like words keep their apostrophe; contractions are split below
    if (isApostrophe(c) && isWordChar(next) && chars.slice(start, i).toLowerCase() === 'o') {
      i++;
      i = skipWordChars(chars, i);
      continue;
    }
    break;
  }
  // currency prefixes in capitals: US$, HK$ (and so "GET$")
  if (chars[i] === '$' && /^[A-Z]+$/.test(chars.slice(start, i))) i++;
  // 3 1/2: PTB joins a whole number and a fraction with a no-break space
  const fraction =
    chars[i] === ' ' && isDigit(chars[i + 1]) && /^\d+$/.test(chars.slice(start, i)) ? /^ (\d+\/\d+)(?![\p{L}\p{N}])/u.exec(chars.slice(i, i + 12)) : null;
  if (fraction) {
    out.push(`${chars.slice(start, i)}\u00a0${fraction[1] as string}`);
    return i + 1 + (fraction[1] as string).length;
  }
  const text = chars.slice(start, i);
  // n't: "isn't" -> "is" "n't", "can't" -> "ca" "n't"
  if (isApostrophe(chars[i]) && /^[tT]$/.test(chars[i + 1] ?? '') && !isWordChar(chars[i + 2]) && /n$/i.test(text) && text.length > 1) {
    if (!(atEnd && i + 2 === chars.length)) {
      out.push(text.slice(0, -1), `${text.slice(-1)}'${chars[i + 1] as string}`);
      return i + 2;
    }
  }
  // cannot -> can not, gonna -> gon na, and the like (only 5- and 6-letter words qualify)
  const cut = (text.length === 5 || text.length === 6) && SPLIT_FIRST.has(text.charCodeAt(0) | 0x20) ? SPLIT_WORDS.get(text.toLowerCase()) : undefined;
  if (cut !== undefined) {
    out.push(text.slice(0, cut), text.slice(cut));
    return i;
  }
  out.push(text);
  return i;
}

export type TokenizeMode = 'compat' | 'strict';

export interface TokenizeResult {
  /** Per caption: its tokens, lower-cased and filtered, joined by single spaces. */
  captions: string[];
  /** Captions that held line breaks other than \n (compat: they shifted later captions). */
  lineBreaks: number[];
}

/** Lower-cases and filters the tokens of one line, as the toolkit does. */
function finish(tokens: string[]): string {
  // The toolkit lower-cases, then drops: -LRB- and friends survive as -lrb-, since its list
  // has them in upper case. So only the case-free punctuation is dropped here, and the caption
  // is lower-cased once (spaces bound the context of every case mapping, even final sigma).
  // join() makes a flat string; concatenation would leave a rope for the scorers to flatten.
  const kept: string[] = [];
  for (const t of tokens) {
    // every dropped mark starts below 'A' or with a backquote: most words skip the lookup
    const first = t.charCodeAt(0);
    if ((first < 65 || first === 96) && PUNCTUATION.has(t)) continue;
    kept.push(t);
  }
  return kept.join(' ').toLowerCase();
}

/**
 * Tokenizes the captions of one side (all references, or all candidates) as one call of the
 * toolkit's tokenizer.
 */
export function tokenizeCaptions(captions: readonly string[], mode: TokenizeMode = 'compat'): TokenizeResult {
  const lineBreaks = captions.flatMap((c, i) => (HAS_LINE_BREAK.test(c) ? [i] : []));
  if (mode === 'strict') {
    return {
      captions: captions.map((c, i) => finish(ptbTokens(c.replace(/\n/g, ' ').replace(LINE_BREAK, ' '), i === captions.length - 1))),
      lineBreaks,
    };
  }
  const flat = captions.map((c) => (c.includes('\n') ? c.replace(/\n/g, ' ') : c));
  // one caption per line, unless a caption holds a line break (then lines shift, as in the toolkit)
  const lines = lineBreaks.length === 0 ? flat : flat.join('\n').split(LINE_BREAK).join('\n').split('\n');
  const tokenized = lines.map((line, i) => finish(ptbTokens(line, i === lines.length - 1)));
  return { captions: captions.map((_, i) => tokenized[i] ?? ''), lineBreaks };
}
