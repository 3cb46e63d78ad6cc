/**
 * The kernel process: started by a host (the VS Code controller or the headless runner)
 * with an IPC channel and an interrupt pipe, it runs cells and reports through the protocol.
 * Cells share this process's global scope; `idc`, `display` and `require` are globals.
 */
import fs from 'node:fs';
import ts from 'typescript';
import * as idc from '../../idc/index';
import { currentCell } from '../../outputs/cellContext';
import { INTERRUPT_FD, PROTOCOL_VERSION, type HostMessage, type KernelMessage } from '../protocol';
import { createDisplay } from './displayApi';
import { CellExecutor } from './executor';
import { InterruptState } from './interrupts';
import { createModuleLoader } from './moduleLoader';
import { OutputSink } from './outputSink';
import { captureStdio } from './stdio';

function send(message: KernelMessage): void {
  if (process.connected) process.send?.(message);
}

const sink = new OutputSink(send);
const interrupts = new InterruptState();
const loader = createModuleLoader(process.cwd(), { 'idc-lab': idc });
const executor = new CellExecutor(sink, interrupts, loader);

/** The execution that output belongs to: the cell whose code (or timer, or promise) wrote it. */
function owner(): string | undefined {
  return currentCell()?.executionId ?? executor.runningExecutionId;
}

captureStdio((name, text) => {
  const executionId = owner();
  if (!executionId) return false;
  sink.stream(executionId, name, text);
  return true;
});

Object.assign(globalThis, {
  idc,
  display: createDisplay(() => currentCell()),
  require: loader.require,
});

// An error thrown by a cell's timer or an unawaited promise is reported in that cell's
// output, and the kernel lives on: in a notebook that is a user mistake, not a crash.
function reportBackground(kind: string, error: unknown): void {
  const executionId = owner();
  const described = executor.describe(error, '');
  const text = `${[`${kind}: ${described.name}: ${described.message}`, ...described.stack.map((l) => `    ${l}`)].join('\n')}\n`;
  if (executionId) sink.stream(executionId, 'stderr', text);
  else fs.writeSync(2, text);
}
process.on('uncaughtException', (error) => reportBackground('Uncaught exception', error));
process.on('unhandledRejection', (reason) => reportBackground('Unhandled promise rejection', reason));

process.on('message', (message: HostMessage) => {
  if (message.type === 'execute') void executor.enqueue(message);
  else if (message.type === 'shutdown') {
    sink.flush();
    process.exit(0);
  }
});
// The host is gone: nobody can see output or send work, so do not linger as an orphan.
process.on('disconnect', () => process.exit(0));

try {
  fs.fstatSync(INTERRUPT_FD);
  interrupts.startWatchdog(INTERRUPT_FD, (seq) => executor.interrupt(seq));
} catch {
  fs.writeSync(2, 'idc-lab kernel: no interrupt pipe; interrupts will not stop running cells\n');
}

send({ type: 'ready', protocolVersion: PROTOCOL_VERSION, pid: process.pid, nodeVersion: process.version, typescriptVersion: ts.version });
