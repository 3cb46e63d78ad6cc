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
  /** As run, with these environment variables set (IDC_LAB_TTY, COLUMNS). */
  const runWith = (env: Record<string, string>, ...args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });

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

  describe('rich outputs in the terminal', () => {
    // a table updated in place, then a progress loop of 25 steps of 100 ms each (an update per step)
    const progressNotebook = () =>
      write(
        'progress.idcnb',
        notebookOf([
          'console.log("start");\nconst table = display("table v1");\ntable.update("table v2");\ntable.update("table v3");',
          "for await (const _ of idc.progress(Array.from({ length: 25 }), { label: 'steps', intervalMs: 50 })) await new Promise((r) => setTimeout(r, 100));\n({ answer: 42 })",
        ]),
      );
    // the cells' stdout, then each display's final text once, then the cell's result
    const STDOUT = 'start\ntable v3\n{ answer: 42 }\n';
    const PERIODIC = /^\[idc-lab\] cell 2 · steps (\d+)\/25 \(\d+%\) · [\d.]+ it\/s · ETA \d+:\d\d · elapsed \d+:\d\d$/;
    const FINAL = /^\[idc-lab\] cell 2 · steps 25\/25 \(100%\) · [\d.]+ it\/s · elapsed (\d+):(\d\d)$/m;

    it('in a pipe: plain progress lines, at most one per --progress-every seconds, and the end once', () => {
      const result = run('run', progressNotebook(), '--progress-every', '2');
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, STDOUT);
      assert.ok(!result.stderr.includes('\x1b['), 'no terminal control codes in a log');
      const lines = result.stderr.split('\n').filter((line) => line.includes(' · steps '));
      const final = FINAL.exec(lines.pop() ?? '');
      assert.ok(final, result.stderr);
      // 25 updates came; a line every 2 s of the loop's time at most, the last one ends it
      const seconds = 60 * Number(final[1]) + Number(final[2]);
      assert.ok(lines.length >= 1 && lines.length <= seconds / 2 + 1, result.stderr);
      const counts = lines.map((line) => Number(PERIODIC.exec(line)?.[1]));
      assert.ok(
        counts.every((c, i) => c > 0 && c < 25 && (i === 0 || c > (counts[i - 1] as number))),
        result.stderr,
      );
      assert.equal(result.stderr.match(/steps 25\/25/g)?.length, 1);
    });

    it('on a terminal (IDC_LAB_TTY=1): a live line redrawn in place, cut to the width, and the end once', () => {
      const result = runWith({ IDC_LAB_TTY: '1', COLUMNS: '100' }, 'run', progressNotebook());
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, STDOUT);
      // the live line is taken off (cursor up one line, erase below) before each redraw
      const frames = result.stderr.split('\x1b[1A\x1b[J');
      assert.ok(frames.length > 2, result.stderr);
      const live = frames.flatMap((f) => f.split('\n')).filter((line) => line.startsWith('['));
      assert.ok(
        live.some((line) => /^\[#*-*\] cell 2 · steps \d+\/25 \(\d+%\) · [\d.]+ it\/s · ETA \d+:\d\d · elapsed \d+:\d\d$/.test(line)),
        result.stderr,
      );
      assert.ok(
        live.every((line) => line.length < 100),
        'no live line wider than the terminal',
      );
      // once the codes are out, the end is a line of its own
      assert.match(frames.join(''), FINAL);
      assert.equal(result.stderr.match(/steps 25\/25/g)?.length, 1);
    });

    it('on a pseudo-terminal: live lines without being told', () => {
      // util-linux's `script` (Debian's essential bsdutils) runs the CLI on a pseudo-terminal
      const probe = spawnSync('script', ['--version'], { encoding: 'utf8' });
      assert.ok(probe.status === 0 && probe.stdout.includes('util-linux'), `util-linux's script is needed for this test: ${probe.error ?? probe.stdout}`);
      const command = [process.execPath, BIN, 'run', progressNotebook()].map((a) => `'${a}'`).join(' ');
      const { IDC_LAB_TTY: _, ...env } = process.env;
      const result = spawnSync('script', ['--quiet', '--return', '--command', command, '/dev/null'], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...env, COLUMNS: '100' },
      });
      assert.equal(result.status, 0, result.stdout);
      assert.ok(result.stdout.includes('\x1b[1A\x1b[J'), result.stdout);
      assert.match(result.stdout, /\[#*-*\] cell 2 · steps \d+\/25/);
    });

    it("--quiet: the cells' stdout and stderr only, as before", () => {
      const result = run('run', progressNotebook(), '--quiet');
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, 'start\n');
      assert.ok(!result.stderr.includes(' · steps '), result.stderr);
      assert.match(result.stderr, /\[idc-lab\] cell 2 ok in/);
    });

    it('says what it takes in --help and refuses what it does not', () => {
      const help = run('--help');
      assert.match(help.stdout, /--quiet, -q/);
      assert.match(help.stdout, /IDC_LAB_TTY=1 \| 0/);
      assert.match(help.stdout, /--progress-every seconds/);
      const badTty = runWith({ IDC_LAB_TTY: 'yes' }, 'run', write('t.idcnb', notebookOf(['1'])));
      assert.equal(badTty.status, 2);
      assert.match(badTty.stderr, /IDC_LAB_TTY=yes: expected 1 \(a terminal\) or 0 \(plain lines\)/);
      const badEvery = run('run', write('e.idcnb', notebookOf(['1'])), '--progress-every', '0');
      assert.equal(badEvery.status, 2);
      assert.match(badEvery.stderr, /--progress-every 0: expected a positive number of seconds/);
    });
  });
});
