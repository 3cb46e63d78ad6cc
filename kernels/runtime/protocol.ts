/**
 * The message protocol between a host (the VS Code controller or the headless runner) and
 * the kernel child process. Both sides import this one module.
 *
 * Transport: Node's IPC channel with `serialization: 'advanced'` (structured clone, so
 * binary MIME data travels as bytes). Interrupts do NOT travel on it: while a cell runs a
 * synchronous loop the kernel's main thread cannot read IPC, so the host writes interrupt
 * requests to a separate pipe (fd INTERRUPT_FD in the child) that a watchdog thread reads.
 */
import type { JsonObject, MimeBundle } from '../outputs/mime';

export const PROTOCOL_VERSION = 1;
/** File descriptor, in the kernel process, of the pipe that carries interrupt requests. */
export const INTERRUPT_FD = 4;

// ---- host -> kernel -------------------------------------------------------------------

export interface ExecuteRequest {
  type: 'execute';
  /** Host-chosen id, echoed on every event of this execution. */
  executionId: string;
  /** TypeScript source of the cell. */
  code: string;
  /** How errors name this cell, for example "cell 2". */
  cellLabel: string;
}

export interface ShutdownRequest {
  type: 'shutdown';
}

export type HostMessage = ExecuteRequest | ShutdownRequest;

// ---- kernel -> host -------------------------------------------------------------------

export interface ReadyEvent {
  type: 'ready';
  protocolVersion: number;
  pid: number;
  nodeVersion: string;
  typescriptVersion: string;
}

export interface StartedEvent {
  type: 'started';
  executionId: string;
  /** The execution order number, counted per kernel like Jupyter's In [n]. */
  executionCount: number;
}

export interface StreamEvent {
  type: 'stream';
  executionId: string;
  name: 'stdout' | 'stderr';
  text: string;
}

export interface DisplayEvent {
  type: 'display';
  executionId: string;
  /** Stable id of this output; an update replaces the output with the same id in place. */
  displayId: string;
  bundle: MimeBundle;
  metadata: JsonObject;
  /** True when this replaces an earlier output with the same displayId. */
  update: boolean;
}

/** A failure inside a cell, with positions already mapped back to the cell's source. */
export interface CellError {
  name: string;
  message: string;
  /** Stack lines relative to the cell ("at f (cell 2:3:7)"), kernel frames removed. */
  stack: string[];
  /** Where in the cell the error was thrown (1-based), when a cell frame is known. */
  line?: number;
  column?: number;
}

export interface DoneEvent {
  type: 'done';
  executionId: string;
  executionCount: number;
  status: 'ok' | 'error' | 'interrupted';
  /** The value of the cell's last expression, when it is not undefined. */
  result?: MimeBundle;
  error?: CellError;
}

export type KernelMessage = ReadyEvent | StartedEvent | StreamEvent | DisplayEvent | DoneEvent;

/** What an interrupt request written to the interrupt pipe looks like: one line per request. */
export function encodeInterrupt(executionId: string): string {
  return `${executionId}\n`;
}
