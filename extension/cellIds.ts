/**
 * Gives a cell added in the editor its nbformat id at once. The serializer cannot write an
 * id back into the open document, so without this a new cell would get a different random
 * id at every save, and every save would show up in a diff.
 */
import * as vscode from 'vscode';
import { newCellId } from '../kernels/runtime/notebook/nbformat';
import { NOTEBOOK_TYPE } from './controller';

export function assignCellIds(): vscode.Disposable {
  return vscode.workspace.onDidChangeNotebookDocument((event) => {
    if (event.notebook.notebookType !== NOTEBOOK_TYPE) return;
    const edits = event.contentChanges
      .flatMap((change) => change.addedCells)
      .filter((cell) => typeof cell.metadata.id !== 'string')
      .map((cell) => vscode.NotebookEdit.updateCellMetadata(cell.index, { ...cell.metadata, id: newCellId() }));
    if (edits.length === 0) return;
    const edit = new vscode.WorkspaceEdit();
    edit.set(event.notebook.uri, edits);
    void vscode.workspace.applyEdit(edit);
  });
}
