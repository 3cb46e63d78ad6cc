/**
 * A keyword classifier of change captions into the synthetic categories: the judge of
 * "category accuracy", whether a model's caption names the kind of change the pair shows.
 * CIDEr alone rewards template n-grams shared across categories ("the red circle was ..."),
 * so a model can score well without seeing the change; a caption that names the wrong kind
 * of change is wrong here whatever its n-grams. Rules are tried in a fixed order, most
 * specific first; the first category (of those asked for) whose rule matches wins.
 */
import { OBJECT_COLOUR_NAMES } from './palette';
import { ALL_CATEGORIES, type SyntheticCategory } from './edits';

const COLOUR = `(?:${OBJECT_COLOUR_NAMES.join('|')})`;
const MATERIAL = '(?:metal|metallic|shiny|rubber|matte)';

/** Rules in the order they are tried. `drop` shares remove's words. */
const RULES: ReadonlyArray<[SyntheticCategory, RegExp]> = [
  ['distractor', /\b(no change|nothing|the same|no difference|identical|unchanged|no object has changed)\b/],
  ['text', /\b(sign|text|word|says|reads?|reading|written|write|rewrite)\b/],
  ['style', /\b(sketch|drawing|pixel|pixelated|8-bit|sepia|vintage|photograph|pop art|poster|style|restyled|redraw)\b/],
  ['global', /\b(night|nighttime|sunset|evening|fog|foggy|mist|misty|hazy|snow|snowy|snowing|snowflakes|winter)\b/],
  ['background', /\b(background|backdrop)\b/],
  ['material', new RegExp(`\\b(material|made of|instead of ${MATERIAL}|from ${MATERIAL}|became ${MATERIAL}$|is ${MATERIAL} now)\\b`)],
  [
    'local',
    /\b(bigger|larger|smaller|enlarge|shrink|grew|size|scale|shape|reshape|into an? (circle|square|triangle|diamond)|became an? (circle|square|triangle|diamond)|is now an? \w+ (circle|square|triangle|diamond)|is now (large|small))\b|^make .* an? (circle|square|triangle|diamond)$/,
  ],
  [
    'color',
    new RegExp(
      `\\b(colou?r|recolou?r|paint|turned ${COLOUR}|became ${COLOUR}|is now ${COLOUR}|${COLOUR} \\w+ ${COLOUR}$|${COLOUR} ${COLOUR}$)\\b|^make .* ${COLOUR}$`,
    ),
  ],
  ['move', /\b(move|moved|moving|position|shifted|relocated)\b|\bis (in|on|at) the [a-z ]+ now$/],
  ['remove', /\b(remove|removed|gone|take away|delete|deleted|disappeared|get rid|erase|erased|missing)\b/],
  ['drop', /\b(remove|removed|gone|take away|delete|deleted|disappeared|get rid|erase|erased|missing|dropped)\b/],
  ['add', /\b(add|added|put|place|placed|insert|inserted|new|appears|appeared|there is now)\b/],
];

/**
 * The category a caption names, among `categories` (default: all synthetic categories), or
 * undefined when no rule matches. Captions are compared in lower case.
 */
export function classifyChange(caption: string, categories: readonly string[] = ALL_CATEGORIES): SyntheticCategory | undefined {
  const text = caption
    .toLowerCase()
    .replace(/[.!?]+$/, '')
    .trim();
  for (const [category, rule] of RULES) {
    if (categories.includes(category) && rule.test(text)) return category;
  }
  return undefined;
}

/** Share of captions classified as their true category (captions[i] is of categories[i]). */
export function categoryAccuracy(captions: readonly string[], truth: readonly string[], categories: readonly string[]): number {
  if (captions.length !== truth.length) throw new RangeError(`categoryAccuracy: ${captions.length} captions for ${truth.length} categories`);
  if (captions.length === 0) return 0;
  let right = 0;
  captions.forEach((c, i) => {
    if (classifyChange(c, categories) === truth[i]) right++;
  });
  return right / captions.length;
}
