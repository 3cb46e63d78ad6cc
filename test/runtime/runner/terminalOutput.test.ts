/**
 * Rich outputs in the terminal, on a fake clock: the lines of progress bars and training runs,
 * live lines redrawn in place on a terminal, throttled plain lines in a log, and the final text
 * of other displays printed once.
 */
import assert from 'node:assert/strict';
import { payloadJson, type ProgressPayload, type TrainingPayload } from '../../../kernels/outputs/contracts';
import { IDC_MIME, type MimeBundle } from '../../../kernels/outputs/mime';
import { validateTraining } from '../../../kernels/outputs/payloadChecks';
import { type Bar, barText, fitWidth, lineDue, liveFrame, nextBar, readBars } from '../../../kernels/runtime/runner/terminalLines';
import { TerminalOutput, type TerminalMode } from '../../../kernels/runtime/runner/terminalOutput';

const progress = (p: Partial<ProgressPayload>): MimeBundle => {
  const payload: ProgressPayload = {
    v: 1,
    label: 'steps',
    done: 0,
    total: 100,
    ratePerSecond: null,
    etaSeconds: null,
    elapsedSeconds: 0,
    state: 'running',
    ...p,
  };
  return { [IDC_MIME.progress]: payloadJson(payload), 'text/plain': `${payload.label} ${payload.done}` };
};

const training = (runs: TrainingPayload['runs']): MimeBundle => {
  const payload: TrainingPayload = { v: 1, title: 'LoRA ablation: training loss', runs, notes: [] };
  return { [IDC_MIME.training]: payloadJson(payload), 'text/plain': `${runs.length} runs` };
};

class FakeClock {
  t = 0;
  now(): number {
    return this.t;
  }
}

/** A terminal that keeps every write, in order, with the stream it went to. */
function fakeTerminal(mode: TerminalMode, columns = 80) {
  const clock = new FakeClock();
  const writes: Array<[string, string]> = [];
  const out = new TerminalOutput(
    { stdout: (text) => writes.push(['stdout', text]), stderr: (text) => writes.push(['stderr', text]) },
    { mode, clock, columns: () => columns, lineEveryMs: 5000 },
  );
  const take = () => writes.splice(0, writes.length);
  return { clock, out, take };
}

const ERASE = (lines: number) => `\x1b[${lines}A\x1b[J`;

