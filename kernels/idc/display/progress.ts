/**
 * `for await (const x of idc.progress(items))`: a progress line in the running cell with
 * count, rate and ETA, updated in place at most every `intervalMs`. Each step also checks
 * for an interrupt, so a loop over progress() stops promptly even when its body is sync.
 */
import { currentCell, type DisplayHandle } from '../../outputs/cellContext';
import { IDC_MIME, type MimeBundle } from '../../outputs/mime';
import type { ProgressPayload } from '../../outputs/contracts';
import { formatProgressText } from '../../outputs/progressText';
import { checkOptions, type OptionKeys } from '../../platform/options';

export interface ProgressOptions {
  label?: string;
  /** Number of items, when the iterable has no length or size of its own. */
  total?: number;
  /** Minimum time between two updates of the output. */
  intervalMs?: number;
}

type Source<T> = Iterable<T> | AsyncIterable<T>;

const PROGRESS_OPTIONS: OptionKeys<ProgressOptions> = { label: true, total: true, intervalMs: true };

export function progress<T>(items: Source<T>, options: ProgressOptions = {}): Iterable<T> & AsyncIterable<T> {
  checkOptions('idc.progress', options, PROGRESS_OPTIONS);
  const total = options.total ?? lengthOf(items);
  const tracker = new ProgressTracker(options.label ?? 'progress', total, options.intervalMs ?? 200);
  return {
    *[Symbol.iterator]() {
      if (!(Symbol.iterator in items)) throw new TypeError('progress(): this source is async; use `for await`');
      yield* tracker.wrap(items as Iterable<T>);
    },
    async *[Symbol.asyncIterator]() {
      tracker.start();
      let state: ProgressPayload['state'] = 'failed';
      try {
        for await (const item of items) {
          tracker.step();
          yield item;
        }
        state = 'done';
      } finally {
        tracker.finish(state);
      }
    },
  };
}

function lengthOf(items: unknown): number | null {
  if (Array.isArray(items) || ArrayBuffer.isView(items)) return (items as ArrayLike<unknown>).length;
  const size = (items as { size?: unknown }).size;
  return typeof size === 'number' ? size : null;
}

class ProgressTracker {
  private done = 0;
  private started = 0;
  private lastUpdate = 0;
  private begun = false;
  private handle: DisplayHandle | undefined;
  private readonly cell = currentCell();

  constructor(
    private readonly label: string,
    private readonly total: number | null,
    private readonly intervalMs: number,
  ) {}

  *wrap<T>(items: Iterable<T>): Generator<T> {
    this.start();
    let state: ProgressPayload['state'] = 'failed';
    try {
      for (const item of items) {
        this.step();
        yield item;
      }
      state = 'done';
    } finally {
      this.finish(state);
    }
  }

  start(): void {
    this.started = Date.now();
    this.handle = this.cell?.display(this.bundle('running'));
    this.lastUpdate = this.started;
  }

  step(): void {
    this.cell?.throwIfInterrupted();
    // Asking for item k means k items are finished; the last one finishes in finish().
    if (this.begun) this.done += 1;
    this.begun = true;
    const now = Date.now();
    if (now - this.lastUpdate >= this.intervalMs) {
      this.lastUpdate = now;
      this.handle?.update(this.bundle('running'));
    }
  }

  finish(state: ProgressPayload['state']): void {
    if (this.begun && state === 'done') this.done += 1;
    this.handle?.update(this.bundle(state));
  }

  private bundle(state: ProgressPayload['state']): MimeBundle {
    const elapsedSeconds = Math.max(0, (Date.now() - this.started) / 1000);
    const ratePerSecond = elapsedSeconds > 0 && this.done > 0 ? this.done / elapsedSeconds : null;
    const etaSeconds = ratePerSecond && this.total !== null ? Math.max(0, (this.total - this.done) / ratePerSecond) : null;
    const payload: ProgressPayload = { v: 1, label: this.label, done: this.done, total: this.total, ratePerSecond, etaSeconds, elapsedSeconds, state };
    return { [IDC_MIME.progress]: { ...payload }, 'text/plain': formatProgressText(payload) };
  }
}
