/** The "Export HTML Report" command: the open notebook, with its outputs, as one HTML file. */
import * as vscode from 'vscode';
import path from 'node:path';
import { writeFileAtomic } from '../kernels/platform/atomicWrite';
import { renderHtmlReport } from '../kernels/runtime/report/htmlReport';
import { loadReportRenderers } from '../kernels/runtime/report/rendererRegistry';
import { fromNotebookData } from './notebookData';

function documentToData(notebook: vscode.NotebookDocument): vscode.NotebookData {
  const cells = notebook.getCells().map((cell) => {
    const data = new vscode.NotebookCellData(cell.kind, cell.document.getText(), cell.document.languageId);
    data.metadata = cell.metadata;
    data.outputs = [...cell.outputs];
    if (cell.executionSummary) data.executionSummary = cell.executionSummary;
    return data;
  });
  const data = new vscode.NotebookData(cells);
  data.metadata = notebook.metadata;
  return data;
}

export async function exportHtmlReport(notebook: vscode.NotebookDocument, extensionPath: string): Promise<void> {
  const base = notebook.uri.path.replace(/\.idcnb$/, '');
  const target = await vscode.window.showSaveDialog({
    defaultUri: notebook.uri.with({ path: `${base}.html` }),
    filters: { 'HTML report': ['html'] },
  });
  if (!target) return;
  const includeCode = vscode.workspace.getConfiguration('idcLab.report').get<boolean>('includeCode', true);
  const html = renderHtmlReport(fromNotebookData(documentToData(notebook)), {
    title: path.basename(notebook.uri.path),
    renderers: loadReportRenderers(extensionPath),
    includeCode,
  });
  await writeFileAtomic(target.fsPath, html);
  void vscode.window.showInformationMessage(`Report written to ${target.fsPath}`);
}
