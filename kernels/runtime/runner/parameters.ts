/**
 * Papermill-style parameters: `--param name=value` values are injected as a new cell right
 * after the cell tagged `parameters` (or first, when there is none), so they override its
 * defaults while the notebook keeps them visible.
 */
import { randomBytes } from 'node:crypto';
import { cellTags, type Notebook, type NotebookCell } from '../notebook/nbformat';

export const INJECTED_TAG = 'injected-parameters';

/** `3` -> 3, `true` -> true, `[1,2]` -> [1,2], `"x"` -> "x", anything else -> the raw string. */
export function parseParamValue(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

export function parseParamArgs(args: string[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : '';
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) {
      throw new Error(`--param ${arg}: expected name=value with a JavaScript identifier as the name`);
    }
    params[name] = parseParamValue(arg.slice(eq + 1));
  }
  return params;
}

export function injectParameters(notebook: Notebook, params: Record<string, unknown>): { notebook: Notebook; warning?: string } {
  const names = Object.keys(params);
  const cells = notebook.cells.filter((c) => !cellTags(c).includes(INJECTED_TAG));
  if (names.length === 0) return { notebook: { ...notebook, cells } };
  const source = ['// Parameters given on the command line', ...names.map((n) => `const ${n} = ${JSON.stringify(params[n])};`)].join('\n');
  const injected: NotebookCell = {
    cell_type: 'code',
    id: randomBytes(4).toString('hex'),
    source,
    metadata: { tags: [INJECTED_TAG] },
    outputs: [],
    execution_count: null,
  };
  const at = cells.findIndex((c) => c.cell_type === 'code' && cellTags(c).includes('parameters'));
  const next = [...cells];
  next.splice(at + 1, 0, injected);
  const result: { notebook: Notebook; warning?: string } = { notebook: { ...notebook, cells: next } };
  if (at < 0) result.warning = 'no cell is tagged "parameters"; the parameters were injected as the first cell';
  return result;
}
