/**
 * The host's handle on one kernel child process: starts it, runs executions one at a time,
 * interrupts, and turns a dying process into a clear result for the cell that was running.
 * Used by the VS Code controller and by the headless runner alike (no `vscode` here).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import type { JsonObject, MimeBundle } from '../../outputs/mime';
import { encodeInterrupt, INTERRUPT_FD, type CellError, type HostMessage, type KernelMessage, type ReadyEvent } from '../protocol';

export interface KernelOptions {
  /** Folder the kernel runs in; cells resolve imports from here. */
  cwd: string;
  /** Node executable; default: this process's runtime. */
  nodePath?: string;
  /** Kernel entry script; default: dist/kernel.js of this package. */
  kernelPath?: string;
  /** V8 heap limit in MB (0 or absent: Node's default). */
  maxOldSpaceSizeMB?: number;
  env?: NodeJS.ProcessEnv;
}

export interface ExecutionCallbacks {
  onStarted?(executionCount: number): void;
  onStream?(name: 'stdout' | 'stderr', text: string): void;
  onDisplay?(displayId: string, bundle: MimeBundle, metadata: JsonObject, update: boolean): void;
}

export type ExecutionResult =
  | { status: 'ok'; executionCount: number; result?: MimeBundle }
  | { status: 'error'; executionCount: number; error: CellError }
  | { status: 'interrupted'; executionCount: number }
  /** The kernel process ended (crash, process.exit, out of memory, or killed after an
   *  unanswered interrupt); its state is gone. */
  | { status: 'died'; executionCount?: number; message: string };

interface Pending {
  executionId: string;
  callbacks: ExecutionCallbacks;
  executionCount?: number;
  resolve(result: ExecutionResult): void;
}

const STDERR_TAIL = 4096;

/** Finds dist/kernel.js from this module, whether it runs bundled (dist/) or from source. */
export function defaultKernelPath(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'dist', 'kernel.js');
    if (path.basename(dir) === 'dist' && fs.existsSync(path.join(dir, 'kernel.js'))) return path.join(dir, 'kernel.js');
    dir = path.dirname(dir);
  }
  return path.join(__dirname, 'kernel.js');
}

