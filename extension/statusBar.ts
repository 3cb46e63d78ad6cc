/** The status bar item: the active notebook's kernel state; clicking it restarts the kernel. */
import * as vscode from 'vscode';
import { NOTEBOOK_TYPE, type IdcKernelController } from './controller';

export class KernelStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly controller: IdcKernelController) {
    this.item.command = 'idcLab.restartKernel';
    this.item.tooltip = 'IDC Lab kernel (click to restart)';
    this.disposables.push(
      this.item,
      controller.onDidChangeState(() => this.refresh()),
      vscode.window.onDidChangeActiveNotebookEditor(() => this.refresh()),
    );
    this.refresh();
  }

  refresh(): void {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    if (!notebook || notebook.notebookType !== NOTEBOOK_TYPE) {
      this.item.hide();
      return;
    }
    const state = this.controller.state(notebook);
    const icon = state === 'busy' ? '$(sync~spin)' : state === 'idle' ? '$(circle-filled)' : '$(circle-outline)';
    this.item.text = `${icon} IDC kernel: ${state}`;
    this.item.show();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
