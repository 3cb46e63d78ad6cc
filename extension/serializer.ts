/**
 * The .idcnb serializer. A file that cannot be read throws, and VS Code then refuses to
 * open the editor: a corrupt notebook is shown as an error, never replaced by an empty one
 * that a later save would write over it.
 */
import type * as vscode from 'vscode';
import { parseNotebookBytes, serializeNotebook } from '../kernels/runtime/notebook/nbformat';
import { fromNotebookData, toNotebookData } from './notebookData';

/** Outputs are part of the document: changing them makes it dirty, and they are saved. */
export const serializerOptions: vscode.NotebookDocumentContentOptions = { transientOutputs: false };

// VS Code does not pass the file's URI; the editor tab names the file beside the error.
const FILE_LABEL = 'This .idcnb file';

export class IdcNotebookSerializer implements vscode.NotebookSerializer {
  deserializeNotebook(content: Uint8Array): vscode.NotebookData {
    return toNotebookData(parseNotebookBytes(content, FILE_LABEL));
  }

  serializeNotebook(data: vscode.NotebookData): Uint8Array {
    return new TextEncoder().encode(serializeNotebook(fromNotebookData(data)));
  }
}
