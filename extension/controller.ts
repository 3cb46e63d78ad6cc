/**
 * The notebook controller: wiring between VS Code's execution API and one KernelSession per
 * notebook. All kernel behaviour lives in kernels/runtime; this file only maps results to
 * cell outputs, refuses to run code in an untrusted workspace, and stops a Run All at the
 * first failing cell.
 */
import * as vscode from 'vscode';
import { KernelSession } from '../kernels/runtime/host/kernelSession';
import type { ExecutionResult } from '../kernels/runtime/host/kernelProcess';
import type { JsonObject, MimeBundle } from '../kernels/outputs/mime';
import { bundleToItems } from './notebookData';

export const CONTROLLER_ID = 'idc-lab-kernel';
export const NOTEBOOK_TYPE = 'idc-notebook';
export const UNTRUSTED_MESSAGE =
  'This workspace is not trusted, so IDC Lab does not run notebook code here. Trust the workspace (Workspaces: Manage Workspace Trust) to run cells.';

export interface KernelSettings {
  nodePath: string;
  interruptTimeoutSeconds: number;
  maxOldSpaceSizeMB: number;
}

export type KernelState = 'idle' | 'busy' | 'not started';

export class IdcKernelController implements vscode.Disposable {
  private readonly controller: vscode.NotebookController;
  private readonly sessions = new Map<string, KernelSession>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly stateEmitter = new vscode.EventEmitter<vscode.NotebookDocument>();
  /** Fires when a notebook's kernel starts, stops, or starts or ends a cell. */
  readonly onDidChangeState = this.stateEmitter.event;

  constructor(
    private readonly settings: () => KernelSettings,
    private readonly kernelPath?: string,
  ) {
    this.controller = vscode.notebooks.createNotebookController(CONTROLLER_ID, NOTEBOOK_TYPE, 'IDC Lab (TypeScript)');
    this.controller.supportedLanguages = ['typescript'];
    this.controller.supportsExecutionOrder = true;
    this.controller.description = 'TypeScript kernel with the idc library';
    this.controller.executeHandler = (cells, notebook) => this.execute(cells, notebook);
    this.controller.interruptHandler = (notebook) => this.interrupt(notebook);
    this.disposables.push(
      this.controller,
      this.stateEmitter,
      vscode.workspace.onDidCloseNotebookDocument((notebook) => void this.shutdown(notebook)),
    );
  }

  state(notebook: vscode.NotebookDocument): KernelState {
    const session = this.sessions.get(notebook.uri.toString());
    if (!session || session.pid === undefined) return 'not started';
    return session.busy ? 'busy' : 'idle';
  }

  async execute(cells: readonly vscode.NotebookCell[], notebook: vscode.NotebookDocument): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      for (const cell of cells) this.refuse(cell);
      void vscode.window.showWarningMessage(UNTRUSTED_MESSAGE);
      return;
    }
    const session = this.session(notebook);
    for (const cell of cells) {
      if (cell.kind !== vscode.NotebookCellKind.Code) continue;
      const ok = await this.runCell(cell, session);
      if (!ok) break; // Run All stops at the first failure, as in Jupyter.
    }
  }

  interrupt(notebook: vscode.NotebookDocument): void {
    this.sessions.get(notebook.uri.toString())?.interrupt();
  }

  async restart(notebook: vscode.NotebookDocument): Promise<void> {
    await this.sessions.get(notebook.uri.toString())?.restart();
    this.stateEmitter.fire(notebook);
  }

  async shutdown(notebook: vscode.NotebookDocument): Promise<void> {
    const key = notebook.uri.toString();
    const session = this.sessions.get(key);
    this.sessions.delete(key);
    await session?.dispose();
  }

  dispose(): void {
    for (const session of this.sessions.values()) void session.dispose();
    this.sessions.clear();
    for (const d of this.disposables) d.dispose();
  }

  private session(notebook: vscode.NotebookDocument): KernelSession {
    const key = notebook.uri.toString();
    let session = this.sessions.get(key);
    if (!session) {
      const s = this.settings();
      const folder = notebook.uri.scheme === 'file' ? vscode.Uri.joinPath(notebook.uri, '..').fsPath : process.cwd();
      session = new KernelSession({
        cwd: folder,
        interruptTimeoutMs: s.interruptTimeoutSeconds * 1000,
        ...(s.nodePath ? { nodePath: s.nodePath } : {}),
        ...(s.maxOldSpaceSizeMB ? { maxOldSpaceSizeMB: s.maxOldSpaceSizeMB } : {}),
        ...(this.kernelPath ? { kernelPath: this.kernelPath } : {}),
      });
      this.sessions.set(key, session);
    }
    return session;
  }

  private refuse(cell: vscode.NotebookCell): void {
    const execution = this.controller.createNotebookCellExecution(cell);
    execution.start(Date.now());
    void execution.replaceOutput(
      new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error({ name: 'Untrusted workspace', message: UNTRUSTED_MESSAGE })]),
    );
    execution.end(false, Date.now());
  }

  private async runCell(cell: vscode.NotebookCell, session: KernelSession): Promise<boolean> {
    const execution = this.controller.createNotebookCellExecution(cell);
    execution.start(Date.now());
    await execution.clearOutput();
    this.stateEmitter.fire(cell.notebook);
    const writer = new OutputWriter(execution);
    const label = `cell ${cell.index + 1}`;
    const result = await session.execute(cell.document.getText(), label, {
      onStarted: (count) => (execution.executionOrder = count),
      onStream: (name, text) => writer.stream(name, text),
      onDisplay: (id, bundle, metadata, update) => writer.display(id, bundle, metadata, update),
    });
    await writer.finish(result, label);
    const ok = result.status === 'ok';
    execution.end(ok, Date.now());
    this.stateEmitter.fire(cell.notebook);
    return ok;
  }
}

