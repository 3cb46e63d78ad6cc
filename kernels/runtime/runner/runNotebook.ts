/**
 * Executes every code cell of a notebook in order in one kernel, collecting outputs, and
 * stops at the first failure, as "Run All" does. Cells are named by their 1-based position
 * in the notebook as the user wrote it ("cell 2"), whatever was injected.
 */
import type { KernelSession } from '../host/kernelSession';
import type { CellError } from '../protocol';
import type { CodeCell, Notebook, NotebookCell } from '../notebook/nbformat';
import { OutputCollector, type OutputEcho } from './outputCollector';
import { injectParameters, INJECTED_TAG } from './parameters';
import { cellTags } from '../notebook/nbformat';

export interface CellFailure {
  /** 1-based position among the notebook's cells as written (0 for the injected cell). */
  cellNumber: number;
  label: string;
  kind: 'error' | 'timeout' | 'died' | 'interrupted';
  message: string;
  error?: CellError;
}

/** What a run tells as it goes; the outputs of the running cell come through OutputEcho's methods. */
export interface RunEvents extends OutputEcho {
  cellStarted?(label: string, index: number, count: number): void;
  cellFinished?(label: string, status: string, seconds: number): void;
  warning?(text: string): void;
}

export interface RunOptions {
  session: KernelSession;
  params?: Record<string, unknown>;
  /** Per-cell limit; a cell still running then is interrupted and the run fails. */
  timeoutSeconds?: number;
  events?: RunEvents;
}

export interface RunResult {
  notebook: Notebook;
  failure?: CellFailure;
  seconds: number;
}

export async function runNotebook(input: Notebook, options: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const labels = new Map(input.cells.map((cell, i) => [cell, { number: i + 1, label: `cell ${i + 1}` }]));
  const { notebook, warning } = injectParameters(input, options.params ?? {});
  if (warning) options.events?.warning?.(warning);

  const cells: NotebookCell[] = notebook.cells.map((cell) => (cell.cell_type === 'code' ? { ...cell, outputs: [], execution_count: null } : cell));
  const codeCells = cells.filter((c): c is CodeCell => c.cell_type === 'code');
  const result: RunResult = { notebook: { ...notebook, cells }, seconds: 0 };

  for (const [i, cell] of codeCells.entries()) {
    const original = input.cells.find((c) => c.id === cell.id);
    const named = (original && labels.get(original)) ?? { number: 0, label: cellTags(cell).includes(INJECTED_TAG) ? 'injected parameters' : 'cell ?' };
    options.events?.cellStarted?.(named.label, i + 1, codeCells.length);
    const cellStart = Date.now();
    const collector = new OutputCollector(options.events);
    cell.outputs = collector.outputs;

    let timedOut = false;
    const timer =
      options.timeoutSeconds !== undefined
        ? setTimeout(() => {
            timedOut = true;
            options.session.interrupt();
          }, options.timeoutSeconds * 1000)
        : undefined;
    const outcome = await options.session.execute(cell.source, named.label, collector);
    if (timer) clearTimeout(timer);
    if (outcome.executionCount !== undefined) cell.execution_count = outcome.executionCount;
    const seconds = (Date.now() - cellStart) / 1000;

    let failure: CellFailure | undefined;
    if (outcome.status === 'ok') {
      if (outcome.result) collector.result(outcome.executionCount, outcome.result);
    } else if (outcome.status === 'error') {
      collector.error(outcome.error, named.label);
      const where = outcome.error.line !== undefined ? `, line ${outcome.error.line}` : '';
      failure = {
        cellNumber: named.number,
        label: named.label,
        kind: 'error',
        error: outcome.error,
        message: `${named.label}${where}: ${outcome.error.name}: ${outcome.error.message}`,
      };
    } else if (timedOut) {
      const message = `${named.label} did not finish within ${options.timeoutSeconds} s and was interrupted`;
      collector.failure('TimeoutError', message);
      failure = { cellNumber: named.number, label: named.label, kind: 'timeout', message };
    } else if (outcome.status === 'interrupted') {
      collector.failure('InterruptError', 'Interrupted');
      failure = { cellNumber: named.number, label: named.label, kind: 'interrupted', message: `${named.label} was interrupted` };
    } else {
      collector.failure('KernelDied', outcome.message);
      failure = { cellNumber: named.number, label: named.label, kind: 'died', message: `${named.label}: ${outcome.message}` };
    }
    options.events?.cellFinished?.(named.label, failure ? failure.kind : 'ok', seconds);
    if (failure) {
      result.failure = failure;
      break;
    }
  }
  result.seconds = (Date.now() - started) / 1000;
  return result;
}