export class KernelProcess {
  private pending: Pending | undefined;
  private readonly waiting: Array<() => void> = [];
  private stderrTail = '';
  private exitDescription: string | undefined;
  private killReason: string | undefined;
  private readonly exitListeners: Array<(description: string) => void> = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly info: ReadyEvent,
  ) {}

  static start(options: KernelOptions): Promise<KernelProcess> {
    const kernelPath = options.kernelPath ?? defaultKernelPath();
    if (!fs.existsSync(kernelPath)) {
      return Promise.reject(new Error(`The kernel bundle ${kernelPath} does not exist: run \`npm run build\` first.`));
    }
    const execArgv = ['--enable-source-maps'];
    if (options.maxOldSpaceSizeMB) execArgv.push(`--max-old-space-size=${options.maxOldSpaceSizeMB}`);
    const child = fork(kernelPath, [], {
      cwd: options.cwd,
      execPath: options.nodePath || process.execPath,
      execArgv,
      env: { ...(options.env ?? process.env), ELECTRON_RUN_AS_NODE: '1' },
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc', 'pipe'],
    });
    return new Promise((resolve, reject) => {
      let stderr = '';
      const onEarlyExit = (code: number | null, signal: NodeJS.Signals | null) =>
        reject(new Error(`The kernel process exited before it was ready (${describeExit(code, signal)}).\n${stderr.trim()}`));
      const onEarlyStderr = (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL));
      child.stderr?.on('data', onEarlyStderr);
      child.once('exit', onEarlyExit);
      child.once('error', reject);
      child.once('message', (message: KernelMessage) => {
        child.off('exit', onEarlyExit);
        child.off('error', reject);
        child.stderr?.off('data', onEarlyStderr);
        if (message.type !== 'ready') {
          child.kill('SIGKILL');
          reject(new Error(`The kernel spoke before it was ready: ${message.type}`));
          return;
        }
        const kernel = new KernelProcess(child, message);
        kernel.stderrTail = stderr;
        kernel.attach();
        resolve(kernel);
      });
    });
  }

  get pid(): number {
    return this.info.pid;
  }

  get alive(): boolean {
    return this.exitDescription === undefined;
  }

  /** True while an execution is running (or waiting for the one before it). */
  get busy(): boolean {
    return this.pending !== undefined;
  }

  onExit(listener: (description: string) => void): void {
    this.exitListeners.push(listener);
  }

  /** Runs one cell; calls wait their turn. */
  async execute(code: string, cellLabel: string, callbacks: ExecutionCallbacks = {}): Promise<ExecutionResult> {
    while (this.pending) await new Promise<void>((resume) => this.waiting.push(resume));
    if (!this.alive) return { status: 'died', message: this.deathMessage() };
    const executionId = randomUUID();
    return new Promise<ExecutionResult>((resolve) => {
      this.pending = {
        executionId,
        callbacks,
        resolve: (result) => {
          this.pending = undefined;
          resolve(result);
          this.waiting.shift()?.();
        },
      };
      this.post({ type: 'execute', executionId, code, cellLabel });
    });
  }

  /**
   * Asks the running cell to stop. If it has not stopped after `timeoutMs` the process is
   * killed (state lost) and the cell's result says so.
   */
  interrupt(timeoutMs: number): void {
    const pending = this.pending;
    if (!pending || !this.alive) return;
    (this.child.stdio[INTERRUPT_FD] as Writable | null)?.write(encodeInterrupt(pending.executionId));
    const timer = setTimeout(() => {
      if (this.pending === pending && this.alive) {
        this.kill(
          `The cell did not stop within ${Math.round(timeoutMs / 1000)} s of the interrupt, so the kernel was restarted: ` +
            'its state (variables, imports, loaded data) was lost.',
        );
      }
    }, timeoutMs);
    timer.unref();
  }

  /** Ends the process now; a running execution reports `reason`. */
  kill(reason = 'The kernel was stopped.'): void {
    if (!this.alive) return;
    this.killReason = reason;
    this.child.kill('SIGKILL');
  }

  /** Asks the kernel to exit, and kills it if it does not within a second. */
  async shutdown(): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise<void>((resolve) => this.onExit(() => resolve()));
    this.post({ type: 'shutdown' });
    const timer = setTimeout(() => this.kill(), 1000);
    await exited;
    clearTimeout(timer);
  }

  private post(message: HostMessage): void {
    if (this.child.connected) this.child.send(message);
  }

  private attach(): void {
    this.child.on('message', (message: KernelMessage) => this.onMessage(message));
    this.child.stdout?.on('data', (chunk: Buffer) => this.pending?.callbacks.onStream?.('stdout', chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL);
      this.pending?.callbacks.onStream?.('stderr', text);
    });
    // The interrupt pipe may break when the child dies; that is reported through 'exit'.
    (this.child.stdio[INTERRUPT_FD] as Writable | null)?.on('error', () => undefined);
    this.child.on('exit', (code, signal) => {
      this.exitDescription = this.killReason ?? describeExit(code, signal);
      const pending = this.pending;
      if (pending) {
        const result: ExecutionResult = { status: 'died', message: this.deathMessage() };
        if (pending.executionCount !== undefined) result.executionCount = pending.executionCount;
        pending.resolve(result);
      }
      for (const resume of this.waiting.splice(0)) resume();
      for (const listener of this.exitListeners) listener(this.exitDescription);
    });
  }

  private onMessage(message: KernelMessage): void {
    const pending = this.pending;
    if (message.type === 'ready' || !pending || message.executionId !== pending.executionId) {
      // Output of a cell that already finished (a timer it left behind): show it with the
      // running cell if there is one, as Jupyter does.
      if (pending && message.type === 'stream') pending.callbacks.onStream?.(message.name, message.text);
      return;
    }
    switch (message.type) {
      case 'started':
        pending.executionCount = message.executionCount;
        pending.callbacks.onStarted?.(message.executionCount);
        break;
      case 'stream':
        pending.callbacks.onStream?.(message.name, message.text);
        break;
      case 'display':
        pending.callbacks.onDisplay?.(message.displayId, message.bundle, message.metadata, message.update);
        break;
      case 'done':
        if (message.status === 'ok') {
          pending.resolve(
            message.result
              ? { status: 'ok', executionCount: message.executionCount, result: message.result }
              : { status: 'ok', executionCount: message.executionCount },
          );
        } else if (message.status === 'error') {
          pending.resolve({
            status: 'error',
            executionCount: message.executionCount,
            error: message.error ?? { name: 'Error', message: 'unknown error', stack: [] },
          });
        } else {
          pending.resolve({ status: 'interrupted', executionCount: message.executionCount });
        }
        break;
    }
  }

  private deathMessage(): string {
    if (this.killReason) return this.killReason;
    const tail = this.stderrTail.trim().split('\n').slice(-8).join('\n');
    const oom = /heap out of memory|Allocation failed/i.test(this.stderrTail) ? ' It ran out of memory.' : '';
    return (
      `The kernel process died (${this.exitDescription ?? 'unknown'}).${oom} Its state was lost; the next run starts a new kernel.` +
      (tail ? `\nLast kernel output:\n${tail}` : '')
    );
  }
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `killed by ${signal}`;
  return `exit code ${code ?? 'unknown'}`;
}
