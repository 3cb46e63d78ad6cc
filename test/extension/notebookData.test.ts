/** Notebook <-> VS Code NotebookData (through the fake API): nothing is lost either way. */
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { fromNotebookData, toNotebookData } from '../../extension/notebookData';
import { IdcNotebookSerializer, serializerOptions } from '../../extension/serializer';
import { IDC_NOTEBOOK_METADATA, serializeNotebook, type CellOutput } from '../../kernels/runtime/notebook/nbformat';
import * as fake from './fakeVscode';
import { everyKindOfNotebook, PNG } from '../runtime/notebook/fixtures';

const decoder = new TextDecoder();

/** A code cell as VS Code hands it over after a session: outputs without our metadata. */
function sessionCell(outputs: fake.NotebookCellOutput[], executionOrder?: number): vscode.NotebookData {
  const cell = new fake.NotebookCellData(fake.NotebookCellKind.Code, 'x', 'typescript');
  cell.outputs = outputs;
  if (executionOrder !== undefined) cell.executionSummary = { executionOrder, success: true };
  return new fake.NotebookData([cell]) as unknown as vscode.NotebookData;
}

function outputsOf(data: vscode.NotebookData): CellOutput[] {
  const cell = fromNotebookData(data).cells[0];
  return cell?.cell_type === 'code' ? cell.outputs : [];
}

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
        [fake.NotebookCellKind.Code, 'typescript'],
      ],
    );
    assert.equal(data.cells[3]?.executionSummary?.executionOrder, 2);
    assert.equal(data.cells[4]?.executionSummary, undefined, 'a cell never run has no execution order');
    assert.deepEqual(fromNotebookData(data), nb);
  });

  it('gives VS Code output items it can render: stdout/stderr, error, and one item per MIME type', () => {
    const outputs = toNotebookData(everyKindOfNotebook()).cells[3]?.outputs ?? [];
    assert.deepEqual(
      outputs.map((o) => o.items.map((i) => i.mime)),
      [
        ['application/vnd.code.notebook.stdout'],
        ['application/vnd.code.notebook.stderr'],
        ['application/vnd.idc-lab.category-chart+json', 'image/png', 'text/plain'],
        ['text/html', 'application/json'],
        ['text/plain'],
        ['application/vnd.code.notebook.error'],
      ],
    );
    const [stdout, , rich, , , error] = outputs;
    assert.equal(decoder.decode(stdout?.items[0]?.data), 'line 1\nline 2\n');
    assert.deepEqual(JSON.parse(decoder.decode(rich?.items[0]?.data)), { v: 1, metric: 'CIDEr', series: [{ name: 'r8', values: { Add: 1.02, Text: 1.47 } }] });
    assert.deepEqual(rich?.items[1]?.data, PNG);
    assert.equal(decoder.decode(rich?.items[2]?.data), 'CIDEr by category\n(2 series)');
    assert.deepEqual(JSON.parse(decoder.decode(error?.items[0]?.data)), {
      name: 'Error',
      message: 'boom',
      stack: 'Error: boom (cell 4, line 2, column 1)\n    at cell 4:2:1',
    });
  });

  it('the serializer writes the bytes it read', () => {
    const serializer = new IdcNotebookSerializer();
    const bytes = new TextEncoder().encode(serializeNotebook(everyKindOfNotebook()));
    const data = serializer.deserializeNotebook(bytes);
    assert.deepEqual(serializer.serializeNotebook(data), bytes);
    assert.equal(serializerOptions.transientOutputs, false);
  });

  it('the serializer opens empty content (a new file) as a new IDC Lab notebook', () => {
    const data = new IdcNotebookSerializer().deserializeNotebook(new Uint8Array());
    assert.equal(data.cells.length, 0);
    assert.deepEqual(fromNotebookData(data).metadata, IDC_NOTEBOOK_METADATA);
  });

  it('refuses to open a corrupt file, so it is never overwritten', () => {
    const serializer = new IdcNotebookSerializer();
    assert.throws(
      () => serializer.deserializeNotebook(new TextEncoder().encode('{"nbformat": 4')),
      /^NotebookFormatError: This \.idcnb file is not a valid \.idcnb \(nbformat 4\) notebook: invalid JSON at line 1, column 15/,
    );
    assert.throws(
      () => serializer.deserializeNotebook(new TextEncoder().encode('{"nbformat": 3, "nbformat_minor": 0, "cells": []}')),
      /This \.idcnb file .*: nbformat: expected nbformat 4, found 3/,
    );
    assert.throws(() => serializer.deserializeNotebook(new Uint8Array([0xc3, 0x28])), /This \.idcnb file .*: expected UTF-8 text/);
  });

  it('turns outputs made during a session (several stdout items, plain errors) into nbformat', () => {
    const data = sessionCell([
      new fake.NotebookCellOutput([fake.NotebookCellOutputItem.stdout('a\n'), fake.NotebookCellOutputItem.stdout('b\n')], { outputType: 'stream' }),
      new fake.NotebookCellOutput([fake.NotebookCellOutputItem.error({ name: 'TypeError', message: 'bad', stack: 'TypeError: bad\n    at cell 1:1:1' })]),
      new fake.NotebookCellOutput([fake.NotebookCellOutputItem.error({ name: 'InterruptError', message: 'Interrupted by the user' })]),
    ]);
    assert.deepEqual(outputsOf(data), [
      { output_type: 'stream', name: 'stdout', text: 'a\nb\n' },
      { output_type: 'error', ename: 'TypeError', evalue: 'bad', traceback: ['TypeError: bad', '    at cell 1:1:1'] },
      { output_type: 'error', ename: 'InterruptError', evalue: 'Interrupted by the user', traceback: [] },
    ]);
  });

  it('splits one output holding stdout and stderr items into a stream output per run', () => {
    const { stdout, stderr } = fake.NotebookCellOutputItem;
    const data = sessionCell([new fake.NotebookCellOutput([stdout('1'), stdout('2'), stderr('oops'), stdout('3')])]);
    assert.deepEqual(outputsOf(data), [
      { output_type: 'stream', name: 'stdout', text: '12' },
      { output_type: 'stream', name: 'stderr', text: 'oops' },
      { output_type: 'stream', name: 'stdout', text: '3' },
    ]);
  });

  it('gives a result shown during the session the count of its cell, and keeps rich data by kind', () => {
    const bytes = new Uint8Array([9, 8, 7, 6]);
    const view = new Uint8Array(bytes.buffer, 1, 2);
    const data = sessionCell(
      [
        new fake.NotebookCellOutput(
          [
            fake.NotebookCellOutputItem.text('{"a": [1, 2]}', 'application/json'),
            fake.NotebookCellOutputItem.text('not json', 'application/vnd.other+json'),
            new fake.NotebookCellOutputItem(view, 'image/jpeg'),
            fake.NotebookCellOutputItem.text('<svg/>', 'image/svg+xml'),
          ],
          { outputType: 'execute_result', metadata: {} },
        ),
        new fake.NotebookCellOutput([fake.NotebookCellOutputItem.text('shown')]),
      ],
      7,
    );
    const outputs = outputsOf(data);
    assert.deepEqual(outputs, [
      {
        output_type: 'execute_result',
        execution_count: 7,
        metadata: {},
        data: { 'application/json': { a: [1, 2] }, 'application/vnd.other+json': 'not json', 'image/jpeg': new Uint8Array([8, 7]), 'image/svg+xml': '<svg/>' },
      },
      { output_type: 'display_data', data: { 'text/plain': 'shown' }, metadata: {} },
    ]);
    const jpeg = outputs[0]?.output_type === 'execute_result' ? (outputs[0].data['image/jpeg'] as Uint8Array) : undefined;
    assert.notEqual(jpeg?.buffer, bytes.buffer, 'binary data is copied out of VS Code buffers');
    assert.ok(serializeNotebook(fromNotebookData(data)).includes('"image/jpeg": "CAc="'));
  });

  it('gives a notebook or cell made in VS Code the IDC Lab metadata and a cell id', () => {
    const markdown = new fake.NotebookCellData(fake.NotebookCellKind.Markup, '# hi', 'markdown');
    const code = new fake.NotebookCellData(fake.NotebookCellKind.Code, '1', 'typescript');
    const nb = fromNotebookData(new fake.NotebookData([markdown, code]) as unknown as vscode.NotebookData);
    assert.equal(nb.nbformat_minor, 5);
    assert.deepEqual(nb.metadata, IDC_NOTEBOOK_METADATA);
    assert.deepEqual(
      nb.cells.map((c) => [c.cell_type, c.source, c.metadata]),
      [
        ['markdown', '# hi', {}],
        ['code', '1', {}],
      ],
    );
    for (const cell of nb.cells) assert.match(cell.id, /^[0-9a-f]{8}$/);
    assert.notEqual(nb.cells[0]?.id, nb.cells[1]?.id);
  });

  it("fills in metadata without changing VS Code's (possibly frozen) metadata object", () => {
    const data = new fake.NotebookData([]);
    const own = Object.freeze({ authors: ['me'] });
    data.metadata = Object.freeze({ nbformat: 4, nbformat_minor: 5, metadata: own });
    const nb = fromNotebookData(data as unknown as vscode.NotebookData);
    assert.deepEqual(nb.metadata, { authors: ['me'], ...IDC_NOTEBOOK_METADATA });
    assert.deepEqual(own, { authors: ['me'] });
  });
});
