/** Helpers for tests that drive a real kernel process built into dist/kernel.js. */
import path from 'node:path';
import type { ExecutionCallbacks, ExecutionResult } from '../../../kernels/runtime/host/kernelProcess';
import type { JsonObject, MimeBundle } from '../../../kernels/outputs/mime';

export const KERNEL_PATH = path.resolve(__dirname, '../../../dist/kernel.js');

export type RecordedEvent =
  | { kind: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | { kind: 'display'; displayId: string; bundle: MimeBundle; metadata: JsonObject; update: boolean };

/** Records every event of an execution, and lets a test react to printed text. */
export class Recorder implements ExecutionCallbacks {
  readonly events: RecordedEvent[] = [];
  private readonly watchers: Array<{ text: string; fire: () => void }> = [];

  onStream(name: 'stdout' | 'stderr', text: string): void {
    this.events.push({ kind: 'stream', name, text });
    const all = this.stdout + this.stderr;
    for (const w of this.watchers.splice(0)) {
      if (all.includes(w.text)) w.fire();
      else this.watchers.push(w);
    }
  }

  onDisplay(displayId: string, bundle: MimeBundle, metadata: JsonObject, update: boolean): void {
    this.events.push({ kind: 'display', displayId, bundle, metadata, update });
  }

  get stdout(): string {
    return this.text('stdout');
  }

  get stderr(): string {
    return this.text('stderr');
  }

  /** Resolves once the cell has printed `text` (while it is still running). */
  printed(text: string): Promise<void> {
    if ((this.stdout + this.stderr).includes(text)) return Promise.resolve();
    return new Promise((fire) => this.watchers.push({ text, fire }));
  }

  private text(name: 'stdout' | 'stderr'): string {
    return this.events
      .filter((e): e is Extract<RecordedEvent, { kind: 'stream' }> => e.kind === 'stream' && e.name === name)
      .map((e) => e.text)
      .join('');
  }
}

export function resultText(result: ExecutionResult): string | undefined {
  if (result.status !== 'ok' || !result.result) return undefined;
  return result.result['text/plain'] as string;
}
