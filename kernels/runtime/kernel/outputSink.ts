/**
 * Everything a cell outputs goes to the host through here, in the order it happened.
 * Stream text is coalesced briefly (a loop printing a million lines must not send a million
 * messages) but flushed at least every FLUSH_MS, also from inside a busy synchronous loop,
 * and always before a display or the end of the cell, so order is kept. A busy loop runs no
 * timers, so the interrupt check of every cell loop also calls tick().
 */
import type { DisplayEvent, KernelMessage } from '../protocol';

const FLUSH_MS = 25;

interface PendingStream {
  executionId: string;
  name: 'stdout' | 'stderr';
  text: string;
}

export class OutputSink {
  private pending: PendingStream | undefined;
  private lastFlush = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly send: (message: KernelMessage) => void) {}

  stream(executionId: string, name: 'stdout' | 'stderr', text: string): void {
    if (text.length === 0) return;
    const p = this.pending;
    if (p && p.executionId === executionId && p.name === name) p.text += text;
    else {
      this.flush();
      this.pending = { executionId, name, text };
    }
    const now = Date.now();
    if (now - this.lastFlush >= FLUSH_MS) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  display(event: Omit<DisplayEvent, 'type'>): void {
    this.flush();
    this.send({ type: 'display', ...event });
  }

  /** Sends anything else (started, done) after the pending text. */
  message(message: KernelMessage): void {
    this.flush();
    this.send(message);
  }

  /** Sends text that has waited long enough; cheap when nothing is pending. */
  tick(): void {
    if (this.pending !== undefined && Date.now() - this.lastFlush >= FLUSH_MS) this.flush();
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const p = this.pending;
    if (!p) return;
    this.lastFlush = Date.now();
    this.pending = undefined;
    this.send({ type: 'stream', executionId: p.executionId, name: p.name, text: p.text });
  }
}