/** Applies one execution's events to its cell, in order (VS Code's edits are async). */
class OutputWriter {
  private chain: Thenable<void> = Promise.resolve();
  private lastStream: { name: string; output: vscode.NotebookCellOutput } | undefined;
  private readonly displays = new Map<string, vscode.NotebookCellOutput>();

  constructor(private readonly execution: vscode.NotebookCellExecution) {}

  stream(name: 'stdout' | 'stderr', text: string): void {
    const item = name === 'stdout' ? vscode.NotebookCellOutputItem.stdout(text) : vscode.NotebookCellOutputItem.stderr(text);
    const last = this.lastStream;
    if (last && last.name === name) {
      this.enqueue(() => this.execution.appendOutputItems(item, last.output));
    } else {
      const output = new vscode.NotebookCellOutput([item], { outputType: 'stream' });
      this.lastStream = { name, output };
      this.enqueue(() => this.execution.appendOutput(output));
    }
  }

  display(id: string, bundle: MimeBundle, metadata: JsonObject, update: boolean): void {
    const existing = this.displays.get(id);
    if (update && existing) {
      this.enqueue(() => this.execution.replaceOutputItems(bundleToItems(bundle), existing));
      return;
    }
    const output = new vscode.NotebookCellOutput(bundleToItems(bundle), { outputType: 'display_data', metadata });
    this.displays.set(id, output);
    this.lastStream = undefined;
    this.enqueue(() => this.execution.appendOutput(output));
  }

  finish(result: ExecutionResult, label: string): Thenable<void> {
    if (result.status === 'ok' && result.result) {
      const output = new vscode.NotebookCellOutput(bundleToItems(result.result), { outputType: 'execute_result', metadata: {} });
      this.enqueue(() => this.execution.appendOutput(output));
    } else if (result.status === 'error') {
      const e = result.error;
      const where = e.line !== undefined ? ` (${label}, line ${e.line}, column ${e.column ?? 1})` : '';
      const stack = [`${e.name}: ${e.message}${where}`, ...e.stack.map((l) => `    ${l}`)].join('\n');
      this.enqueue(() =>
        this.execution.appendOutput(new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error({ name: e.name, message: e.message, stack })])),
      );
    } else if (result.status === 'interrupted') {
      this.enqueue(() =>
        this.execution.appendOutput(
          new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error({ name: 'InterruptError', message: 'Interrupted by the user' })]),
        ),
      );
    } else if (result.status === 'died') {
      this.enqueue(() =>
        this.execution.appendOutput(new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error({ name: 'Kernel died', message: result.message })])),
      );
    }
    return this.chain;
  }

  private enqueue(edit: () => Thenable<void>): void {
    this.chain = this.chain.then(edit, edit);
  }
}
