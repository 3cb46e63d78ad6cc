/**
 * One notebook's kernel over time: started on first use, started again after it died or
 * was restarted, so a crash costs the state but never the ability to run the next cell.
 */
import { KernelProcess, type ExecutionCallbacks, type ExecutionResult, type KernelOptions } from './kernelProcess';

export interface SessionOptions extends KernelOptions {
  /** How long an interrupted cell may take to stop before the kernel is restarted. */
  interruptTimeoutMs: number;
}

export class KernelSession {
  private kernel: KernelProcess | undefined;
  private starting: Promise<KernelProcess> | undefined;
  /** An interrupt that came while the kernel was still starting: the cell must not run. */
  private interruptedWhileStarting = false;

  constructor(private readonly options: SessionOptions) {}

  /** The live kernel's pid, if one is running. */
  get pid(): number | undefined {
    return this.kernel?.alive ? this.kernel.pid : undefined;
  }

  get busy(): boolean {
    return this.kernel?.busy ?? false;
  }

  async execute(code: string, cellLabel: string, callbacks: ExecutionCallbacks = {}): Promise<ExecutionResult> {
    let kernel: KernelProcess;
    this.interruptedWhileStarting = false;
    try {
      kernel = await this.ensureKernel();
    } catch (error) {
      return { status: 'died', message: `The kernel could not start: ${(error as Error).message}` };
    }
    if (this.interruptedWhileStarting) {
      this.interruptedWhileStarting = false;
      return { status: 'interrupted', executionCount: 0 };
    }
    return kernel.execute(code, cellLabel, callbacks);
  }

  interrupt(): void {
    if (this.starting) this.interruptedWhileStarting = true;
    else this.kernel?.interrupt(this.options.interruptTimeoutMs);
  }

  /** Stops the kernel; the next execution starts a fresh one. */
  async restart(): Promise<void> {
    const kernel = this.kernel;
    this.kernel = undefined;
    this.starting = undefined;
    if (kernel?.alive) {
      if (kernel.busy) kernel.kill('The kernel was restarted while this cell ran; its state was lost.');
      else await kernel.shutdown();
    }
  }

  async dispose(): Promise<void> {
    await this.restart();
  }

  private ensureKernel(): Promise<KernelProcess> {
    if (this.kernel?.alive) return Promise.resolve(this.kernel);
    if (!this.starting) {
      this.starting = KernelProcess.start(this.options).then(
        (kernel) => {
          this.kernel = kernel;
          this.starting = undefined;
          return kernel;
        },
        (error: unknown) => {
          this.starting = undefined;
          throw error;
        },
      );
    }
    return this.starting;
  }
}
