/** The progress renderer's pure parts: payload validation and the text it shows. */
import assert from 'node:assert/strict';
import type { ProgressPayload } from '../../kernels/idc/display/contracts';
import { formatDuration, formatProgressText } from '../../kernels/idc/display/progressText';
import { validateProgressPayload } from '../../renderers/progress/render';

const base: ProgressPayload = { v: 1, label: 'epochs', done: 45, total: 100, ratePerSecond: 12.34, etaSeconds: 4.4, elapsedSeconds: 8, state: 'running' };

describe('progress renderer', () => {
  it('formats count, percentage, rate, ETA and elapsed time', () => {
    assert.equal(formatProgressText(base), 'epochs 45/100 (45%) · 12 it/s · ETA 0:04 · elapsed 0:08');
    assert.equal(formatProgressText({ ...base, ratePerSecond: 2.5, total: null, etaSeconds: null }), 'epochs 45 · 2.50 it/s · elapsed 0:08');
    assert.equal(formatProgressText({ ...base, state: 'done', done: 100 }), 'epochs 100/100 (100%) · 12 it/s · elapsed 0:08');
    assert.equal(formatProgressText({ ...base, state: 'failed' }), 'epochs 45/100 (45%) · 12 it/s · elapsed 0:08 · stopped');
  });

  it('formats durations as m:ss and h:mm:ss', () => {
    assert.deepEqual([formatDuration(0), formatDuration(59.6), formatDuration(61), formatDuration(3725)], ['0:00', '1:00', '1:01', '1:02:05']);
  });

  it('accepts a valid payload and explains an invalid one', () => {
    assert.deepEqual(validateProgressPayload(base), { ok: true, payload: base });
    assert.deepEqual(validateProgressPayload({ ...base, v: 2 }), { ok: false, problem: 'unsupported payload version 2 (expected 1)' });
    assert.deepEqual(validateProgressPayload({ ...base, done: '3' }), { ok: false, problem: 'done: expected a number' });
    assert.deepEqual(validateProgressPayload({ ...base, total: 'x' }), { ok: false, problem: 'total: expected a number or null' });
    assert.deepEqual(validateProgressPayload(null), { ok: false, problem: 'the payload is not an object' });
  });
});