describe('terminal lines of rich outputs', () => {
  it('reads a progress output as one bar, and each started run of a training output as one', () => {
    assert.deepEqual(readBars(progress({ done: 5, ratePerSecond: 2, etaSeconds: 47.5, elapsedSeconds: 2.5 })), [
      {
        part: '',
        kind: 'progress',
        label: 'steps',
        done: 5,
        total: 100,
        state: 'running',
        reported: { ratePerSecond: 2, etaSeconds: 47.5, elapsedSeconds: 2.5 },
      },
    ]);
    const runs = training([
      { name: 'r4', loss: [3, 2.5], validation: [], state: 'running', totalSteps: 10 },
      { name: 'r16', loss: [], validation: [], state: 'waiting', totalSteps: 10 },
      { name: 'r8', loss: [1, 2], validation: [], state: 'interrupted' },
    ]);
    assert.deepEqual(readBars(runs), [
      { part: 'r4', kind: 'training', label: 'r4', done: 2, total: 10, state: 'running', detail: 'loss 2.500' },
      { part: 'r8', kind: 'training', label: 'r8', done: 2, total: null, state: 'failed', detail: 'loss 2.000' },
    ]);
    // a diverged step (NaN, null in JSON) leaves the last finite loss as the one shown
    const diverged = { [IDC_MIME.training]: { v: 1, title: 't', notes: [], runs: [{ name: 'r2', loss: [1.5, null], validation: [], state: 'running' }] } };
    assert.equal(readBars(diverged)[0]?.detail, 'loss 1.500');
    assert.deepEqual(readBars({ 'text/plain': 'a table' }), []);
    assert.deepEqual(readBars({ [IDC_MIME.progress]: { v: 2 } }), [], 'a payload that fails its check shows no bar');
  });

  it('checks a training run’s planned steps when it has them', () => {
    const run = { name: 'r4', loss: [], validation: [], state: 'running' };
    assert.equal(validateTraining({ v: 1, title: 't', notes: [], runs: [run] }).ok, true);
    assert.equal(validateTraining({ v: 1, title: 't', notes: [], runs: [{ ...run, totalSteps: 1500 }] }).ok, true);
    assert.deepEqual(validateTraining({ v: 1, title: 't', notes: [], runs: [{ ...run, totalSteps: 'many' }] }), {
      ok: false,
      problem: 'runs[0].totalSteps: expected a number of steps, found "many"',
    });
  });

  it('carries a progress output’s ETA and elapsed time forward between its updates', () => {
    const [reading] = readBars(progress({ done: 40, ratePerSecond: 4, etaSeconds: 15, elapsedSeconds: 10 }));
    assert.ok(reading);
    const bar = nextBar(undefined, 'd1/', 'cell 3', reading, 1000);
    assert.ok(bar);
    assert.equal(barText(bar, 1000), 'cell 3 · steps 40/100 (40%) · 4.00 it/s · ETA 0:15 · elapsed 0:10');
    assert.equal(barText(bar, 4000), 'cell 3 · steps 40/100 (40%) · 4.00 it/s · ETA 0:12 · elapsed 0:13');
  });

  it('measures a training run’s rate from its steps since the first reading, a resumed run’s earlier steps left out', () => {
    const reading = (done: number) => ({
      part: 'r4',
      kind: 'training' as const,
      label: 'r4 qformer+llm',
      done,
      total: 1500,
      state: 'running' as const,
      detail: 'loss 2.113',
    });
    // resumed at step 900: its first reading here
    const first = nextBar(undefined, 'd1/r4', 'cell 4', reading(901), 0);
    assert.ok(first);
    assert.equal(barText(first, 0), 'cell 4 · r4 qformer+llm 901/1500 (60%) · elapsed 0:00 · loss 2.113');
    const later = nextBar(first, 'd1/r4', 'cell 4', reading(921), 10_000);
    assert.ok(later);
    // 20 steps in 10 s: 2 it/s, 579 steps left: 289.5 s, less the 2 s since the reading
    assert.equal(barText(later, 12_000), 'cell 4 · r4 qformer+llm 921/1500 (61%) · 2.00 it/s · ETA 4:48 · elapsed 0:12 · loss 2.113');
    // sent again with no new step (another run of the output moved): the rate holds, the clocks go on
    const resent = nextBar(later, 'd1/r4', 'cell 4', reading(921), 14_000);
    assert.ok(resent);
    assert.equal(barText(resent, 14_000), 'cell 4 · r4 qformer+llm 921/1500 (61%) · 2.00 it/s · ETA 4:46 · elapsed 0:14 · loss 2.113');
    // stopped without a further step: the rate is still that of its steps, the time runs to the end
    const stopped = nextBar(resent, 'd1/r4', 'cell 4', { ...reading(921), state: 'failed' }, 20_000);
    assert.ok(stopped);
    assert.equal(barText(stopped, 25_000), 'cell 4 · r4 qformer+llm 921/1500 (61%) · 2.00 it/s · elapsed 0:20 · stopped · loss 2.113');
    // a run read back finished starts no bar; one that finishes while watched ends its bar
    assert.equal(nextBar(undefined, 'd1/r8', 'cell 4', { ...reading(1500), state: 'done' }, 0), undefined);
    assert.equal(nextBar(later, 'd1/r4', 'cell 4', { ...reading(1500), state: 'done' }, 20_000)?.reading.state, 'done');
  });

  it('stacks the live lines of running bars under a text gauge, cut to the terminal’s width', () => {
    const bar = (key: string, reading: Parameters<typeof nextBar>[3]): Bar => {
      const made = nextBar(undefined, key, 'cell 2', reading, 0);
      assert.ok(made);
      return made;
    };
    const bars = [
      bar('a', {
        part: '',
        kind: 'progress',
        label: 'epochs',
        done: 5,
        total: 20,
        state: 'running',
        reported: { ratePerSecond: 1, etaSeconds: 15, elapsedSeconds: 5 },
      }),
      bar('b', { part: '', kind: 'progress', label: 'files', done: 7, total: null, state: 'running' }),
      bar('c', { part: '', kind: 'progress', label: 'old', done: 3, total: 3, state: 'done' }),
    ];
    assert.deepEqual(liveFrame(bars, 0, 200), [
      '[#####---------------] cell 2 · epochs 5/20 (25%) · 1.00 it/s · ETA 0:15 · elapsed 0:05',
      '[                    ] cell 2 · files 7 · elapsed 0:00',
    ]);
    // 39 characters: a line as wide as the terminal would wrap in some of them
    assert.deepEqual(liveFrame(bars, 0, 40), ['[#####---------------] cell 2 · epochs…', '[                    ] cell 2 · files …']);
    assert.equal(fitWidth('short', 40), 'short');
  });

  it('prints a bar in a log at most once per interval, and never the same count twice running', () => {
    const [reading] = readBars(progress({ done: 1 }));
    assert.ok(reading);
    const bar = nextBar(undefined, 'k', 'cell 1', reading, 0);
    assert.ok(bar);
    assert.equal(lineDue(bar, undefined, 4999, 5000), false);
    assert.equal(lineDue(bar, undefined, 5000, 5000), true);
    const moved: Bar = { ...bar, reading: { ...reading, done: 9 } };
    assert.equal(lineDue(moved, { at: 5000, done: 1 }, 9999, 5000), false);
    assert.equal(lineDue(moved, { at: 5000, done: 1 }, 10_000, 5000), true);
    assert.equal(lineDue(moved, { at: 5000, done: 9 }, 60_000, 5000), false, 'nothing new to say');
  });
});

