/**
 * The live loss curves of an ablation across an interruption: a run stopped mid-training and
 * started again resumes from its checkpoint, and the curve in the cell shows the steps before
 * the resume (read back from the checkpoint's log) and the new ones at their real step numbers,
 * ending equal to `result.curves()`.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useBackend } from '../../../kernels/idc/backends/backend';
import { ablation } from '../../../kernels/idc/runs/ablation';
import { plannedSteps } from '../../../kernels/idc/runs/liveDisplay';
import { runInCell, type CellContext } from '../../../kernels/outputs/cellContext';
import type { TrainingRun } from '../../../kernels/outputs/contracts';
import { IDC_MIME, type MimeBundle } from '../../../kernels/outputs/mime';
import { validateTraining } from '../../../kernels/outputs/payloadChecks';
import { MIME_BUNDLE } from '../../../kernels/outputs/richOutput';
import { tempFolder } from '../data/pngFixtures';
import { saveTinyBlip2Base } from '../model/blip2/tinyBase';

const RUN = 'r1 llm';

/** A cell that keeps every state its training display went through (copies: the display's payload is updated in place). */
function recordingCell(onCurve: (run: TrainingRun, abort: () => void) => void = () => undefined) {
  const controller = new AbortController();
  const curves: TrainingRun[] = [];
  const record = (bundle: MimeBundle) => {
    const value = bundle[IDC_MIME.training];
    if (value === undefined) return;
    const checked = validateTraining(JSON.parse(JSON.stringify(value)));
    assert.ok(checked.ok, checked.ok ? '' : checked.problem);
    const run = checked.payload.runs.find((r) => r.name === RUN);
    assert.ok(run);
    curves.push(run);
    onCurve(run, () => controller.abort(new Error('interrupted by the test')));
  };
  let displays = 0;
  const context: CellContext = {
    executionId: 'test',
    signal: controller.signal,
    throwIfInterrupted: () => {
      if (controller.signal.aborted) throw controller.signal.reason;
    },
    display: (bundle) => {
      record(bundle);
      return { displayId: `display-${displays++}`, update: (next) => record(next) };
    },
  };
  return { context, curves };
}

describe('LoRA ablation live curves', () => {
  let dir: string;
  const data = { synthetic: { pairs: 48, size: 32, seed: 2 } };
  before(async () => {
    dir = tempFolder('live-curves');
    await useBackend('wasm');
    await saveTinyBlip2Base(path.join(dir, 'base'), data.synthetic);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('gives a run its planned steps: the step budget, or every batch of every epoch', () => {
    const train = { learningRate: 1e-3, batchSize: 8, maxEpochs: 3, patience: 1, seed: 1, checkpointEvery: 10 };
    assert.equal(plannedSteps({ ...train, maxSteps: 5 }, 30), 5);
    assert.equal(plannedSteps(train, 30), 12);
    assert.equal(plannedSteps({ ...train, maxSteps: 100 }, 30), 12);
  });

  it('shows a resumed run at its real step numbers, from the checkpoint log on, ending equal to the final curve', async () => {
    const maxSteps = 120;
    const options = {
      base: path.join(dir, 'base'),
      data,
      ranks: [1],
      modules: [['llm']] as Array<Array<'llm'>>,
      maxSteps,
      batchSize: 4,
      maxEpochs: 100,
      patience: 100,
      checkpointEvery: 3,
      workers: 1,
      out: path.join(dir, 'out'),
    };

    // first start: interrupted once the curve shows 7 steps (so the checkpoint of step 6 at least is written)
    const first = recordingCell((run, abort) => {
      if (run.loss.length >= 7) abort();
    });
    await assert.rejects(
      runInCell(first.context, () => ablation(options)),
      /ablation interrupted; finished runs and checkpoints are kept in/,
    );
    const interrupted = first.curves[first.curves.length - 1];
    assert.equal(interrupted?.state, 'interrupted');
    assert.ok(interrupted.loss.length >= 7 && interrupted.loss.length < maxSteps, `${interrupted.loss.length} steps before the interruption`);
    const state = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'r1-llm', 'checkpoint', 'checkpoint.json'), 'utf8')) as { counters: { step: number } };
    const resumeStep = state.counters.step;
    assert.ok(resumeStep >= 6 && resumeStep % 3 === 0 && resumeStep <= interrupted.loss.length, `checkpoint at step ${resumeStep}`);

    // second start: resumes from the checkpoint
    const second = recordingCell();
    const result = await runInCell(second.context, () => ablation(options));
    const finalPayload = validateTraining(result.curves()[MIME_BUNDLE]()[IDC_MIME.training]);
    assert.ok(finalPayload.ok);
    const final = finalPayload.payload.runs.find((r) => r.name === RUN);
    assert.ok(final);
    assert.equal(final.loss.length, maxSteps);
    assert.equal(result.runs[0]?.steps, maxSteps);

    // the curve opens with the checkpoint's steps: those the first start showed, at the same step numbers
    const [opening, ...updates] = second.curves;
    assert.equal(opening?.state, 'waiting');
    assert.equal(opening.totalSteps, maxSteps);
    assert.deepEqual(opening.loss, interrupted.loss.slice(0, resumeStep));
    // every frame after is the final curve so far: step k's loss at index k - 1 (the record rounds to 5 decimals)
    assert.ok(updates.length >= 2, `${updates.length} updates`);
    for (const frame of updates) {
      assert.ok(frame.loss.length > resumeStep, `${frame.loss.length} steps in a frame after the resume`);
      assert.deepEqual(
        frame.loss.map((v) => Number(v.toFixed(5))),
        final.loss.slice(0, frame.loss.length),
      );
    }
    // and the last one is it
    const last = updates[updates.length - 1];
    assert.equal(last?.state, 'done');
    assert.deepEqual(last.loss, final.loss);
    assert.deepEqual(last.validation, final.validation);
  });
});
