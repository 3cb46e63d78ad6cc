/**
 * Interrupts that keep the kernel's state.
 *
 * While a cell runs a synchronous loop the main thread reads no messages, so a watchdog
 * worker thread reads interrupt requests from their own pipe and raises a flag in shared
 * memory. The cell transform put a check into every loop body, catch clause and await of
 * cell code (and library loops call the same check): it sees the flag and throws
 * InterruptError, which unwinds the cell like any exception. (Terminating V8 execution from
 * the inspector was tried first: it corrupts Node's async-hook stack and aborts the process.)
 * When the main thread is idle instead, awaiting, the worker's message reaches it and the
 * cell's AbortSignal fires.
 */
import { Worker } from 'node:worker_threads';

export class InterruptError extends Error {
  constructor() {
    super('Interrupted by the user');
    this.name = 'InterruptError';
  }
}

const CURRENT = 0;
const REQUESTED = 1;

// Runs in the worker: one line on the pipe per interrupt request. The pipe is read as a
// non-blocking socket: a blocking fs read would hold a thread-pool thread, and process.exit
// in a cell would then wait forever for the worker to stop.
const WATCHDOG_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const flags = workerData.flags;
const pipe = new net.Socket({ fd: workerData.fd, readable: true, writable: false });
pipe.on('data', (chunk) => {
  for (const _ of String(chunk).split('\\n').slice(1)) {
    const seq = Atomics.load(flags, ${CURRENT});
    if (seq === 0) continue;
    Atomics.store(flags, ${REQUESTED}, seq);
    parentPort.postMessage(seq);
  }
});
pipe.on('error', () => {});
`;

export class InterruptState {
  private readonly flags = new Int32Array(new SharedArrayBuffer(8));
  private readonly interrupted = new Set<number>();
  private watchdog: Worker | undefined;

  /** Marks `seq` as the running execution. */
  begin(seq: number): void {
    Atomics.store(this.flags, REQUESTED, 0);
    Atomics.store(this.flags, CURRENT, seq);
  }

  end(seq: number): void {
    Atomics.compareExchange(this.flags, CURRENT, seq, 0);
  }

  /** Records an interrupt seen on the main thread (the cell may still be awaiting). */
  markInterrupted(seq: number): void {
    this.interrupted.add(seq);
    // Older entries can no longer matter: only abandoned continuations of recent cells run.
    if (this.interrupted.size > 64) this.interrupted.delete(this.interrupted.values().next().value as number);
  }

  isInterrupted(seq: number): boolean {
    if (this.interrupted.has(seq)) return true;
    const requested = Atomics.load(this.flags, REQUESTED);
    return requested !== 0 && requested === seq && Atomics.load(this.flags, CURRENT) === seq;
  }

  /**
   * The check that cell code of execution `seq` calls. It throws when that execution was
   * interrupted, and also when whatever runs now was (a function from an earlier cell
   * called in a loop of the current one).
   */
  checkFor(seq: number): () => void {
    const flags = this.flags;
    const interrupted = this.interrupted;
    return () => {
      const requested = Atomics.load(flags, REQUESTED);
      if ((requested !== 0 && requested === Atomics.load(flags, CURRENT)) || (interrupted.size > 0 && interrupted.has(seq))) {
        throw new InterruptError();
      }
    };
  }

  /** Starts the watchdog on `fd`; `onInterrupt` runs on the main thread once it is free. */
  startWatchdog(fd: number, onInterrupt: (seq: number) => void): void {
    this.watchdog = new Worker(WATCHDOG_SOURCE, { eval: true, workerData: { flags: this.flags, fd } });
    this.watchdog.on('message', (seq: number) => onInterrupt(seq));
    this.watchdog.unref();
  }
}