describe('terminal output of a run', () => {
  it('in a log: a bar’s line every few seconds and its end once; other displays’ final text once when the cell ends', () => {
    const { clock, out, take } = fakeTerminal('lines');
    out.cellStarted('cell 3');
    out.display('d1', progress({}));
    out.display('d2', { 'text/plain': 'table v1' });
    clock.t = 1000;
    out.display('d1', progress({ done: 10, ratePerSecond: 10, etaSeconds: 9, elapsedSeconds: 1 }));
    out.display('d2', { 'text/plain': 'table v2' });
    out.tick();
    assert.deepEqual(take(), []);
    clock.t = 5000;
    out.display('d1', progress({ done: 50, ratePerSecond: 10, etaSeconds: 5, elapsedSeconds: 5 }));
    out.tick();
    clock.t = 7000;
    out.tick();
    out.display('d1', progress({ done: 70, ratePerSecond: 10, etaSeconds: 3, elapsedSeconds: 7 }));
    out.stream('stdout', 'epoch 1\n');
    clock.t = 9000;
    out.tick();
    clock.t = 10_000;
    out.display('d1', progress({ done: 100, ratePerSecond: 10, etaSeconds: 0, elapsedSeconds: 10, state: 'done' }));
    out.display('d2', { 'text/plain': 'table v3' });
    out.tick();
    out.result({ 'text/plain': '42' });
    out.cellFinished();
    assert.deepEqual(take(), [
      ['stderr', '[idc-lab] cell 3 · steps 50/100 (50%) · 10 it/s · ETA 0:05 · elapsed 0:05\n'],
      ['stdout', 'epoch 1\n'],
      ['stderr', '[idc-lab] cell 3 · steps 100/100 (100%) · 10 it/s · elapsed 0:10\n'],
      ['stdout', 'table v3\n'],
      ['stdout', '42\n'],
    ]);
  });

  it('on a terminal: one live line per running bar, redrawn in place, with the cell’s output scrolling above', () => {
    const { clock, out, take } = fakeTerminal('tty', 120);
    out.cellStarted('cell 1');
    out.display('d1', progress({ label: 'a', total: 10 }));
    out.display('d2', progress({ label: 'b', total: null }));
    out.tick();
    const frame0 = '[--------------------] cell 1 · a 0/10 (0%) · elapsed 0:00\n[                    ] cell 1 · b 0 · elapsed 0:00\n';
    assert.deepEqual(take(), [['stderr', frame0]]);
    // the live lines step aside for output; a line not yet ended waits under them
    out.stream('stdout', 'hello\nwor');
    out.tick();
    assert.deepEqual(take(), [
      ['stderr', ERASE(2)],
      ['stdout', 'hello\n'],
      ['stderr', frame0],
    ]);
    clock.t = 1000;
    out.display('d1', progress({ label: 'a', total: 10, done: 5, ratePerSecond: 5, etaSeconds: 1, elapsedSeconds: 1 }));
    out.tick();
    assert.deepEqual(take(), [
      [
        'stderr',
        `${ERASE(2)}[##########----------] cell 1 · a 5/10 (50%) · 5.00 it/s · ETA 0:01 · elapsed 0:01\n[                    ] cell 1 · b 0 · elapsed 0:01\n`,
      ],
    ]);
    clock.t = 2000;
    out.display('d1', progress({ label: 'a', total: 10, done: 10, ratePerSecond: 5, etaSeconds: 0, elapsedSeconds: 2, state: 'done' }));
    out.stream('stdout', 'ld\n');
    const frameB = '[                    ] cell 1 · b 0 · elapsed 0:02\n';
    assert.deepEqual(take(), [
      ['stderr', ERASE(2)],
      ['stderr', '[idc-lab] cell 1 · a 10/10 (100%) · 5.00 it/s · elapsed 0:02\n'],
      ['stderr', frameB],
      ['stderr', ERASE(1)],
      ['stdout', 'world\n'],
      ['stderr', frameB],
    ]);
    clock.t = 3000;
    out.cellFinished();
    out.close();
    assert.deepEqual(take(), [
      ['stderr', ERASE(1)],
      ['stderr', '[idc-lab] cell 1 · b 0 · elapsed 0:03\n'],
    ]);
  });

  it('on a terminal: output that ended mid-line gets a line break before the live lines start', () => {
    const { out, take } = fakeTerminal('tty');
    out.cellStarted('cell 1');
    out.stream('stdout', 'loading... ');
    out.display('d1', progress({ label: 'a', total: 4 }));
    out.tick();
    assert.deepEqual(take(), [
      ['stdout', 'loading... '],
      ['stderr', '\n[--------------------] cell 1 · a 0/4 (0%) · elapsed 0:00\n'],
    ]);
  });

  it('shows each running run of a training output, from the resumed step on, and prints the curves’ text when the cell ends', () => {
    const { clock, out, take } = fakeTerminal('lines');
    out.cellStarted('cell 4');
    const resumed = Array.from({ length: 900 }, () => 2.5);
    out.display('curves', training([{ name: 'r4 llm', loss: resumed, validation: [], state: 'waiting', totalSteps: 1500 }]));
    out.tick();
    out.display('curves', training([{ name: 'r4 llm', loss: [...resumed, 2.2], validation: [], state: 'running', totalSteps: 1500 }]));
    clock.t = 5000;
    out.display(
      'curves',
      training([{ name: 'r4 llm', loss: [...resumed, ...Array.from({ length: 11 }, () => 2.2)], validation: [], state: 'running', totalSteps: 1500 }]),
    );
    out.tick();
    clock.t = 6000;
    out.display(
      'curves',
      training([{ name: 'r4 llm', loss: [...resumed, ...Array.from({ length: 12 }, () => 2.1)], validation: [], state: 'done', totalSteps: 1500 }]),
    );
    out.cellFinished();
    assert.deepEqual(take(), [
      ['stderr', '[idc-lab] cell 4 · r4 llm 911/1500 (60%) · 2.00 it/s · ETA 4:55 · elapsed 0:05 · loss 2.200\n'],
      ['stderr', '[idc-lab] cell 4 · r4 llm 912/1500 (60%) · 1.83 it/s · elapsed 0:06 · loss 2.100\n'],
      ['stdout', '1 runs\n'],
    ]);
  });

  it('--quiet: the streams only, as before rich outputs had a terminal form', () => {
    const { clock, out, take } = fakeTerminal('quiet');
    out.cellStarted('cell 1');
    out.display('d1', progress({}));
    out.stream('stdout', 'hi\n');
    clock.t = 60_000;
    out.display('d1', progress({ done: 100, state: 'done' }));
    out.tick();
    out.result({ 'text/plain': '42' });
    out.cellFinished();
    out.log('[idc-lab] cell 1 ok in 60.00 s');
    assert.deepEqual(take(), [
      ['stdout', 'hi\n'],
      ['stderr', '[idc-lab] cell 1 ok in 60.00 s\n'],
    ]);
  });
});
