/**
 * What every IDC Lab renderer shares: a fresh shadow-root content with its style sheet, a
 * readable problem message, element creation with text (never markup), labelled controls,
 * and the theme's colours read from VS Code's `--vscode-*` variables.
 */

/** Base style: theme variables with fallbacks for the HTML report and tests. */
export const BASE_STYLE = `
:host { display: block; font-family: var(--vscode-font-family, sans-serif); font-size: var(--vscode-font-size, 13px);
  color: var(--vscode-foreground, #333); }
button, select, input { font: inherit; color: var(--vscode-button-secondaryForeground, var(--vscode-foreground, #333));
  background: var(--vscode-button-secondaryBackground, var(--vscode-editorWidget-background, #eee));
  border: 1px solid var(--vscode-contrastBorder, var(--vscode-panel-border, #ccc)); border-radius: 2px; padding: 2px 8px; }
button[aria-pressed="true"] { background: var(--vscode-button-background, #0e70c0); color: var(--vscode-button-foreground, #fff); }
:focus-visible { outline: 1px solid var(--vscode-focusBorder, #0090f1); outline-offset: 1px; }
label { display: inline-flex; align-items: center; gap: 4px; }
.toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px; margin: 4px 0; }
.title { font-weight: 600; margin: 4px 0; }
.notes { color: var(--vscode-descriptionForeground, #666); font-size: 0.92em; }
.error { color: var(--vscode-errorForeground, #a1260d); }
`;

/** Empties `root` and gives it the base style plus `style`; returns its document. */
export function startRoot(root: ShadowRoot | HTMLElement, style: string): Document {
  const doc = root.ownerDocument;
  root.replaceChildren();
  const sheet = doc.createElement('style');
  sheet.textContent = BASE_STYLE + style;
  root.append(sheet);
  return doc;
}

/** An element with a class and text content (the only way payload text reaches the page). */
export function el<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = doc.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A labelled button; `pressed` makes it a toggle (aria-pressed). */
export function button(doc: Document, label: string, onClick: () => void, pressed?: boolean): HTMLButtonElement {
  const b = el(doc, 'button', undefined, label);
  b.type = 'button';
  if (pressed !== undefined) b.setAttribute('aria-pressed', String(pressed));
  b.addEventListener('click', onClick);
  return b;
}

/** A range input with a visible label: <label>text <input type=range></label>. */
export function slider(
  doc: Document,
  label: string,
  min: number,
  max: number,
  step: number,
  value: number,
  onInput: (value: number) => void,
): { label: HTMLLabelElement; input: HTMLInputElement } {
  const l = el(doc, 'label', 'slider', `${label} `);
  const input = el(doc, 'input');
  input.type = 'range';
  input.min = String(min);
  input.max = String(max);
  input.step = String(step);
  input.value = String(value);
  input.setAttribute('aria-label', label);
  input.addEventListener('input', () => onInput(Number(input.value)));
  l.append(input);
  return { label: l, input };
}

/** A select with a visible label, options given as [value, text]. */
export function choice(
  doc: Document,
  label: string,
  options: ReadonlyArray<readonly [string, string]>,
  value: string,
  onChange: (value: string) => void,
): { label: HTMLLabelElement; select: HTMLSelectElement } {
  const l = el(doc, 'label', 'choice', `${label} `);
  const select = el(doc, 'select');
  select.setAttribute('aria-label', label);
  for (const [v, text] of options) {
    const o = el(doc, 'option', undefined, text);
    o.value = v;
    select.append(o);
  }
  select.value = value;
  select.addEventListener('change', () => onChange(select.value));
  l.append(select);
  return { label: l, select };
}

/** Replaces root's content with a message saying why the output cannot be shown. */
export function renderProblem(root: ShadowRoot | HTMLElement, what: string, problem: string): void {
  const doc = startRoot(root, '');
  const e = el(doc, 'div', 'error', `Cannot show this ${what}: ${problem}`);
  e.setAttribute('role', 'status');
  root.append(e);
}

/** A theme colour from a `--vscode-*` variable on `host` (or the document), else `fallback`. */
export function themeColour(host: Element, variable: string, fallback: string): string {
  const view = host.ownerDocument.defaultView;
  const value = view ? view.getComputedStyle(host).getPropertyValue(variable).trim() : '';
  return value || fallback;
}

/** Decoded JSON of an output item, or the reason it is not JSON. */
export function readJson(item: { json(): unknown }): { ok: true; value: unknown } | { ok: false; problem: string } {
  try {
    return { ok: true, value: item.json() };
  } catch (e) {
    return { ok: false, problem: `the payload is not valid JSON (${e instanceof Error ? e.message : String(e)})` };
  }
}

/** Offers `blob` as a download named `name` (an <a download> click; no network). */
export function download(doc: Document, blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = el(doc, 'a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  doc.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
