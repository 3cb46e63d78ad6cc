/**
 * Activation: registers the .idcnb serializer, the kernel controller, the commands and the
 * status bar item. Wiring only; behaviour lives in the modules it registers.
 */
import * as vscode from 'vscode';
import path from 'node:path';
import { IdcKernelController, NOTEBOOK_TYPE, type KernelSettings } from './controller';
import { IdcNotebookSerializer, serializerOptions } from './serializer';
import { assignCellIds } from './cellIds';
import { exportHtmlReport } from './exportReport';
import { KernelStatusBar } from './statusBar';

function readSettings(): KernelSettings {
  const config = vscode.workspace.getConfiguration('idcLab.kernel');
  return {
    nodePath: config.get<string>('nodePath', ''),
    interruptTimeoutSeconds: config.get<number>('interruptTimeoutSeconds', 5),
    maxOldSpaceSizeMB: config.get<number>('maxOldSpaceSizeMB', 0),
  };
}

export function activate(context: vscode.ExtensionContext): void {
  const controller = new IdcKernelController(readSettings, path.join(context.extensionPath, 'dist', 'kernel.js'));
  const statusBar = new KernelStatusBar(controller);
  const activeNotebook = (): vscode.NotebookDocument | undefined => {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    return notebook?.notebookType === NOTEBOOK_TYPE ? notebook : undefined;
  };
  const withNotebook = (run: (notebook: vscode.NotebookDocument) => unknown) => () => {
    const notebook = activeNotebook();
    if (notebook) return run(notebook);
    void vscode.window.showInformationMessage('Open an IDC Lab notebook (.idcnb) first.');
    return undefined;
  };
  context.subscriptions.push(
    vscode.workspace.registerNotebookSerializer(NOTEBOOK_TYPE, new IdcNotebookSerializer(), serializerOptions),
    controller,
    statusBar,
    assignCellIds(),
    vscode.commands.registerCommand(
      'idcLab.restartKernel',
      withNotebook((nb) => controller.restart(nb)),
    ),
    vscode.commands.registerCommand(
      'idcLab.interruptKernel',
      withNotebook((nb) => controller.interrupt(nb)),
    ),
    vscode.commands.registerCommand(
      'idcLab.exportHtmlReport',
      withNotebook((nb) => exportHtmlReport(nb, context.extensionPath)),
    ),
  );
}

export function deactivate(): void {}
