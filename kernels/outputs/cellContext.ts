/**
 * The running cell, as library code sees it. The kernel runs every cell inside
 * `runInCell`, and AsyncLocalStorage carries the context through awaits and timers, so a
 * library call made anywhere in a cell can display output into that cell and honour its
 * interrupt without the user passing anything.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { JsonObject, MimeBundle } from './mime';

export interface DisplayHandle {
  readonly displayId: string;
  /** Replaces this output in place. */
  update(bundle: MimeBundle, metadata?: JsonObject): void;
}

export interface CellContext {
  readonly executionId: string;
  /** Aborted when the user interrupts the cell; pass it to anything cancellable. */
  readonly signal: AbortSignal;
  /** Throws if the cell was interrupted, also while the main thread is busy in a loop. */
  throwIfInterrupted(): void;
  display(bundle: MimeBundle, metadata?: JsonObject): DisplayHandle;
}

const storage = new AsyncLocalStorage<CellContext>();

export function runInCell<T>(context: CellContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentCell(): CellContext | undefined {
  return storage.getStore();
}

const neverAborted = new AbortController().signal;

/** The running cell's signal, or one that never aborts outside a cell (plain scripts, tests). */
export function currentSignal(): AbortSignal {
  return storage.getStore()?.signal ?? neverAborted;
}

export function throwIfInterrupted(): void {
  storage.getStore()?.throwIfInterrupted();
}

/** Rejects with the signal's reason when the running cell is interrupted during the wait. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal = currentSignal()): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** An awaitable pause that ends early, with an AbortError, when the cell is interrupted. */
export function sleep(ms: number, signal: AbortSignal = currentSignal()): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
