/**
 * Notebook (nbformat, in memory) <-> VS Code's NotebookData. What VS Code has no place for
 * (cell ids, nbformat cell metadata, the nbformat output type, an error's traceback) rides
 * in the cell and output metadata, so a notebook survives an edit session unchanged.
 * Outputs VS Code made itself during a session (no such metadata) are mapped by MIME type.
 */
import * as vscode from 'vscode';
import { isBinaryMime, isJsonMime, type JsonObject, type JsonValue, type MimeBundle } from '../kernels/outputs/mime';
import { newCellId, withIdcMetadata, type CellOutput, type Notebook, type NotebookCell } from '../kernels/runtime/notebook/nbformat';

const STDOUT = 'application/vnd.code.notebook.stdout';
const STDERR = 'application/vnd.code.notebook.stderr';
const ERROR = 'application/vnd.code.notebook.error';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What we keep in NotebookCellData.metadata. */
interface CellMetadata {
  id?: string;
  cell_type?: 'raw';
  metadata?: JsonObject;
  attachments?: JsonObject;
}

/** What we keep in NotebookCellOutput.metadata (a type, not an interface, so it fits VS Code's index signature). */
type OutputMetadata = {
  outputType?: CellOutput['output_type'];
  metadata?: JsonObject;
  executionCount?: number | null;
  ename?: string;
  evalue?: string;
  traceback?: string[];
};

/** What we keep in NotebookData.metadata. */
interface DocumentMetadata {
  nbformat?: number;
  nbformat_minor?: number;
  metadata?: JsonObject;
}

export function toNotebookData(nb: Notebook): vscode.NotebookData {
  const data = new vscode.NotebookData(nb.cells.map(toCellData));
  const meta: DocumentMetadata = { nbformat: nb.nbformat, nbformat_minor: nb.nbformat_minor, metadata: nb.metadata };
  data.metadata = meta;
  return data;
}

function toCellData(cell: NotebookCell): vscode.NotebookCellData {
  const meta: CellMetadata = { id: cell.id, metadata: cell.metadata };
  if (cell.cell_type === 'markdown') {
    const data = new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, cell.source, 'markdown');
    if (cell.attachments) meta.attachments = cell.attachments;
    data.metadata = meta;
    return data;
  }
  if (cell.cell_type === 'raw') {
    const data = new vscode.NotebookCellData(vscode.NotebookCellKind.Code, cell.source, 'raw');
    data.metadata = { ...meta, cell_type: 'raw' };
    return data;
  }
  const data = new vscode.NotebookCellData(vscode.NotebookCellKind.Code, cell.source, 'typescript');
  data.metadata = meta;
  data.outputs = cell.outputs.map(toCellOutput);
  if (cell.execution_count !== null) data.executionSummary = { executionOrder: cell.execution_count };
  return data;
}

/** One output item per MIME type: text as UTF-8, JSON as UTF-8 JSON text, binary as the bytes. */
export function bundleToItems(bundle: MimeBundle): vscode.NotebookCellOutputItem[] {
  return Object.entries(bundle).map(([mime, value]) => {
    if (value instanceof Uint8Array) return new vscode.NotebookCellOutputItem(value, mime);
    if (isJsonMime(mime)) return new vscode.NotebookCellOutputItem(encoder.encode(JSON.stringify(value)), mime);
    return vscode.NotebookCellOutputItem.text(typeof value === 'string' ? value : JSON.stringify(value), mime);
  });
}

function toCellOutput(output: CellOutput): vscode.NotebookCellOutput {
  switch (output.output_type) {
    case 'stream': {
      const item = output.name === 'stdout' ? vscode.NotebookCellOutputItem.stdout(output.text) : vscode.NotebookCellOutputItem.stderr(output.text);
      return new vscode.NotebookCellOutput([item], { outputType: 'stream' } satisfies OutputMetadata);
    }
    case 'error': {
      // VS Code shows name, message and stack; the exact traceback lines ride in the metadata.
      const item = vscode.NotebookCellOutputItem.error({ name: output.ename, message: output.evalue, stack: output.traceback.join('\n') });
      return new vscode.NotebookCellOutput([item], {
        outputType: 'error',
        ename: output.ename,
        evalue: output.evalue,
        traceback: output.traceback,
      } satisfies OutputMetadata);
    }
    case 'display_data':
      return new vscode.NotebookCellOutput(bundleToItems(output.data), { outputType: 'display_data', metadata: output.metadata } satisfies OutputMetadata);
    case 'execute_result':
      return new vscode.NotebookCellOutput(bundleToItems(output.data), {
        outputType: 'execute_result',
        metadata: output.metadata,
        executionCount: output.execution_count,
      } satisfies OutputMetadata);
  }
}

