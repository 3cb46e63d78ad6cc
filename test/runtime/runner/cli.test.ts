/**
 * The headless runner as a user runs it: `node bin/idc-lab.js run ...` on notebooks written
 * to a temporary folder; exit codes, messages, parameters and the files it writes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newNotebook, parseNotebook, serializeNotebook, type CodeCell, type Notebook } from '../../../kernels/runtime/notebook/nbformat';

const BIN = path.resolve(__dirname, '../../../bin/idc-lab.js');

function notebookOf(sources: Array<string | { source: string; tags: string[] }>): Notebook {
  const nb = newNotebook();
  nb.cells = sources.map((s, i) => {
    const { source, tags } = typeof s === 'string' ? { source: s, tags: [] } : s;
    const cell: CodeCell = { cell_type: 'code', id: `cell${i}`, source, metadata: tags.length ? { tags } : {}, outputs: [], execution_count: null };
    return cell;
  });
  return nb;
}

describe('idc-lab run (headless runner)', () => {
  let dir: string;
  const write = (name: string, nb: Notebook | string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, typeof nb === 'string' ? nb : serializeNotebook(nb));
    return file;
  };
  const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8' });

  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idc-runner-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('executes every cell, streams output, and writes the executed notebook and an HTML report', () => {
    const file = write('ok.idcnb', notebookOf(['const x = 20;\nconsole.log("hello from cell 1");', 'display({ doubled: x * 2 });\nx + 1']));
    const result = run('run', file, '--out', 'executed.idcnb', '--html', 'report.html');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /hello from cell 1/);
    assert.match(result.stderr, /cell 2 \(2\/2\) running/);
    const executed = parseNotebook(fs.readFileSync(path.join(dir, 'executed.idcnb'), 'utf8'), 'executed.idcnb');
    const [first, second] = executed.cells as CodeCell[];
    assert.deepEqual(first?.outputs, [{ output_type: 'stream', name: 'stdout', text: 'hello from cell 1\n' }]);
    assert.equal(first?.execution_count, 1);
    assert.deepEqual(
      second?.outputs.map((o) => o.output_type),
      ['display_data', 'execute_result'],
    );
    const display = second?.outputs[0];
    assert.deepEqual(display?.output_type === 'display_data' ? display.data['application/json'] : undefined, { doubled: 40 });
    const result2 = second?.outputs[1];
    assert.equal(result2?.output_type === 'execute_result' ? result2.data['text/plain'] : undefined, '21');
    const html = fs.readFileSync(path.join(dir, 'report.html'), 'utf8');
    assert.match(html, /hello from cell 1/);
  });

  it('exits non-zero naming the failing cell and the line in it, and runs no later cell', () => {
    const file = write(
      'fails.idcnb',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the cell's own template literal
      notebookOf(['console.log("first ran");', 'const a = 1;\nconst b = a + 1;\nthrow new Error(`broken at ${b}`);', 'console.log("third ran");']),
    );
    const result = run('run', file, '--out', 'executed.idcnb');
    assert.equal(result.status, 1);
    assert.match(result.stderr, /FAILED: cell 2, line 3: Error: broken at 2/);
    assert.doesNotMatch(result.stdout, /third ran/);
    // The executed notebook is still written, with the error in cell 2.
    const executed = parseNotebook(fs.readFileSync(path.join(dir, 'executed.idcnb'), 'utf8'), 'executed.idcnb');
    const failed = (executed.cells[1] as CodeCell).outputs[0];
    assert.equal(failed?.output_type, 'error');
    assert.deepEqual((executed.cells[2] as CodeCell).outputs, []);
  });

  it('counts markdown cells in the cell numbers users see', () => {
    const nb = notebookOf(['x;']);
    nb.cells.unshift({ cell_type: 'markdown', id: 'intro', source: '# Intro', metadata: {} });
    const result = run('run', write('md.idcnb', nb));
    assert.equal(result.status, 1);
    assert.match(result.stderr, /cell 2, line 1: ReferenceError: x is not defined/);
  });

  it('overrides the parameters cell with --param, papermill-style', () => {
    const nb = notebookOf([{ source: 'const rank = 8;\nconst name = "default";', tags: ['parameters'] }, 'console.log(JSON.stringify({ rank, name }));']);
    const result = run('run', write('params.idcnb', nb), '--param', 'rank=32', '--param', 'name=r32 run', '--out', 'executed.idcnb');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /\{"rank":32,"name":"r32 run"\}/);
    const executed = parseNotebook(fs.readFileSync(path.join(dir, 'executed.idcnb'), 'utf8'), 'executed.idcnb');
    assert.equal(executed.cells.length, 3);
    assert.deepEqual(executed.cells[1]?.metadata.tags, ['injected-parameters']);
    assert.equal(executed.cells[1]?.source, '// Parameters given on the command line\nconst rank = 32;\nconst name = "r32 run";');
  });

  it('interrupts a cell that runs past --timeout and fails', () => {
    const result = run('run', write('slow.idcnb', notebookOf(['while (true) {}'])), '--timeout', '1');
    assert.equal(result.status, 1);
    assert.match(result.stderr, /cell 1 did not finish within 1 s and was interrupted/);
  });

  it('refuses a corrupt notebook with exit code 2, naming the file and what is wrong', () => {
    const file = write('corrupt.idcnb', '{"cells": [ }');
    const result = run('run', file);
    assert.equal(result.status, 2);
    assert.ok(result.stderr.includes(file), result.stderr);
    const notNb = write('not-nb.idcnb', '{"cells": [], "nbformat": 3, "metadata": {}}');
    const second = run('run', notNb);
    assert.equal(second.status, 2);
    assert.match(second.stderr, /nbformat/);
  });

  it('explains its usage errors', () => {
    assert.equal(run('frobnicate').status, 2);
    const badParam = run('run', write('p.idcnb', notebookOf(['1'])), '--param', 'no-equals');
    assert.equal(badParam.status, 2);
    assert.match(badParam.stderr, /--param no-equals: expected name=value/);
    const badTimeout = run('run', write('t.idcnb', notebookOf(['1'])), '--timeout', 'soon');
    assert.match(badTimeout.stderr, /--timeout soon: expected a positive number of seconds/);
  });
});
