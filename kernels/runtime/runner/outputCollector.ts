/**
 * Collects one execution's events as nbformat outputs: consecutive text of one stream is
 * merged into one output, and a display update replaces its output where it stands. Every
 * event is also passed on as it comes, for the terminal (terminalOutput.ts).
 */
import type { JsonObject, MimeBundle } from '../../outputs/mime';
import type { CellError } from '../protocol';
import type { CellOutput, DisplayDataOutput } from '../notebook/nbformat';
import type { ExecutionCallbacks } from '../host/kernelProcess';

/** Who hears of a cell's outputs as they come. */
export interface OutputEcho {
  stream?(name: 'stdout' | 'stderr', text: string): void;
  /** A display output, or an in-place update of the one with the same id. */
  display?(displayId: string, bundle: MimeBundle): void;
  /** The value of the cell's last expression. */
  result?(bundle: MimeBundle): void;
}

export class OutputCollector implements ExecutionCallbacks {
  readonly outputs: CellOutput[] = [];
  private readonly displays = new Map<string, DisplayDataOutput>();

  constructor(private readonly echo: OutputEcho = {}) {}

  onStream(name: 'stdout' | 'stderr', text: string): void {
    this.echo.stream?.(name, text);
    const last = this.outputs[this.outputs.length - 1];
    if (last?.output_type === 'stream' && last.name === name) last.text += text;
    else this.outputs.push({ output_type: 'stream', name, text });
  }

  onDisplay(displayId: string, bundle: MimeBundle, metadata: JsonObject, update: boolean): void {
    this.echo.display?.(displayId, bundle);
    const existing = this.displays.get(displayId);
    if (update && existing) {
      existing.data = bundle;
      existing.metadata = metadata;
      return;
    }
    const output: DisplayDataOutput = { output_type: 'display_data', data: bundle, metadata };
    this.displays.set(displayId, output);
    this.outputs.push(output);
  }

  result(executionCount: number, bundle: MimeBundle): void {
    this.echo.result?.(bundle);
    this.outputs.push({ output_type: 'execute_result', data: bundle, metadata: {}, execution_count: executionCount });
  }

  error(error: CellError, cellLabel: string): void {
    const where = error.line !== undefined ? ` (${cellLabel}, line ${error.line}, column ${error.column ?? 1})` : '';
    this.outputs.push({
      output_type: 'error',
      ename: error.name,
      evalue: error.message,
      traceback: [`${error.name}: ${error.message}${where}`, ...error.stack.map((line) => `    ${line}`)],
    });
  }

  failure(ename: string, message: string): void {
    this.outputs.push({ output_type: 'error', ename, evalue: message, traceback: [`${ename}: ${message}`] });
  }
}
