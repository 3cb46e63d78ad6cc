/**
 * Runs cells one at a time: compile, evaluate in the kernel's global scope inside the cell's
 * context, report the result, the error or the interrupt. Every execution ends with exactly
 * one `done` message, whatever happens to the cell's promise afterwards.
 */
import vm from 'node:vm';
import { runInCell, type CellContext, type DisplayHandle } from '../../outputs/cellContext';
import type { JsonObject, MimeBundle } from '../../outputs/mime';
import type { CellError, DoneEvent, ExecuteRequest } from '../protocol';
import { CellSyntaxError, compileCell } from './cellTransform';
import { InterruptError, type InterruptState } from './interrupts';
import { isDisplayHandle } from './displayApi';
import { resultBundle } from './mimeBundles';
import type { ModuleLoader } from './moduleLoader';
import type { OutputSink } from './outputSink';
import { CellSourceMaps } from './stackTrace';

interface RunningCell {
  seq: number;
  executionId: string;
  controller: AbortController;
  finish(status: DoneEvent['status'], result?: MimeBundle, error?: CellError): void;
}

type CellFunction = (check: () => void, resume: <T>(value: T) => T, load: ModuleLoader) => Promise<unknown>;

export class CellExecutor {
  private count = 0;
  private running: RunningCell | undefined;
  private queue: Promise<void> = Promise.resolve();
  private displayCount = 0;
  readonly sourceMaps = new CellSourceMaps();

  constructor(
    private readonly sink: OutputSink,
    private readonly interrupts: InterruptState,
    private readonly loader: ModuleLoader,
  ) {}

  /** The execution that output without a cell context belongs to. */
  get runningExecutionId(): string | undefined {
    return this.running?.executionId;
  }

  enqueue(request: ExecuteRequest): Promise<void> {
    this.queue = this.queue.then(() => this.execute(request));
    return this.queue;
  }

  /** An interrupt seen by the main thread: the cell is awaiting, or has just stopped. */
  interrupt(seq: number): void {
    const cell = this.running;
    this.interrupts.markInterrupted(seq);
    if (!cell || cell.seq !== seq) return;
    cell.controller.abort(new InterruptError());
    cell.finish('interrupted');
  }

  private execute(request: ExecuteRequest): Promise<void> {
    const seq = ++this.count;
    const fileName = `idc-cell-${seq}.js`;
    const controller = new AbortController();
    this.sink.message({ type: 'started', executionId: request.executionId, executionCount: seq });

    return new Promise<void>((resolve) => {
      let finished = false;
      const cell: RunningCell = {
        seq,
        executionId: request.executionId,
        controller,
        finish: (status, result, error) => {
          if (finished) return;
          finished = true;
          this.interrupts.end(seq);
          if (this.running === cell) this.running = undefined;
          const done: DoneEvent = { type: 'done', executionId: request.executionId, executionCount: seq, status };
          if (result) done.result = result;
          if (error) done.error = error;
          this.sink.message(done);
          resolve();
        },
      };
      this.running = cell;
      this.interrupts.begin(seq);
      const interruptCheck = this.interrupts.checkFor(seq);
      const context = this.contextFor(request.executionId, interruptCheck, controller.signal);

      let fn: CellFunction;
      try {
        const compiled = compileCell(request.code, fileName);
        this.sourceMaps.register(fileName, compiled.sourceMap, request.cellLabel);
        fn = vm.runInThisContext(compiled.code, { filename: fileName }) as CellFunction;
      } catch (error) {
        cell.finish('error', undefined, this.describe(error, fileName));
        return;
      }
      const check = () => {
        interruptCheck();
        this.sink.tick();
      };
      const resume = <T>(value: T): T => {
        check();
        return value;
      };
      runInCell(context, () => fn(check, resume, this.loader)).then(
        (value) => {
          if (finished) return;
          let result: MimeBundle | undefined;
          try {
            // A handle from a final display(...) call is not a result worth showing.
            result = value === undefined || isDisplayHandle(value) ? undefined : resultBundle(value);
          } catch (error) {
            cell.finish('error', undefined, this.describe(error, fileName));
            return;
          }
          cell.finish('ok', result);
        },
        (error: unknown) => {
          if (error instanceof InterruptError || this.interrupts.isInterrupted(seq)) {
            controller.abort(new InterruptError());
            cell.finish('interrupted');
          } else {
            cell.finish('error', undefined, this.describe(error, fileName));
          }
        },
      );
    });
  }

  describe(error: unknown, fileName: string): CellError {
    if (error instanceof CellSyntaxError) {
      return { name: 'SyntaxError', message: error.message, stack: [], line: error.line, column: error.column };
    }
    return this.sourceMaps.toCellError(error, fileName);
  }

  private contextFor(executionId: string, check: () => void, signal: AbortSignal): CellContext {
    return {
      executionId,
      signal,
      throwIfInterrupted: () => {
        if (signal.aborted) throw signal.reason;
        check();
      },
      display: (bundle: MimeBundle, metadata: JsonObject = {}): DisplayHandle => {
        const displayId = `d${++this.displayCount}`;
        this.sink.display({ executionId, displayId, bundle, metadata, update: false });
        return {
          displayId,
          update: (next: MimeBundle, nextMetadata: JsonObject = metadata) =>
            this.sink.display({ executionId, displayId, bundle: next, metadata: nextMetadata, update: true }),
        };
      },
    };
  }
}
