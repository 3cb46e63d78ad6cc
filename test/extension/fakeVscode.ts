/**
 * A fake of the few VS Code APIs the extension's controller uses, with VS Code's shapes
 * (output items are bytes plus a MIME type, executions record their edits), so the thin
 * controller can be tested without an extension host. Tests reach it as `vscode`.
 */
import path from 'node:path';

const encoder = new TextEncoder();

export enum NotebookCellKind {
  Markup = 1,
  Code = 2,
}

export class NotebookCellOutputItem {
  constructor(
    readonly data: Uint8Array,
    readonly mime: string,
  ) {}
  static text(value: string, mime = 'text/plain'): NotebookCellOutputItem {
    return new NotebookCellOutputItem(encoder.encode(value), mime);
  }
  static json(value: unknown, mime = 'text/x-json'): NotebookCellOutputItem {
    return new NotebookCellOutputItem(encoder.encode(JSON.stringify(value, undefined, '\t')), mime);
  }
  static stdout(value: string): NotebookCellOutputItem {
    return NotebookCellOutputItem.text(value, 'application/vnd.code.notebook.stdout');
  }
  static stderr(value: string): NotebookCellOutputItem {
    return NotebookCellOutputItem.text(value, 'application/vnd.code.notebook.stderr');
  }
  static error(error: { name: string; message: string; stack?: string }): NotebookCellOutputItem {
    return NotebookCellOutputItem.text(JSON.stringify({ name: error.name, message: error.message, stack: error.stack }), 'application/vnd.code.notebook.error');
  }
}

export class NotebookCellOutput {
  constructor(
    public items: NotebookCellOutputItem[],
    public metadata?: Record<string, unknown>,
  ) {}
}

export class NotebookCellData {
  metadata?: Record<string, unknown>;
  outputs?: NotebookCellOutput[];
  executionSummary?: { executionOrder?: number; success?: boolean };
  constructor(
    public kind: NotebookCellKind,
    public value: string,
    public languageId: string,
  ) {}
}

export class NotebookData {
  metadata?: Record<string, unknown>;
  constructor(public cells: NotebookCellData[]) {}
}

export class EventEmitter<T> {
  private listeners: Array<(value: T) => void> = [];
  readonly event = (listener: (value: T) => void) => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(value: T): void {
    for (const l of this.listeners) l(value);
  }
  dispose(): void {
    this.listeners = [];
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly fsPath: string,
  ) {}
  static file(p: string): Uri {
    return new Uri('file', p);
  }
  static joinPath(base: Uri, ...segments: string[]): Uri {
    return new Uri(base.scheme, path.join(base.fsPath, ...segments));
  }
  get path(): string {
    return this.fsPath;
  }
  toString(): string {
    return `${this.scheme}://${this.fsPath}`;
  }
}

/** What a cell execution did, in order. */
export class FakeExecution {
  executionOrder: number | undefined;
  outputs: NotebookCellOutput[] = [];
  started = false;
  success: boolean | undefined;
  constructor(readonly cell: unknown) {}
  start(): void {
    this.started = true;
  }
  end(success: boolean): void {
    this.success = success;
  }
  async clearOutput(): Promise<void> {
    this.outputs = [];
  }
  async replaceOutput(output: NotebookCellOutput | NotebookCellOutput[]): Promise<void> {
    this.outputs = Array.isArray(output) ? output : [output];
  }
  async appendOutput(output: NotebookCellOutput | NotebookCellOutput[]): Promise<void> {
    this.outputs.push(...(Array.isArray(output) ? output : [output]));
  }
  async appendOutputItems(items: NotebookCellOutputItem | NotebookCellOutputItem[], output: NotebookCellOutput): Promise<void> {
    output.items.push(...(Array.isArray(items) ? items : [items]));
  }
  async replaceOutputItems(items: NotebookCellOutputItem | NotebookCellOutputItem[], output: NotebookCellOutput): Promise<void> {
    output.items = Array.isArray(items) ? items : [items];
  }
}

export class FakeController {
  supportedLanguages: string[] = [];
  supportsExecutionOrder = false;
  description = '';
  executeHandler: ((cells: unknown[], notebook: unknown, controller: unknown) => unknown) | undefined;
  interruptHandler: ((notebook: unknown) => unknown) | undefined;
  readonly executions: FakeExecution[] = [];
  constructor(
    readonly id: string,
    readonly notebookType: string,
    readonly label: string,
  ) {}
  createNotebookCellExecution(cell: unknown): FakeExecution {
    const execution = new FakeExecution(cell);
    this.executions.push(execution);
    return execution;
  }
  dispose(): void {}
}

export const created: { controllers: FakeController[]; warnings: string[] } = { controllers: [], warnings: [] };

export const notebooks = {
  createNotebookController(id: string, notebookType: string, label: string): FakeController {
    const controller = new FakeController(id, notebookType, label);
    created.controllers.push(controller);
    return controller;
  },
};

export class NotebookEdit {
  private constructor(
    readonly index: number,
    readonly newCellMetadata: Record<string, unknown>,
  ) {}
  static updateCellMetadata(index: number, metadata: Record<string, unknown>): NotebookEdit {
    return new NotebookEdit(index, metadata);
  }
}

export class WorkspaceEdit {
  readonly entries: Array<[Uri, NotebookEdit[]]> = [];
  set(uri: Uri, edits: NotebookEdit[]): void {
    this.entries.push([uri, edits]);
  }
}

export const notebookChanges = new EventEmitter<unknown>();
export const appliedEdits: WorkspaceEdit[] = [];

export const workspace = {
  isTrusted: true,
  onDidCloseNotebookDocument: () => ({ dispose: () => undefined }),
  onDidChangeNotebookDocument: notebookChanges.event,
  applyEdit(edit: WorkspaceEdit): Promise<boolean> {
    appliedEdits.push(edit);
    return Promise.resolve(true);
  },
};

export const window = {
  showWarningMessage(message: string): Promise<undefined> {
    created.warnings.push(message);
    return Promise.resolve(undefined);
  },
};
