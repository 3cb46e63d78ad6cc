/** The training-curve renderer: smoothing, the curves of each view, and its DOM (JSDOM: no canvas). */
import assert from 'node:assert/strict';
import type { TrainingPayload } from '../../kernels/outputs/contracts';
import { IDC_MIME } from '../../kernels/outputs/mime';
import { lastValues, runCurves, smooth } from '../../renderers/training/curves';
import { withAlpha } from '../../renderers/training/render';
import { validateTraining } from '../../kernels/outputs/payloadChecks';
import { activate } from '../../renderers/training/index';
import { activated, fakeDom, outputItem, type FakeDom } from './fakeContext';

const payload: TrainingPayload = {
  v: 1,
  title: 'LoRA ablation: training loss',
  runs: [
    {
      name: 'r4',
      loss: [4, 2, 3, 1],
      validation: [
        { epoch: 1, loss: 2.5 },
        { epoch: 2, loss: 1.5 },
      ],
      state: 'done',
    },
    { name: '<b>r8</b>', loss: [5, 4], validation: [], state: 'running' },
  ],
  notes: [],
};

describe('training curve renderer: data', () => {
  it('smooths like TensorBoard: a debiased moving average that keeps gaps', () => {
    assert.deepEqual(smooth([4, 2, 3], 0), [4, 2, 3]);
    const s = smooth([4, 2, null, 3], 0.5);
    // 4; (0.5*2 + 0.25*4) / 0.75 = 2.667; gap; (0.5*3 + 0.25*2 + 0.125*4) / 0.875 = 2.857
    assert.deepEqual(
      s.map((v) => (v === null ? null : Number(v.toFixed(3)))),
      [4, 2.667, null, 2.857],
    );
  });

  it('gives loss per step from step 1, the raw line under a smoothed one, and validation per epoch', () => {
    assert.deepEqual(runCurves(payload, 'steps', 0)[0], {
      name: 'r4',
      label: 'r4',
      points: [
        { x: 1, y: 4 },
        { x: 2, y: 2 },
        { x: 3, y: 3 },
        { x: 4, y: 1 },
      ],
    });
    const smoothed = runCurves(payload, 'steps', 0.5)[0];
    assert.equal(smoothed?.raw?.length, 4);
    assert.equal(smoothed?.points[0]?.y, 4);
    assert.deepEqual(
      runCurves(payload, 'validation', 0).map((c) => [c.label, c.points]),
      [
        [
          'r4',
          [
            { x: 1, y: 2.5 },
            { x: 2, y: 1.5 },
          ],
        ],
        ['<b>r8</b> (running)', []],
      ],
    );
    assert.equal(lastValues(payload), 'r4: 4 steps, loss 1.000, validation 1.500 (epoch 2); <b>r8</b>: 2 steps, loss 4.000 [running]');
    assert.equal(withAlpha('#4e79a7', 0.25), 'rgba(78, 121, 167, 0.25)');
    assert.equal(withAlpha('rgb(1, 2, 3)', 0.5), 'rgba(1, 2, 3, 0.5)');
  });

  it("names the field of a malformed payload, and accepts a diverged run's null losses", () => {
    assert.deepEqual(validateTraining({ ...payload, runs: [{ ...payload.runs[0], state: 'paused' }] }), {
      ok: false,
      problem: 'runs[0].state: expected waiting, running, done, failed, interrupted, found "paused"',
    });
    assert.deepEqual(validateTraining({ ...payload, runs: [{ ...payload.runs[0], validation: [{ epoch: 1 }] }] }), {
      ok: false,
      problem: 'runs[0].validation: expected a list of {epoch, loss}',
    });
    assert.equal(validateTraining({ ...payload, runs: [{ ...payload.runs[0], loss: [1, null], validation: [{ epoch: 1, loss: null }] }] }).ok, true);
    assert.equal(
      lastValues({ ...payload, runs: [{ ...payload.runs[0]!, loss: [1, null] as number[], validation: [{ epoch: 1, loss: null as unknown as number }] }] }),
      'r4: 2 steps, loss 1.000, validation - (epoch 1)',
    );
  });
});

describe('training curve renderer: DOM', () => {
  let dom: FakeDom;
  beforeEach(() => {
    dom = fakeDom();
  });
  afterEach(() => dom.close());

  it('shows labelled controls and the last values as text, and takes updates in place', async () => {
    const api = await activated(activate);
    const host = dom.host();
    await api.renderOutputItem(outputItem(IDC_MIME.training, payload, 'curves'), host, new AbortController().signal);
    const root = host.shadowRoot as ShadowRoot;
    assert.deepEqual(
      [...root.querySelectorAll('button')].map((b) => [b.textContent, b.getAttribute('aria-pressed')]),
      [
        ['Loss per step', 'true'],
        ['Validation per epoch', 'false'],
        ['Log scale', 'false'],
      ],
    );
    assert.equal(root.querySelector('input[type=range]')?.getAttribute('aria-label'), 'Smoothing');
    assert.equal(root.querySelector('.summary')?.textContent, lastValues(payload));
    assert.equal(root.querySelectorAll('b').length, 0, 'a run name never becomes markup');
    (root.querySelectorAll('button')[1] as HTMLButtonElement).click();
    assert.equal((root.querySelector('input[type=range]') as HTMLInputElement).disabled, true, 'smoothing applies to steps only');
    const title = root.querySelector('.title');
    const next = { ...payload, runs: [payload.runs[0]!, { ...payload.runs[1]!, loss: [5, 4, 3.5] }] };
    await api.renderOutputItem(outputItem(IDC_MIME.training, next, 'curves'), host, new AbortController().signal);
    assert.equal(root.querySelector('.title'), title, 'the same page, updated');
    assert.match(root.querySelector('.summary')?.textContent ?? '', /<b>r8<\/b>: 3 steps, loss 3\.500 \[running\]/);
    assert.equal(root.querySelectorAll('button')[1]?.getAttribute('aria-pressed'), 'true', 'the chosen view stays');
    // an output that stops being JSON shows the problem; the next payload builds the page again
    await api.renderOutputItem({ ...outputItem(IDC_MIME.training, next, 'curves'), json: () => JSON.parse('{') }, host, new AbortController().signal);
    assert.match(root.querySelector('.error')?.textContent ?? '', /^Cannot show this training curves: the payload is not valid JSON/);
    await api.renderOutputItem(outputItem(IDC_MIME.training, next, 'curves'), host, new AbortController().signal);
    assert.equal(root.querySelector('.error'), null);
    assert.match(root.querySelector('.summary')?.textContent ?? '', /3 steps/);
    api.disposeOutputItem?.('curves');
  });
});
