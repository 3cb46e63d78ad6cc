/** Notebook <-> VS Code NotebookData (through the fake API): nothing is lost either way. */
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { fromNotebookData, toNotebookData } from '../../extension/notebookData';
import { IdcNotebookSerializer } from '../../extension/serializer';
import { serializeNotebook } from '../../kernels/runtime/notebook/nbformat';
import * as fake from './fakeVscode';
import { everyKindOfNotebook } from '../runtime/notebook/fixtures';

describe('VS Code notebook data mapping', () => {
  it('maps every kind of cell and output to NotebookData and back unchanged', () => {
    const nb = everyKindOfNotebook();
    const data = toNotebookData(nb);
    assert.deepEqual(
      data.cells.map((c) => [c.kind, c.languageId]),
      [
        [fake.NotebookCellKind.Markup, 'markdown'],
        [fake.NotebookCellKind.Code, 'raw'],
        [fake.NotebookCellKind.Code, 'typescript'],
        [fake.NotebookCellKind.Code, 'typescript'],
      ],
    );
    assert.equal(data.cells[3]?.executionSummary?.executionOrder, 2);
    assert.deepEqual(fromNotebookData(data), nb);
  });

  it('the serializer writes the bytes it read', () => {
    const serializer = new IdcNotebookSerializer();
    const bytes = new TextEncoder().encode(serializeNotebook(everyKindOfNotebook()));
    const data = serializer.deserializeNotebook(bytes);
    assert.deepEqual(serializer.serializeNotebook(data), bytes);
  });

  it('refuses to open a corrupt file, so it is never overwritten', () => {
    const serializer = new IdcNotebookSerializer();
    assert.throws(() => serializer.deserializeNotebook(new TextEncoder().encode('{"nbformat": 4')), /This \.idcnb file is not a valid \.idcnb \(nbformat 4\) notebook: invalid JSON/);
  });

  it('turns outputs made during a session (several stdout items, plain errors) into nbformat', () => {
    const cell = new fake.NotebookCellData(fake.NotebookCellKind.Code, 'x', 'typescript');
    cell.outputs = [
      new fake.NotebookCellOutput([fake.NotebookCellOutputItem.stdout('a\n'), fake.NotebookCellOutputItem.stdout('b\n')], { outputType: 'stream' }),
      new fake.NotebookCellOutput([fake.NotebookCellOutputItem.error({ name: 'TypeError', message: 'bad', stack: 'TypeError: bad\n    at cell 1:1:1' })]),
    ];
    const nb = fromNotebookData(new fake.NotebookData([cell]) as unknown as vscode.NotebookData);
    const code = nb.cells[0];
    assert.deepEqual(code?.cell_type === 'code' ? code.outputs : [], [
      { output_type: 'stream', name: 'stdout', text: 'a\nb\n' },
      { output_type: 'error', ename: 'TypeError', evalue: 'bad', traceback: ['TypeError: bad', '    at cell 1:1:1'] },
    ]);
  });
});