// ---- back to nbformat ---------------------------------------------------------------------

export function fromNotebookData(data: vscode.NotebookData): Notebook {
  const meta = (data.metadata ?? {}) as DocumentMetadata;
  const minor = meta.nbformat_minor;
  return {
    nbformat: 4,
    nbformat_minor: typeof minor === 'number' && Number.isInteger(minor) && minor >= 5 ? minor : 5,
    // A notebook made by VS Code itself (File > New) has no nbformat metadata yet.
    metadata: withIdcMetadata(asObject(meta.metadata) ?? {}),
    cells: data.cells.map(fromCellData),
  };
}

function fromCellData(cell: vscode.NotebookCellData): NotebookCell {
  const meta = (cell.metadata ?? {}) as CellMetadata;
  // A cell added in the editor has no id yet; it gets one now.
  const id = typeof meta.id === 'string' && meta.id !== '' ? meta.id : newCellId();
  const metadata = asObject(meta.metadata) ?? {};
  if (cell.kind === vscode.NotebookCellKind.Markup) {
    const attachments = asObject(meta.attachments);
    return attachments ? { cell_type: 'markdown', id, source: cell.value, metadata, attachments } : { cell_type: 'markdown', id, source: cell.value, metadata };
  }
  if (meta.cell_type === 'raw' || cell.languageId === 'raw') return { cell_type: 'raw', id, source: cell.value, metadata };
  const executionCount = cell.executionSummary?.executionOrder ?? null;
  return {
    cell_type: 'code',
    id,
    source: cell.value,
    metadata,
    outputs: (cell.outputs ?? []).flatMap((output) => fromCellOutput(output, executionCount)),
    execution_count: executionCount,
  };
}

/**
 * One VS Code output can hold what nbformat keeps apart: stdout and stderr items (streams
 * are appended item by item), error items, and rich items. Each run of one stream becomes
 * a stream output, each error an error output, and the rich items one display/result output.
 */
function fromCellOutput(output: vscode.NotebookCellOutput, cellExecutionCount: number | null): CellOutput[] {
  const meta = (output.metadata ?? {}) as OutputMetadata;
  const outputs: CellOutput[] = [];
  let rich: MimeBundle | undefined;
  for (const item of output.items) {
    if (item.mime === STDOUT || item.mime === STDERR) {
      const name = item.mime === STDOUT ? 'stdout' : 'stderr';
      const last = outputs.at(-1);
      if (last?.output_type === 'stream' && last.name === name) last.text += decoder.decode(item.data);
      else outputs.push({ output_type: 'stream', name, text: decoder.decode(item.data) });
    } else if (item.mime === ERROR) {
      outputs.push(errorOutput(item.data, meta));
    } else {
      if (!rich) {
        rich = {};
        outputs.push(richOutput(rich, meta, cellExecutionCount));
      }
      rich[item.mime] = mimeData(item);
    }
  }
  return outputs;
}

function errorOutput(data: Uint8Array, meta: OutputMetadata): CellOutput {
  if (meta.outputType === 'error' && Array.isArray(meta.traceback)) {
    return { output_type: 'error', ename: meta.ename ?? '', evalue: meta.evalue ?? '', traceback: meta.traceback };
  }
  const error = parseJson(decoder.decode(data));
  const field = (name: string): string | undefined => {
    const value = typeof error === 'object' && error !== null && !Array.isArray(error) ? error[name] : undefined;
    return typeof value === 'string' ? value : undefined;
  };
  const stack = field('stack');
  return { output_type: 'error', ename: field('name') ?? 'Error', evalue: field('message') ?? '', traceback: stack ? stack.split('\n') : [] };
}

function richOutput(bundle: MimeBundle, meta: OutputMetadata, cellExecutionCount: number | null): CellOutput {
  const metadata = asObject(meta.metadata) ?? {};
  if (meta.outputType !== 'execute_result') return { output_type: 'display_data', data: bundle, metadata };
  // A result shown during this session carries no count of its own: it is the cell's.
  const count = meta.executionCount === undefined ? cellExecutionCount : meta.executionCount;
  return { output_type: 'execute_result', data: bundle, metadata, execution_count: count };
}

function mimeData(item: vscode.NotebookCellOutputItem): string | Uint8Array | JsonValue {
  // Copy: VS Code may hand over a view into a larger buffer that it reuses.
  if (isBinaryMime(item.mime)) return new Uint8Array(item.data);
  const text = decoder.decode(item.data);
  if (!isJsonMime(item.mime)) return text;
  // Another extension's output may claim +json and not be JSON; keep its text rather than fail the save.
  const json = parseJson(text);
  return json === undefined ? text : json;
}

function parseJson(text: string): JsonValue | undefined {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

function asObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}
