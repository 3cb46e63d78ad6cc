/**
 * Notebook (nbformat, in memory) <-> VS Code's NotebookData. What VS Code has no place for
 * (cell ids, nbformat cell metadata, the nbformat output type, an error's traceback) rides
 * in the cell and output metadata, so a notebook survives an edit session unchanged.
 */
import * as vscode from 'vscode';
import { isBinaryMime, isJsonMime, type JsonObject, type JsonValue, type MimeBundle } from '../kernels/idc/display/mime';
import { newCellId, type CellOutput, type Notebook, type NotebookCell } from '../kernels/runtime/notebook/nbformat';

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

export function toNotebookData(nb: Notebook): vscode.NotebookData {
  const data = new vscode.NotebookData(nb.cells.map(toCellData));
  data.metadata = { nbformat: nb.nbformat, nbformat_minor: nb.nbformat_minor, metadata: nb.metadata };
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

export function bundleToItems(bundle: MimeBundle): vscode.NotebookCellOutputItem[] {
  return Object.entries(bundle).map(([mime, value]) => {
    if (value instanceof Uint8Array) return new vscode.NotebookCellOutputItem(value, mime);
    if (isJsonMime(mime)) return new vscode.NotebookCellOutputItem(encoder.encode(JSON.stringify(value)), mime);
    return vscode.NotebookCellOutputItem.text(typeof value === 'string' ? value : JSON.stringify(value), mime);
  });
}

function toCellOutput(output: CellOutput): vscode.NotebookCellOutput {
  switch (output.output_type) {
    case 'stream':
      return new vscode.NotebookCellOutput(
        [output.name === 'stdout' ? vscode.NotebookCellOutputItem.stdout(output.text) : vscode.NotebookCellOutputItem.stderr(output.text)],
        { outputType: 'stream' },
      );
    case 'error':
      return new vscode.NotebookCellOutput(
        [vscode.NotebookCellOutputItem.error({ name: output.ename, message: output.evalue, stack: output.traceback.join('\n') })],
        { outputType: 'error', ename: output.ename, evalue: output.evalue, traceback: output.traceback },
      );
    case 'display_data':
      return new vscode.NotebookCellOutput(bundleToItems(output.data), { outputType: 'display_data', metadata: output.metadata });
    case 'execute_result':
      return new vscode.NotebookCellOutput(bundleToItems(output.data), {
        outputType: 'execute_result',
        metadata: output.metadata,
        executionCount: output.execution_count,
      });
  }
}

// ---- back to nbformat ---------------------------------------------------------------------

export function fromNotebookData(data: vscode.NotebookData): Notebook {
  const meta = (data.metadata ?? {}) as { nbformat_minor?: number; metadata?: JsonObject };
  return {
    nbformat: 4,
    nbformat_minor: typeof meta.nbformat_minor === 'number' ? meta.nbformat_minor : 5,
    metadata: meta.metadata ?? {},
    cells: data.cells.map(fromCellData),
  };
}

function fromCellData(cell: vscode.NotebookCellData): NotebookCell {
  const meta = (cell.metadata ?? {}) as CellMetadata;
  const id = typeof meta.id === 'string' ? meta.id : newCellId();
  const metadata = meta.metadata ?? {};
  if (cell.kind === vscode.NotebookCellKind.Markup) {
    return meta.attachments ? { cell_type: 'markdown', id, source: cell.value, metadata, attachments: meta.attachments } : { cell_type: 'markdown', id, source: cell.value, metadata };
  }
  if (meta.cell_type === 'raw' || cell.languageId === 'raw') return { cell_type: 'raw', id, source: cell.value, metadata };
  return {
    cell_type: 'code',
    id,
    source: cell.value,
    metadata,
    outputs: (cell.outputs ?? []).map(fromCellOutput),
    execution_count: cell.executionSummary?.executionOrder ?? null,
  };
}

function fromCellOutput(output: vscode.NotebookCellOutput): CellOutput {
  const meta = (output.metadata ?? {}) as { outputType?: string; metadata?: JsonObject; executionCount?: number | null; ename?: string; evalue?: string; traceback?: string[] };
  const items = output.items;
  const first = items[0];
  if (first && (first.mime === STDOUT || first.mime === STDERR)) {
    return { output_type: 'stream', name: first.mime === STDOUT ? 'stdout' : 'stderr', text: items.map((i) => decoder.decode(i.data)).join('') };
  }
  if (first?.mime === ERROR) {
    if (meta.outputType === 'error' && meta.traceback) {
      return { output_type: 'error', ename: meta.ename ?? '', evalue: meta.evalue ?? '', traceback: meta.traceback };
    }
    const error = JSON.parse(decoder.decode(first.data)) as { name?: string; message?: string; stack?: string };
    return { output_type: 'error', ename: error.name ?? 'Error', evalue: error.message ?? '', traceback: (error.stack ?? '').split('\n') };
  }
  const bundle: MimeBundle = {};
  for (const item of items) {
    if (isJsonMime(item.mime)) bundle[item.mime] = JSON.parse(decoder.decode(item.data)) as JsonValue;
    else if (isBinaryMime(item.mime)) bundle[item.mime] = item.data;
    else bundle[item.mime] = decoder.decode(item.data);
  }
  if (meta.outputType === 'execute_result') {
    return { output_type: 'execute_result', data: bundle, metadata: meta.metadata ?? {}, execution_count: meta.executionCount ?? null };
  }
  return { output_type: 'display_data', data: bundle, metadata: meta.metadata ?? {} };
}
