/**
 * The .idcnb serializer. A file that cannot be read throws, and VS Code then refuses to
 * open the editor: a corrupt notebook is shown as an error, never replaced by an empty one
 * that a later save would write over it.
 */
import type * as vscode from 'vscode';
import { parseNotebook, serializeNotebook } from '../kernels/runtime/notebook/nbformat';
import { fromNotebookData, toNotebookData } from './notebookData';

export const serializerOptions: vscode.NotebookDocumentContentOptions = { transientOutputs: false };

export class IdcNotebookSerializer implements vscode.NotebookSerializer {
  deserializeNotebook(content: Uint8Array): vscode.NotebookData {
    // VS Code does not pass the file's name here; the editor tab shows it beside the error.
    return toNotebookData(parseNotebook(new TextDecoder().decode(content), 'This .idcnb file'));
  }

  serializeNotebook(data: vscode.NotebookData): Uint8Array {
    return new TextEncoder().encode(serializeNotebook(fromNotebookData(data)));
  }
}
