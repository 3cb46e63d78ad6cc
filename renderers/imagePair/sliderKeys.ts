/**
 * The keys of a custom role="slider" element (the swipe divider), as the WAI-ARIA slider
 * pattern lists them: arrows step (Shift for a big step), Page Up/Down step big, Home and
 * End jump to the ends. Native range inputs do this themselves; the divider is a div.
 */

export interface SliderRange {
  min: number;
  max: number;
  step: number;
  bigStep: number;
}

/** The value after `key`, or null when the key is not a slider key (let it through). */
export function sliderKeyValue(key: string, shiftKey: boolean, value: number, range: SliderRange): number | null {
  const step = shiftKey ? range.bigStep : range.step;
  let next: number;
  switch (key) {
    case 'ArrowLeft':
    case 'ArrowDown':
      next = value - step;
      break;
    case 'ArrowRight':
    case 'ArrowUp':
      next = value + step;
      break;
    case 'PageDown':
      next = value - range.bigStep;
      break;
    case 'PageUp':
      next = value + range.bigStep;
      break;
    case 'Home':
      next = range.min;
      break;
    case 'End':
      next = range.max;
      break;
    default:
      return null;
  }
  return Math.min(range.max, Math.max(range.min, next));
}
