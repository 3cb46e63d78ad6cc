/**
 * The kernel as a user meets it, through a real child process: persistence of
 * declarations, top-level await, output order and streaming, errors mapped to the cell,
 * interrupts that keep state, and recovery from a dead kernel.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KernelProcess, type ExecutionResult } from '../../../kernels/runtime/host/kernelProcess';
import { KernelSession } from '../../../kernels/runtime/host/kernelSession';
import { IDC_MIME } from '../../../kernels/outputs/mime';
import { KERNEL_PATH, Recorder, resultText } from './kernelHarness';

function ok(result: ExecutionResult): asserts result is Extract<ExecutionResult, { status: 'ok' }> {
  assert.equal(result.status, 'ok', JSON.stringify(result));
}

describe('kernel executor', () => {
  let kernel: KernelProcess;
  let workDir: string;
  const run = (code: string, recorder = new Recorder()) => kernel.execute(code, 'cell 1', recorder);

  before(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idc-kernel-'));
    kernel = await KernelProcess.start({ cwd: workDir, kernelPath: KERNEL_PATH });
  });
  after(async () => {
    await kernel.shutdown();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  describe('scope', () => {
    it('keeps top-level declarations of every kind for later cells', async () => {
      ok(
        await run(
          'const a = 1;\nlet b = 2;\nvar c = 3;\nfunction f(x: number) { return x * 10; }\nclass P { constructor(public v: number) {} }\nenum E { One = 1 }',
        ),
      );
      const result = await run('[a, b, c, f(2), new P(7).v, E.One]');
      ok(result);
      assert.deepEqual(result.result?.['application/json'], [1, 2, 3, 20, 7, 1]);
    });

    it('lets a later cell declare the same const again, and the new value wins', async () => {
      ok(await run('const model = "r8";'));
      ok(await run('const model = "r16";'));
      assert.equal(resultText(await run('model')), "'r16'");
    });

    it('re-running a cell re-declares its names (let resets, functions are replaced)', async () => {
      const cell = 'let counter: number;\nfunction version() { return "v1"; }\ncounter';
      ok(await run('let counter = 41;'));
      assert.equal((await run(cell)).status, 'ok');
      assert.equal(resultText(await run('typeof counter')), "'undefined'");
      ok(await run('function version() { return "v2"; }'));
      assert.equal(resultText(await run('version()')), "'v2'");
    });

    it('destructuring declarations persist every bound name', async () => {
      ok(await run('const { p, q: [r = 5, ...rest], ...others } = { p: 1, q: [undefined, 2, 3], s: 4 } as any;'));
      const result = await run('({ p, r, rest, others })');
      ok(result);
      assert.deepEqual(result.result?.['application/json'], { p: 1, r: 5, rest: [2, 3], others: { s: 4 } });
    });

    it('supports top-level await and returns the last expression as the result', async () => {
      ok(await run('const waited = await new Promise<number>((r) => setTimeout(() => r(42), 20));'));
      assert.equal(resultText(await run('await Promise.resolve(waited + 1)')), '43');
    });

    it('shows no result for a final assignment or a void expression', async () => {
      const assigned = await run('let z = 1;\nz = 2');
      ok(assigned);
      assert.equal(assigned.result, undefined);
      const logged = await run('console.log("x")');
      ok(logged);
      assert.equal(logged.result, undefined);
    });

    it('has idc, display and require in scope, and imports node modules', async () => {
      const result = await run(
        'import path from "node:path";\nimport { join } from "path";\nimport * as os from "os";\n[typeof idc.progress, typeof display, typeof require, path.sep, join("a", "b"), typeof os.cpus]',
      );
      ok(result);
      assert.deepEqual(result.result?.['application/json'], ['function', 'function', 'function', '/', 'a/b', 'function']);
    });

    it("imports CommonJS and ES module packages from the notebook folder's node_modules", async () => {
      const cjs = path.join(workDir, 'node_modules', 'cjs-pkg');
      const esm = path.join(workDir, 'node_modules', 'esm-pkg');
      fs.mkdirSync(cjs, { recursive: true });
      fs.mkdirSync(esm, { recursive: true });
      fs.writeFileSync(path.join(cjs, 'package.json'), '{"name":"cjs-pkg","main":"index.js"}');
      fs.writeFileSync(path.join(cjs, 'index.js'), 'module.exports = { answer: 42 };');
      fs.writeFileSync(path.join(esm, 'package.json'), '{"name":"esm-pkg","type":"module","exports":"./index.js"}');
      fs.writeFileSync(path.join(esm, 'index.js'), 'export default "esm default"; export const named = "esm named";');
      const result = await run(
        'import cjs from "cjs-pkg";\nimport esm, { named } from "esm-pkg";\nconst dyn = await import("cjs-pkg");\n[cjs.answer, esm, named, require("cjs-pkg").answer, dyn.answer]',
      );
      ok(result);
      assert.deepEqual(result.result?.['application/json'], [42, 'esm default', 'esm named', 42, 42]);
    });
  });

  describe('output', () => {
    it('keeps stdout, stderr and displays in the order they happened', async () => {
      const recorder = new Recorder();
      ok(await run('console.log("one");\nprocess.stderr.write("two\\n");\ndisplay("three");\nconsole.log("four");\nconsole.error("five");', recorder));
      const sequence = recorder.events.map((e) => (e.kind === 'stream' ? `${e.name}:${e.text.trim()}` : `display:${e.bundle['text/plain'] as string}`));
      assert.deepEqual(sequence, ['stdout:one', 'stderr:two', 'display:three', 'stdout:four', 'stderr:five']);
    });

    it('streams output while the cell is still running', async () => {
      // The cell spins until the test has seen its first line: output that only arrived at
      // the end would leave the cell spinning forever.
      const flag = path.join(workDir, 'seen-first-line');
      const recorder = new Recorder();
      const running = run(`console.log("first");\nwhile (!require("fs").existsSync(${JSON.stringify(flag)})) {}\nconsole.log("second");`, recorder);
      await recorder.printed('first');
      assert.equal(recorder.stdout, 'first\n');
      fs.writeFileSync(flag, '');
      ok(await running);
      assert.equal(recorder.stdout, 'first\nsecond\n');
    });

    it('display() returns a handle that updates the output in place', async () => {
      const recorder = new Recorder();
      const result = await run('const h = display({ step: 1 });\nh.update({ step: 2 });\ndisplay.html("<b>bold</b>");\ndisplay.markdown("# title");', recorder);
      ok(result);
      assert.equal(result.result, undefined, 'a final display() call shows no handle as the result');
      const displays = recorder.events.filter((e) => e.kind === 'display');
      assert.equal(displays.length, 4);
      const [first, update, html, markdown] = displays as Array<Extract<(typeof displays)[number], { kind: 'display' }>>;
      assert.deepEqual(first?.bundle['application/json'], { step: 1 });
      assert.equal(update?.update, true);
      assert.equal(update?.displayId, first?.displayId);
      assert.deepEqual(update?.bundle['application/json'], { step: 2 });
      assert.equal(html?.bundle['text/html'], '<b>bold</b>');
      assert.equal(markdown?.bundle['text/markdown'], '# title');
    });

    it('shows strings as text, never as markup, unless the MIME type says so', async () => {
      const recorder = new Recorder();
      ok(await run('display("<img src=x onerror=alert(1)>")', recorder));
      const [shown] = recorder.events;
      assert.equal(shown?.kind, 'display');
      assert.deepEqual(shown?.kind === 'display' ? Object.keys(shown.bundle) : [], ['text/plain']);
    });

    it('displays image bytes by their signature', async () => {
      const recorder = new Recorder();
      ok(await run('display(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))', recorder));
      const shown = recorder.events[0];
      assert.ok(shown?.kind === 'display' && shown.bundle['image/png'] instanceof Uint8Array);
    });

    it('idc.progress counts the items and ends with a final update', async () => {
      const recorder = new Recorder();
      ok(
        await run(
          'let total = 0;\nfor await (const x of idc.progress([1, 2, 3, 4], { label: "items" })) { total += x; }\nfor (const x of idc.progress(new Set([5, 6]))) { total += x; }\ntotal',
          recorder,
        ),
      );
      const updates = recorder.events.filter((e) => e.kind === 'display');
      const last = (id: string) => updates.filter((e) => e.kind === 'display' && e.displayId === id).at(-1);
      const ids = [...new Set(updates.map((e) => (e.kind === 'display' ? e.displayId : '')))];
      assert.equal(ids.length, 2);
      const first = last(ids[0] as string);
      const payload =
        first?.kind === 'display' ? (first.bundle[IDC_MIME.progress] as { done: number; total: number; state: string; label: string }) : undefined;
      assert.deepEqual(
        { done: payload?.done, total: payload?.total, state: payload?.state, label: payload?.label },
        { done: 4, total: 4, state: 'done', label: 'items' },
      );
      assert.match(first?.kind === 'display' ? (first.bundle['text/plain'] as string) : '', /^items 4\/4 \(100%\)/);
    });

    it('idc.metrics.score returns a result that shows itself as a category chart with its METEOR note', async () => {
      const result = await run(
        'idc.metrics.score({ refs: { a: ["a red cube"], b: ["the ball moved left"] }, cands: { a: "a red cube", b: "a ball moved" } }, { categories: { a: "Color", b: "Move" } })',
      );
      ok(result);
      const payload = result.result?.[IDC_MIME.categoryChart] as { categories: string[]; metrics: string[]; notes: string[] };
      assert.deepEqual(payload.categories, ['Color', 'Move', 'overall']);
      assert.equal(payload.metrics[0], 'CIDEr');
      assert.deepEqual(payload.notes, ['METEOR without a paraphrase table (exact, stem and synonym modules only)']);
      assert.match(result.result?.['image/svg+xml'] as string, /^<svg /);
      assert.match(result.result?.['text/plain'] as string, /note: METEOR without a paraphrase table/);
    });

    it('idc.data.synthetic makes a dataset whose pairs show as an image-pair output with PNG and text fallbacks', async () => {
      const result = await run('const d = idc.data.synthetic({ pairs: 16, size: 32, seed: 2 });\nawait d.pairs({ split: "train", take: 2 })');
      ok(result);
      const payload = result.result?.[IDC_MIME.imagePair] as {
        total: number;
        pairs: Array<{ id: string; category: string; references: string[]; before: { mime: string } }>;
      };
      assert.equal(payload.total, 16); // two scenes: both in train at 80/10/10
      assert.deepEqual(
        payload.pairs.map((p) => [p.id, p.category]),
        [
          ['train/0', 'add'],
          ['train/1', 'remove'],
        ],
      );
      assert.equal(payload.pairs[0]?.references.length, 5);
      assert.equal(payload.pairs[0]?.before.mime, 'image/png');
      const png = result.result?.['image/png'];
      assert.ok(png instanceof Uint8Array && Buffer.from(png.subarray(0, 8)).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])), 'a PNG fallback');
      assert.match(result.result?.['text/plain'] as string, /^synthetic scenes \(train\): pairs 1-2 of 16\n\ntrain\/0 \(train, add\) {2}32x32\n {2}ref 1: /);
    });

    it('reports an error thrown by a background timer in the cell output without killing the kernel', async () => {
      const recorder = new Recorder();
      ok(await run('setTimeout(() => { throw new Error("late failure"); }, 5);\nawait idc.sleep(100);', recorder));
      assert.match(recorder.stderr, /Uncaught exception: Error: late failure/);
      assert.equal(resultText(await run('1 + 1')), '2');
    });
  });

  describe('errors', () => {
    it('names the line and column in the cell, with a mapped stack', async () => {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the cell's own template literal
      const result = await run('const ok1 = 1;\nfunction fail(n: number): never {\n  throw new RangeError(`bad ${n}`);\n}\n\nfail(ok1);');
      assert.equal(result.status, 'error');
      if (result.status !== 'error') return;
      assert.equal(result.error.name, 'RangeError');
      assert.equal(result.error.message, 'bad 1');
      assert.equal(result.error.line, 3);
      assert.equal(result.error.column, 9);
      assert.deepEqual(result.error.stack, ['at fail (cell 1:3:9)', 'at cell 1:6:1']);
    });

    it('reports syntax errors with their position and runs nothing of the cell', async () => {
      const result = await run('globalThis.sideEffect = 1;\nconst broken = ;');
      assert.equal(result.status, 'error');
      if (result.status !== 'error') return;
      assert.equal(result.error.name, 'SyntaxError');
      assert.deepEqual([result.error.line, result.error.column], [2, 16]);
      assert.equal(resultText(await run('typeof (globalThis as any).sideEffect')), "'undefined'");
    });

    it('keeps type errors out of the way: cells are transpiled without type-checking', async () => {
      assert.equal(resultText(await run('const n: number = "not a number" as any as number;\nn')), "'not a number'");
    });

    it('reports a thrown non-Error value', async () => {
      const result = await run('throw "plain string";');
      assert.equal(result.status, 'error');
      if (result.status === 'error') assert.equal(result.error.message, 'Uncaught "plain string"');
    });
  });

  describe('interrupt', () => {
    it('stops a synchronous loop and keeps the kernel state', async () => {
      ok(await run('const keep = "still here";\nlet spins = 0;'));
      const recorder = new Recorder();
      const running = run('while (true) {\n  spins++;\n  if (spins === 1000) console.log("looping");\n}', recorder);
      await recorder.printed('looping');
      kernel.interrupt(10_000);
      assert.equal((await running).status, 'interrupted');
      const after = await run('[keep, spins >= 1000]');
      ok(after);
      assert.deepEqual(after.result?.['application/json'], ['still here', true]);
    });

    it('stops a loop inside a function from an earlier cell, and one after an await', async () => {
      ok(await run('function spin() { for (;;) {} }'));
      const recorder = new Recorder();
      const running = run('console.log("spinning");\nspin();', recorder);
      await recorder.printed('spinning');
      kernel.interrupt(10_000);
      assert.equal((await running).status, 'interrupted');

      const second = new Recorder();
      const afterAwait = run('await idc.sleep(1);\nconsole.log("spinning again");\ndo {} while (true);', second);
      await second.printed('spinning again');
      kernel.interrupt(10_000);
      assert.equal((await afterAwait).status, 'interrupted');
    });

    it('aborts the signal an awaited library call received, and the rest of the cell never runs', async () => {
      const recorder = new Recorder();
      const running = run(
        'const signal = idc.currentSignal();\nconsole.log("waiting");\nawait idc.sleep(60_000);\n(globalThis as any).leaked = true;',
        recorder,
      );
      await recorder.printed('waiting');
      kernel.interrupt(10_000);
      assert.equal((await running).status, 'interrupted');
      const state = await run('[signal.aborted, signal.reason.name, typeof (globalThis as any).leaked]');
      ok(state);
      assert.deepEqual(state.result?.['application/json'], [true, 'InterruptError', 'undefined']);
    });

    it('abandons a wait that ignores the signal and stops the cell when it resumes', async () => {
      const recorder = new Recorder();
      const running = run('console.log("sleeping");\nawait new Promise((r) => setTimeout(r, 300));\n(globalThis as any).resumed = true;', recorder);
      await recorder.printed('sleeping');
      kernel.interrupt(10_000);
      assert.equal((await running).status, 'interrupted');
      ok(await run('await new Promise((r) => setTimeout(r, 500));'));
      assert.equal(resultText(await run('typeof (globalThis as any).resumed')), "'undefined'");
    });

    it('the interrupt of one cell does not leak into the next', async () => {
      assert.equal(resultText(await run('let s = 0;\nfor (let i = 0; i < 1000; i++) s += i;\ns')), '499500');
    });
  });
});

describe('kernel session: restart and crashes', () => {
  let session: KernelSession;
  let workDir: string;

  beforeEach(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idc-session-'));
    session = new KernelSession({ cwd: workDir, kernelPath: KERNEL_PATH, interruptTimeoutMs: 1000, maxOldSpaceSizeMB: 64 });
  });
  afterEach(async () => {
    await session.dispose();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('restarts a kernel that ignores an interrupt, saying that state was lost', async () => {
    ok(await session.execute('const before = 1;', 'cell 1'));
    const firstPid = session.pid;
    const recorder = new Recorder();
    const running = session.execute('console.log("blocking");\nrequire("child_process").execSync("sleep 30");', 'cell 2', recorder);
    await recorder.printed('blocking');
    session.interrupt();
    const result = await running;
    assert.equal(result.status, 'died');
    if (result.status === 'died') assert.match(result.message, /did not stop within 1 s of the interrupt.*state .* was lost/s);
    const next = await session.execute('typeof before', 'cell 3');
    assert.equal(resultText(next), "'undefined'");
    assert.notEqual(session.pid, firstPid);
  });

  it('reports process.exit as a dead kernel and starts a fresh one on the next run', async () => {
    ok(await session.execute('const lost = 1;', 'cell 1'));
    const result = await session.execute('process.exit(3);', 'cell 2');
    assert.equal(result.status, 'died');
    if (result.status === 'died') assert.match(result.message, /exit code 3.*state was lost/s);
    assert.equal(resultText(await session.execute('typeof lost', 'cell 3')), "'undefined'");
  });

  it('reports a native fault with its signal', async () => {
    const result = await session.execute('process.kill(process.pid, "SIGSEGV");\nawait idc.sleep(5000);', 'cell 1');
    assert.equal(result.status, 'died');
    if (result.status === 'died') assert.match(result.message, /killed by SIGSEGV/);
    assert.equal(resultText(await session.execute('"alive"', 'cell 2')), "'alive'");
  });

  it('reports running out of memory', async () => {
    const result = await session.execute('const hog: number[][] = [];\nwhile (true) hog.push(new Array(1e5).fill(1.5));', 'cell 1');
    assert.equal(result.status, 'died');
    if (result.status === 'died') assert.match(result.message, /ran out of memory/);
  });

  it('restart() drops the state', async () => {
    ok(await session.execute('const kept = 1;', 'cell 1'));
    await session.restart();
    assert.equal(session.pid, undefined);
    assert.equal(resultText(await session.execute('typeof kept', 'cell 1')), "'undefined'");
  });
});
