/**
 * The controller through a fake of the VS Code API (test/extension/fakeVscode.ts) and a real
 * kernel: outputs land in the right cells, Run All stops at the first failure, interrupts
 * reach the kernel, and nothing runs in an untrusted workspace.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as vscode from 'vscode';
import { IdcKernelController, UNTRUSTED_MESSAGE } from '../../extension/controller';
import * as fake from './fakeVscode';
import { KERNEL_PATH } from '../runtime/kernel/kernelHarness';

const decoder = new TextDecoder();

function fakeNotebook(dir: string, sources: string[]) {
  const notebook = { uri: fake.Uri.file(path.join(dir, 'test.idcnb')), notebookType: 'idc-notebook', cells: [] as unknown[] };
  notebook.cells = sources.map((source, index) => ({
    index,
    kind: fake.NotebookCellKind.Code,
    notebook,
    document: { getText: () => source },
  }));
  return notebook as unknown as vscode.NotebookDocument & { cells: vscode.NotebookCell[] };
}

function itemsOf(execution: fake.FakeExecution): Array<{ mime: string; text: string }> {
  return execution.outputs.flatMap((o) => o.items.map((i) => ({ mime: i.mime, text: decoder.decode(i.data) })));
}

describe('extension controller (fake VS Code API)', () => {
  let controller: IdcKernelController;
  let fakeController: fake.FakeController;
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idc-controller-'));
    fake.workspace.isTrusted = true;
    controller = new IdcKernelController(() => ({ nodePath: '', interruptTimeoutSeconds: 5, maxOldSpaceSizeMB: 0 }), KERNEL_PATH);
    fakeController = fake.created.controllers.at(-1) as fake.FakeController;
  });
  afterEach(async () => {
    controller.dispose();
    await new Promise((r) => setTimeout(r, 50));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('registers a TypeScript controller with execution order for idc-notebook', () => {
    assert.equal(fakeController.notebookType, 'idc-notebook');
    assert.deepEqual(fakeController.supportedLanguages, ['typescript']);
    assert.equal(fakeController.supportsExecutionOrder, true);
  });

  it('runs cells in one kernel, writes their outputs, and stops Run All at the first failure', async () => {
    const notebook = fakeNotebook(dir, [
      'const n = 20;\nconsole.log("hello");\nconsole.log("again");',
      'display({ n });\nn * 2 + 2',
      'const a = 1;\nconst b = 2;\nthrow new Error("third line");',
      'console.log("never")',
    ]);
    await controller.execute(notebook.cells, notebook);
    const [first, second, third, ...rest] = fakeController.executions;
    assert.equal(rest.length, 0, 'the cell after the failure must not run');
    assert.deepEqual([first?.success, second?.success, third?.success], [true, true, false]);
    assert.deepEqual([first?.executionOrder, second?.executionOrder, third?.executionOrder], [1, 2, 3]);
    // Consecutive writes to one stream become one output.
    assert.equal(first?.outputs.length, 1);
    assert.deepEqual(itemsOf(first as fake.FakeExecution), [
      { mime: 'application/vnd.code.notebook.stdout', text: 'hello\n' },
      { mime: 'application/vnd.code.notebook.stdout', text: 'again\n' },
    ]);
    const shown = itemsOf(second as fake.FakeExecution);
    assert.deepEqual(JSON.parse(shown.find((i) => i.mime === 'application/json')?.text ?? 'null'), { n: 20 });
    assert.equal(shown.at(-1)?.text, '42');
    assert.deepEqual(
      second?.outputs.map((o) => o.metadata?.outputType),
      ['display_data', 'execute_result'],
    );
    const error = JSON.parse(itemsOf(third as fake.FakeExecution)[0]?.text ?? '{}') as { name: string; message: string; stack: string };
    assert.equal(error.message, 'third line');
    assert.match(error.stack, /^Error: third line \(cell 3, line 3, column 7\)/);
  });

  it('replaces a display in place when it is updated', async () => {
    const notebook = fakeNotebook(dir, ['const h = display("first");\nh.update("second");']);
    await controller.execute(notebook.cells, notebook);
    const execution = fakeController.executions[0] as fake.FakeExecution;
    assert.deepEqual(itemsOf(execution), [{ mime: 'text/plain', text: 'second' }]);
  });

  it('interrupts the running cell of a notebook', async () => {
    const notebook = fakeNotebook(dir, ['let spun = 0;\nwhile (true) {\n  spun++;\n  if (spun === 1000) console.log("spinning");\n}', 'spun >= 1000']);
    const running = controller.execute([notebook.cells[0] as vscode.NotebookCell], notebook);
    const spinning = () => fakeController.executions[0] !== undefined && itemsOf(fakeController.executions[0]).some((i) => i.text.includes('spinning'));
    while (!spinning()) await new Promise((r) => setTimeout(r, 20));
    controller.interrupt(notebook);
    await running;
    const execution = fakeController.executions[0] as fake.FakeExecution;
    assert.equal(execution.success, false);
    assert.match(itemsOf(execution).at(-1)?.text ?? '', /InterruptError/);
    await controller.execute([notebook.cells[1] as vscode.NotebookCell], notebook);
    assert.equal(itemsOf(fakeController.executions[1] as fake.FakeExecution).at(-1)?.text, 'true');
  });

  it('runs nothing in an untrusted workspace and says why', async () => {
    fake.workspace.isTrusted = false;
    const notebook = fakeNotebook(dir, ['require("fs").writeFileSync("pwned", "")']);
    await controller.execute(notebook.cells, notebook);
    assert.equal(controller.state(notebook), 'not started');
    assert.equal(fs.existsSync(path.join(dir, 'pwned')), false);
    const execution = fakeController.executions[0] as fake.FakeExecution;
    assert.equal(execution.success, false);
    assert.match(itemsOf(execution)[0]?.text ?? '', /not trusted/);
    assert.ok(fake.created.warnings.includes(UNTRUSTED_MESSAGE));
  });
});
