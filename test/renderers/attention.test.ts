/**
 * The attention explorer: its pure parts (base64 weights, means, rows and shares across the
 * boundary, the colour ramp, patch maths, payload validation) against known values and the
 * kernel's own `dequantise`, and its DOM in JSDOM on payloads built by the kernel's
 * `attentionPayload`: the small multiples, the controls, hover and keyboard readouts, in-place
 * re-rendering, and payload text kept as text. JSDOM has no 2D canvas: most tests run with
 * getContext returning null (as it does there), one with a recording fake context.
 */
import assert from 'node:assert/strict';
import type { AttentionPayload, QuantisedMatrix } from '../../kernels/outputs/contracts';
import { attentionPayload, dequantise as kernelDequantise, quantise } from '../../kernels/idc/display/attention';
import { IDC_MIME } from '../../kernels/outputs/mime';
import { activate } from '../../renderers/attention/index';
import { boundaryY, fitScale, halfOf, movePatch, patchAtPixel, patchAtPoint, patchBoxPercent, patchIndex, patchOfIndex } from '../../renderers/attention/grid';
import { ALPHA_FLOOR, heatmapRgba, mapMaximum, rampColour } from '../../renderers/attention/heatmap';
import {
  base64ByteLength,
  decodeBase64,
  dequantise,
  halfShares,
  matrixRow,
  meanOverQueries,
  meanShareAcrossBoundary,
  shareAcrossBoundary,
  shareOfPatch,
} from '../../renderers/attention/matrices';
import { LARGE_BOX, THUMB_BOX } from '../../renderers/attention/render';
import { validateAttentionPayload } from '../../renderers/attention/validate';
import { WeightCache } from '../../renderers/attention/weights';
import type { RendererApi } from 'vscode-notebook-renderer';
import { activated, fakeDom, outputItem, type FakeDom } from './fakeContext';
import { softmaxRows } from '../idc/display/softmaxRows';

const XSS = '<img src=x onerror=alert(1)>';

// The project's model: a 64x128 stacked pair in 16-pixel patches, 8 rows x 4 columns.
const grid = { rows: 8, columns: 4, patch: 16 };
const PATCHES = 32;
const QUERIES = 6;
const image = { width: 64, height: 128, data: new Uint8Array(64 * 128 * 3).map((_, i) => (i * 7) % 256) };
const vit = [0, 1, 2].map((l) => [0, 1, 2, 3].map((h) => softmaxRows(PATCHES, PATCHES, 10 * l + h)));
const cross = [0, 1].map((l) => [0, 1, 2, 3].map((h) => softmaxRows(QUERIES, PATCHES, 100 + 10 * l + h)));
const rollout = softmaxRows(PATCHES, PATCHES, 999);

/** Sums in the same order as the renderer, so its rounded percentages match exactly. */
function splitShares(row: ArrayLike<number>, boundaryIndex: number): { top: number; bottom: number } {
  let top = 0;
  let bottom = 0;
  for (let j = 0; j < row.length; j++) {
    if (j < boundaryIndex) top += row[j] as number;
    else bottom += row[j] as number;
  }
  return { top: top / (top + bottom), bottom: bottom / (top + bottom) };
}

const pct = (share: number): string => `${(100 * share).toFixed(1)}%`;

describe('attention renderer: weights', () => {
  it('reads base64 exactly as the kernel writes it, and its length without decoding', () => {
    for (const seed of [1, 2, 3]) {
      const q = quantise(softmaxRows(PATCHES, PATCHES, seed));
      assert.deepEqual(dequantise(q), kernelDequantise(q));
      assert.equal(base64ByteLength(q.data), PATCHES * PATCHES);
    }
    for (let n = 0; n <= 10; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => 200 - i * 13);
      const padded = Buffer.from(bytes).toString('base64');
      assert.equal(base64ByteLength(padded), n, `padded, ${n} bytes`);
      assert.equal(base64ByteLength(padded.replace(/=+$/, '')), n, `unpadded, ${n} bytes`);
      assert.deepEqual(decodeBase64(padded), bytes);
    }
    assert.equal(base64ByteLength('abc$'), null);
    assert.equal(base64ByteLength('abcde'), null, 'a lone last character is not base64');
    assert.equal(base64ByteLength(`${'ab=='.repeat(1)}x`), null);
    assert.equal(base64ByteLength('abc=d'), null);
    assert.throws(() => dequantise({ rows: 2, columns: 2, scale: 1, data: Buffer.from([1, 2, 3]).toString('base64') }), {
      message: 'attention weights: expected 4 bytes for 2x2, found 3',
    });
  });

  // A 2x2 grid: patches 0 and 1 in the top image, 2 and 3 in the bottom one (boundary row 1).
  const known = Float32Array.from([0.5, 0.25, 0.25, 0, 0.1, 0.1, 0.4, 0.4, 0.3, 0.3, 0.2, 0.2, 0, 0, 0, 1]);

  it('gives the mean over the patches that look, one patch row, and the shares across the boundary', () => {
    const mean = meanOverQueries(known, 4, 4);
    [0.225, 0.1625, 0.2125, 0.4].forEach((v, j) => assert.ok(Math.abs((mean[j] as number) - v) < 1e-6, `column ${j}: ${mean[j]}`));
    assert.deepEqual([...matrixRow(known, 4, 2)], [0.3, 0.3, 0.2, 0.2].map(Math.fround));
    const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-6, `${a} is not ${b}`);
    near(shareAcrossBoundary(matrixRow(known, 4, 0), 0, 2), 0.25);
    near(shareAcrossBoundary(matrixRow(known, 4, 1), 1, 2), 0.8);
    near(shareAcrossBoundary(matrixRow(known, 4, 2), 2, 2), 0.6);
    near(shareAcrossBoundary(matrixRow(known, 4, 3), 3, 2), 0);
    near(meanShareAcrossBoundary(known, 4, 2), (0.25 + 0.8 + 0.6 + 0) / 4);
    // Quantised rows sum only near 1: shares are of the row's own total.
    near(shareAcrossBoundary([1, 1, 2, 0], 0, 2), 0.5);
    const half = halfShares([1, 1, 2, 0], 2);
    near(half.top, 0.5);
    near(half.bottom, 0.5);
    assert.deepEqual(halfShares([0, 0, 0, 0], 2), { top: 0, bottom: 0 });
    near(shareOfPatch([1, 1, 2, 0], 2), 0.5);
  });

  it('decodes a matrix once, when a view first needs it', () => {
    const cache = new WeightCache();
    const q: QuantisedMatrix = quantise([
      [0.2, 0.8],
      [1, 0],
    ]);
    assert.equal(cache.decoded, 0);
    const v = cache.of(q);
    assert.equal(cache.of(q), v);
    assert.deepEqual(
      [...cache.mean(q)].map((x) => Math.round(x * 1e6) / 1e6),
      [0.6, 0.4],
    );
    assert.equal(cache.decoded, 1);
  });
});

describe('attention renderer: heatmap and patch maths', () => {
  it('colours 0 and the maximum with the ends of the ramp, normalised per map', () => {
    assert.deepEqual(rampColour(0), [68, 1, 84]);
    assert.deepEqual(rampColour(1), [253, 231, 37]);
    assert.deepEqual(rampColour(0.5), [33, 145, 140]);
    assert.deepEqual(rampColour(-1), rampColour(0));
    const rgba = heatmapRgba([0, 0.02, 0.04]);
    assert.deepEqual([...rgba.slice(0, 4)], [68, 1, 84, Math.round(255 * ALPHA_FLOOR)]);
    assert.deepEqual([...rgba.slice(8, 12)], [253, 231, 37, 255]);
    assert.deepEqual([...rgba.slice(4, 8)], [33, 145, 140, Math.round(255 * (ALPHA_FLOOR + (1 - ALPHA_FLOOR) / 2))]);
    assert.deepEqual(heatmapRgba([0, 2]), heatmapRgba([0, 7]), 'each map is scaled to its own maximum');
    assert.deepEqual([...heatmapRgba([0, 0])], [68, 1, 84, 77, 68, 1, 84, 77], 'an all-zero map stays at the bottom of the ramp');
    assert.equal(mapMaximum([0.1, 0.3, 0.2]), 0.3);
  });

  it('finds the patch under a pixel of the image and of its scaled display', () => {
    assert.deepEqual(patchAtPixel(0, 0, grid), { row: 0, column: 0 });
    assert.deepEqual(patchAtPixel(16, 16, grid), { row: 1, column: 1 });
    assert.deepEqual(patchAtPixel(63, 127, grid), { row: 7, column: 3 });
    assert.deepEqual(patchAtPixel(15.9, 64, grid), { row: 4, column: 0 });
    assert.equal(patchAtPixel(64, 0, grid), null);
    assert.equal(patchAtPixel(-1, 0, grid), null);
    // shown 3.75x larger (240x480)
    assert.deepEqual(patchAtPoint(60, 60, 240, 480, grid), { row: 1, column: 1 });
    assert.deepEqual(patchAtPoint(239.9, 479.9, 240, 480, grid), { row: 7, column: 3 });
    assert.equal(patchAtPoint(10, 10, 0, 0, grid), null);
    assert.equal(fitScale(64, 128, LARGE_BOX.width, LARGE_BOX.height), 3.75);
    assert.equal(fitScale(64, 128, THUMB_BOX.width, THUMB_BOX.height), 1);
    assert.equal(patchIndex({ row: 5, column: 2 }, grid), 22);
    assert.deepEqual(patchOfIndex(22, grid), { row: 5, column: 2 });
    assert.deepEqual(patchBoxPercent({ row: 4, column: 1 }, grid), { left: 25, top: 50, width: 25, height: 12.5 });
    assert.equal(boundaryY(4, grid), 64);
    assert.deepEqual([halfOf({ row: 3, column: 0 }, 4), halfOf({ row: 4, column: 0 }, 4)], ['top', 'bottom']);
  });

  it('moves a patch with the arrow keys, Home and End, inside the grid', () => {
    const at = { row: 0, column: 0 };
    assert.deepEqual(movePatch(at, 'ArrowUp', grid), at, 'clamped at the top');
    assert.deepEqual(movePatch(at, 'ArrowLeft', grid), at);
    assert.deepEqual(movePatch(at, 'ArrowDown', grid), { row: 1, column: 0 });
    assert.deepEqual(movePatch(at, 'ArrowRight', grid), { row: 0, column: 1 });
    assert.deepEqual(movePatch({ row: 7, column: 3 }, 'ArrowDown', grid), { row: 7, column: 3 });
    assert.deepEqual(movePatch({ row: 2, column: 2 }, 'Home', grid), { row: 2, column: 0 });
    assert.deepEqual(movePatch({ row: 2, column: 0 }, 'End', grid), { row: 2, column: 3 });
    assert.equal(movePatch(at, 'a', grid), null);
  });
});

describe('attention renderer: validation', () => {
  let payload: AttentionPayload;
  before(async () => {
    payload = await attentionPayload({ title: 'pair', image, grid, caption: 'a caption', vit, cross, rollout });
  });
  const broken = (change: (p: Record<string, unknown>) => void): unknown => {
    const copy = JSON.parse(JSON.stringify(payload)) as Record<string, unknown>;
    change(copy);
    return copy;
  };
  const problem = (value: unknown): string => {
    const r = validateAttentionPayload(value);
    return r.ok ? 'ok' : r.problem;
  };
  type Layers = Array<{ layer: number; heads: Array<{ head: number; weights: QuantisedMatrix }> }>;
  const matrixOf = (p: Record<string, unknown>, layer: number, head: number): QuantisedMatrix =>
    (p.layers as Layers)[layer]?.heads[head]?.weights as QuantisedMatrix;

  it('accepts what the kernel builds', () => {
    assert.deepEqual(validateAttentionPayload(payload), { ok: true, payload });
    const { cross: _c, rollout: _r, caption: _t, ...bare } = payload;
    assert.equal(problem(bare), 'ok');
    assert.equal(problem({ ...payload, cross: [] }), 'ok');
  });

  it('names the field and what was expected', () => {
    assert.equal(problem(null), 'the payload is not an object');
    assert.equal(problem([payload]), 'the payload is not an object');
    assert.equal(problem({ ...payload, v: 2 }), 'unsupported payload version 2 (expected 1)');
    assert.equal(problem({ ...payload, title: 3 }), 'title: expected a string, found 3');
    assert.equal(problem({ ...payload, caption: ['x'] }), 'caption: expected a string, found ["x"]');
    assert.equal(problem({ ...payload, notes: ['ok', 2] }), 'notes[1]: expected a string, found 2');
    assert.equal(problem({ ...payload, image: { ...payload.image, mime: 'image/gif' } }), 'image.mime: expected image/png or image/jpeg, found "image/gif"');
    assert.equal(problem({ ...payload, image: { ...payload.image, data: 'no base64!' } }), 'image.data: expected base64 of the encoded image');
    assert.equal(problem({ ...payload, grid: { ...grid, rows: 7 } }), 'grid: expected 7x4 patches of 16 px to cover the 64x128 image, but they cover 64x112');
    assert.equal(problem({ ...payload, grid: { ...grid, patch: 0 } }), 'grid.patch: expected a whole number from 1, found 0');
    assert.equal(problem({ ...payload, boundaryRow: 0 }), 'boundaryRow: expected a whole number from 1 to 7 (a patch row inside the grid), found 0');
    assert.equal(problem({ ...payload, boundaryRow: 2.5 }), 'boundaryRow: expected a whole number from 1 to 7 (a patch row inside the grid), found 2.5');
    assert.equal(problem({ ...payload, layers: [] }), 'layers: expected a non-empty array, found []');
    assert.equal(
      problem(broken((p) => (((p.layers as Layers)[1] as { layer: number }).layer = 0))),
      'layers[1].layer: expected a layer number not used before, found 0',
    );
    assert.equal(
      problem(broken((p) => (((p.layers as Layers)[0]?.heads[2] as { head: number }).head = 1))),
      'layers[0].heads[2].head: expected a head number not used before in this layer, found 1',
    );
    assert.equal(problem(broken((p) => (matrixOf(p, 0, 1).rows = 16))), "layers[0].heads[1].weights.rows: expected 32 (the grid's 8x4 patches), found 16");
    assert.equal(
      problem(broken((p) => (matrixOf(p, 2, 3).columns = 31))),
      "layers[2].heads[3].weights.columns: expected 32 (the grid's 8x4 patches), found 31",
    );
    assert.equal(problem(broken((p) => (matrixOf(p, 0, 0).scale = -1))), 'layers[0].heads[0].weights.scale: expected a finite number from 0, found -1');
    assert.equal(
      problem(broken((p) => (matrixOf(p, 1, 0).data = Buffer.alloc(1023).toString('base64')))),
      'layers[1].heads[0].weights.data: expected base64 of 1024 bytes (32x32), found 1023 bytes',
    );
    assert.equal(
      problem(broken((p) => (matrixOf(p, 1, 0).data = '#'.repeat(1368)))),
      'layers[1].heads[0].weights.data: expected base64 of 1024 bytes (32x32), found text that is not base64',
    );
    assert.equal(problem({ ...payload, cross: 'x' }), 'cross: expected an array, found "x"');
    assert.equal(
      problem({ ...payload, cross: [{ layer: 0, heads: [{ head: 0, weights: quantise(softmaxRows(6, 30, 1)) }] }] }),
      "cross[0].heads[0].weights.columns: expected 32 (the grid's 8x4 patches), found 30",
    );
    assert.equal(problem({ ...payload, rollout: quantise(softmaxRows(6, 32, 1)) }), "rollout.rows: expected 32 (the grid's 8x4 patches), found 6");
  });
});

// ---- the DOM, in JSDOM -------------------------------------------------------------------

/** Records what each canvas was painted with, as a browser's 2D context would hold it. */
function recordingContexts(dom: FakeDom): Map<HTMLCanvasElement, Uint8ClampedArray> {
  const painted = new Map<HTMLCanvasElement, Uint8ClampedArray>();
  (dom.window.HTMLCanvasElement.prototype as { getContext: unknown }).getContext = function (this: HTMLCanvasElement) {
    return {
      createImageData: (width: number, height: number) => ({ width, height, data: new Uint8ClampedArray(width * height * 4) }),
      putImageData: (img: { data: Uint8ClampedArray }) => painted.set(this, Uint8ClampedArray.from(img.data)),
    };
  };
  return painted;
}

describe('attention renderer: the explorer', () => {
  let dom: FakeDom;
  let api: RendererApi;
  let full: AttentionPayload;
  let plain: AttentionPayload;

  before(async () => {
    full = await attentionPayload({ title: 'pair 7 (color)', image, grid, caption: 'the car is now red', vit, cross, rollout, layers: [1, 2] });
    plain = await attentionPayload({ title: 'pair 7', image, grid, vit, layers: [1, 2], heads: [0, 2, 3] });
  });
  beforeEach(async () => {
    dom = fakeDom();
    // As JSDOM without the canvas package, but silently: no 2D context.
    (dom.window.HTMLCanvasElement.prototype as { getContext: unknown }).getContext = () => null;
    api = await activated(activate);
  });
  afterEach(() => dom.close());

  const render = (payload: unknown, host = dom.host()): { host: HTMLElement; root: ShadowRoot } => {
    void api.renderOutputItem(outputItem(IDC_MIME.attention, payload), host, new AbortController().signal);
    return { host, root: host.shadowRoot as ShadowRoot };
  };
  const q = <E extends Element>(root: ParentNode, selector: string): E => {
    const e = root.querySelector<E>(selector);
    assert.ok(e, `no ${selector}`);
    return e;
  };
  const text = (root: ParentNode, selector: string): string => q(root, selector).textContent ?? '';
  const fire = (target: EventTarget, event: Event) => target.dispatchEvent(event);
  const key = (k: string) => new dom.window.KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true });
  const input = (e: HTMLInputElement | HTMLSelectElement, value: string, type = 'input') => {
    e.value = value;
    fire(e, new dom.window.Event(type, { bubbles: true }));
  };
  /** Where the large view shows patch (row, column): it is 240x480 px, laid out at 0,0 in JSDOM. */
  const pointAt = (row: number, column: number) => ({ clientX: (240 * (column + 0.5)) / 4, clientY: (480 * (row + 0.5)) / 8, bubbles: true });
  const headOf = (payload: AttentionPayload, layer: number, head: number): QuantisedMatrix =>
    payload.layers.find((l) => l.layer === layer)?.heads.find((h) => h.head === head)?.weights as QuantisedMatrix;

  it('shows the title, caption and notes as text, the stacked image and one small multiple per head', () => {
    const { root } = render(full);
    const w = q<HTMLElement>(root, '.attention');
    assert.equal(w.dataset.ready, 'true');
    assert.equal(text(root, '.title'), 'pair 7 (color)');
    assert.equal(text(root, '.caption .text'), 'the car is now red');
    assert.deepEqual(
      [...root.querySelectorAll('.notes li')].map((li) => li.textContent),
      full.notes,
    );
    const pair = q<HTMLImageElement>(root, '.stage img.pair');
    assert.equal(pair.getAttribute('src'), `data:image/png;base64,${full.image.data}`);
    const canvas = q<HTMLCanvasElement>(root, '.stage canvas.large-overlay');
    assert.deepEqual([canvas.width, canvas.height], [4, 8], 'one canvas pixel per patch');
    const multiples = [...root.querySelectorAll<HTMLButtonElement>('.heads button.multiple')];
    assert.deepEqual(
      multiples.map((b) => [b.dataset.layer, b.dataset.head, b.getAttribute('aria-label'), b.getAttribute('aria-pressed')]),
      [
        ['1', '0', 'Head 0, ViT layer 1', 'true'],
        ['1', '1', 'Head 1, ViT layer 1', 'false'],
        ['1', '2', 'Head 2, ViT layer 1', 'false'],
        ['1', '3', 'Head 3, ViT layer 1', 'false'],
      ],
    );
    assert.deepEqual(
      multiples.map((b) => b.querySelectorAll('img').length + b.querySelectorAll('canvas').length),
      [2, 2, 2, 2],
    );
    assert.equal(text(root, '.multiples figcaption'), 'Heads of ViT layer 1 (choose one for the large view)');
    assert.equal(text(root, '.map-label'), 'ViT layer 1, head 0');
  });

  it('draws the boundary line where the bottom image starts', () => {
    const { root } = render(full);
    const line = q<HTMLElement>(root, '.stage .boundary');
    assert.deepEqual([line.style.top, line.dataset.boundaryRow, line.dataset.boundaryY], ['50%', '4', '64']);
    assert.equal(root.querySelectorAll('.thumb .boundary').length, 4, 'on every small multiple too');
    const stage = q<HTMLElement>(root, '.stage');
    assert.equal(stage.style.width, '240px');
  });

  it('maps the layer slider onto the layers present, showing their real numbers', () => {
    const { root } = render(full);
    const layer = q<HTMLInputElement>(root, 'input[aria-label="Layer"]');
    assert.deepEqual([layer.type, layer.min, layer.max, layer.value, layer.getAttribute('aria-valuetext')], ['range', '0', '1', '0', 'layer 1 (1 of 2)']);
    assert.equal(text(root, 'output.layer-value'), '1');
    input(layer, '1');
    assert.equal(text(root, 'output.layer-value'), '2');
    assert.equal(layer.getAttribute('aria-valuetext'), 'layer 2 (2 of 2)');
    assert.equal(q<HTMLElement>(root, '.attention').dataset.layer, '2');
    assert.deepEqual(
      [...root.querySelectorAll<HTMLElement>('button.multiple')].map((b) => b.dataset.layer),
      ['2', '2', '2', '2'],
    );
    assert.equal(text(root, '.map-label'), 'ViT layer 2, head 0');
  });

  it('selects a head by clicking a small multiple, by Enter or Space on it, or with the head select', () => {
    const { root } = render(full);
    const multiple = (h: number) => q<HTMLButtonElement>(root, `button.multiple[data-head="${h}"]`);
    const head = q<HTMLSelectElement>(root, 'select[aria-label="Head"]');
    assert.deepEqual(
      [...head.options].map((o) => [o.value, o.textContent]),
      [
        ['0', 'Head 0'],
        ['1', 'Head 1'],
        ['2', 'Head 2'],
        ['3', 'Head 3'],
      ],
    );
    multiple(2).click();
    assert.deepEqual(
      [multiple(2).getAttribute('aria-pressed'), multiple(0).getAttribute('aria-pressed'), head.value, text(root, '.map-label')],
      ['true', 'false', '2', 'ViT layer 1, head 2'],
    );
    fire(multiple(3), key('Enter'));
    assert.deepEqual([multiple(3).getAttribute('aria-pressed'), head.value], ['true', '3']);
    const space = key(' ');
    fire(multiple(1), space);
    assert.deepEqual([multiple(1).getAttribute('aria-pressed'), head.value, space.defaultPrevented], ['true', '1', true]);
    input(head, '0', 'change');
    assert.deepEqual([multiple(0).getAttribute('aria-pressed'), q<HTMLElement>(root, '.attention').dataset.head], ['true', '0']);
  });

  it('shows where one patch looks while it is hovered, with the share that goes to the other image', () => {
    const { root } = render(full);
    const stage = q<HTMLElement>(root, '.stage');
    const readout = q<HTMLElement>(root, '.readout[role="status"]');
    const values = kernelDequantise(headOf(full, 1, 0));
    const meanText = readout.textContent;
    assert.match(
      meanText ?? '',
      /^ViT layer 1, head 0, mean over the 32 patches that look: on average \d+\.\d% of a patch's attention goes to the other image\./,
    );
    fire(stage, new dom.window.PointerEvent('pointermove', pointAt(5, 2)));
    const index = 5 * 4 + 2;
    const toTop = splitShares(values.subarray(index * 32, index * 32 + 32), 16).top;
    assert.equal(
      readout.textContent,
      `Patch (row 5, column 2) in the bottom image: ${pct(toTop)} of its attention goes to the other image (ViT layer 1, head 0).`,
    );
    const outline = q<HTMLElement>(root, '.outline');
    assert.deepEqual(
      [outline.hidden, outline.style.left, outline.style.top, outline.style.width, outline.style.height],
      [false, '50%', '62.5%', '25%', '12.5%'],
    );
    assert.equal(q<HTMLElement>(root, '.attention').dataset.patch, '5,2');
    fire(stage, new dom.window.PointerEvent('pointermove', pointAt(1, 3)));
    const toBottom = splitShares(values.subarray(7 * 32, 8 * 32), 16).bottom;
    assert.equal(
      readout.textContent,
      `Patch (row 1, column 3) in the top image: ${pct(toBottom)} of its attention goes to the other image (ViT layer 1, head 0).`,
    );
    fire(stage, new dom.window.PointerEvent('pointerleave', { bubbles: false }));
    assert.deepEqual([readout.textContent, outline.hidden, q<HTMLElement>(root, '.attention').dataset.patch], [meanText, true, '']);
  });

  it("sets BLIP-2's CLS token apart: what a patch gives it and where it looks, told beside the patch maps; a bad CLS row named", async () => {
    // patches give CLS a tenth of their attention; CLS looks at the top image only
    const given = vit.map((heads) => heads.map(() => new Array<number>(PATCHES).fill(0.1)));
    const looksAt = vit.map((heads) => heads.map(() => Array.from({ length: PATCHES }, (_, j) => (j < PATCHES / 2 ? 0.05 : 0))));
    const withCls = await attentionPayload({ title: 'pair 7', image, grid, vit, cls: { looksAt, given }, layers: [1] });
    assert.deepEqual(
      withCls.cls?.map((l) => [l.layer, l.heads.length, l.heads[0]?.given.rows, l.heads[0]?.given.columns]),
      [[1, 4, 1, PATCHES]],
    );
    const { root } = render(withCls);
    const readout = q<HTMLElement>(root, '.readout');
    assert.match(
      readout.textContent ?? '',
      /^ViT layer 1, head 0, mean over the 32 patches that look: on average \d+\.\d% of a patch's attention over the patches goes to the other image\. The CLS token, shown apart: it gets 10\.0% of a patch's attention on average, and gives 100\.0% of its attention over the patches to the top image and 0\.0% to the bottom one\./,
    );
    fire(q<HTMLElement>(root, '.stage'), new dom.window.PointerEvent('pointermove', pointAt(5, 2)));
    assert.match(
      readout.textContent ?? '',
      /^Patch \(row 5, column 2\) in the bottom image: \d+\.\d% of its attention over the patches goes to the other image; it gives the CLS token 10\.0% \(ViT layer 1, head 0\)\.$/,
    );
    const broken = structuredClone(withCls);
    const brokenHead = broken.cls?.[0]?.heads[0];
    assert.ok(brokenHead);
    brokenHead.given.columns = 31;
    assert.deepEqual(validateAttentionPayload(broken), {
      ok: false,
      problem: "cls[0].heads[0].given.columns: expected 32 (the grid's 8x4 patches), found 31",
    });
  });

  it('moves an inspected patch with the keyboard on the focused map, and restores the mean on Escape and blur', () => {
    const { root } = render(full);
    const stage = q<HTMLElement>(root, '.stage[role="application"]');
    const readout = q<HTMLElement>(root, '.readout');
    const meanText = readout.textContent;
    assert.equal(stage.tabIndex, 0);
    stage.focus();
    assert.match(readout.textContent ?? '', /^Patch \(row 0, column 0\) in the top image: /);
    for (const k of ['ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowRight', 'ArrowRight', 'ArrowRight', 'ArrowRight']) {
      const e = key(k);
      fire(stage, e);
      assert.equal(e.defaultPrevented, true, `${k} is the map's, not the page's`);
    }
    const values = kernelDequantise(headOf(full, 1, 0));
    const toTop = splitShares(values.subarray(19 * 32, 20 * 32), 16).top;
    assert.equal(
      readout.textContent,
      `Patch (row 4, column 3) in the bottom image: ${pct(toTop)} of its attention goes to the other image (ViT layer 1, head 0).`,
    );
    fire(stage, key('Escape'));
    assert.equal(readout.textContent, meanText);
    fire(stage, key('ArrowUp'));
    assert.match(readout.textContent ?? '', /^Patch \(row 0, column 0\)/);
    stage.blur();
    assert.equal(readout.textContent, meanText);
  });

  it('paints the large view with the mean over queries and a patch row, one pixel per patch', () => {
    const painted = recordingContexts(dom);
    const { root } = render(full);
    const m = headOf(full, 1, 0);
    const values = kernelDequantise(m);
    const mean = new Float32Array(32);
    for (let i = 0; i < 32; i++) for (let j = 0; j < 32; j++) mean[j] = (mean[j] as number) + (values[i * 32 + j] as number);
    for (let j = 0; j < 32; j++) mean[j] = (mean[j] as number) / 32;
    const large = q<HTMLCanvasElement>(root, 'canvas.large-overlay');
    assert.deepEqual(painted.get(large), heatmapRgba(mean));
    assert.equal(text(root, '.legend-max'), `${mapMaximum(mean).toPrecision(3)} (the map's largest weight)`);
    fire(q(root, '.stage'), new dom.window.PointerEvent('pointermove', pointAt(6, 1)));
    assert.deepEqual(painted.get(large), heatmapRgba(values.subarray(25 * 32, 26 * 32)));
    // the small multiples follow the patch too, each with its own head
    const third = q<HTMLButtonElement>(root, 'button.multiple[data-head="3"]').querySelector('canvas') as HTMLCanvasElement;
    assert.deepEqual(painted.get(third), heatmapRgba(kernelDequantise(headOf(full, 1, 3)).subarray(25 * 32, 26 * 32)));
  });

  it('decodes only the layer on screen', () => {
    let decoded = 0;
    const atob = globalThis.atob;
    globalThis.atob = (s: string) => {
      decoded++;
      return atob(s);
    };
    try {
      const { root } = render(full);
      assert.equal(decoded, 4, "the four heads of layer 1, not layer 2's, the cross-attention or the rollout");
      q<HTMLButtonElement>(root, 'button.multiple[data-head="2"]').click();
      assert.equal(decoded, 4, 'kept');
      input(q<HTMLInputElement>(root, 'input[aria-label="Layer"]'), '1');
      assert.equal(decoded, 8);
    } finally {
      globalThis.atob = atob;
    }
  });

  it('toggles the rollout, and disables the toggle with a reason when there is none', () => {
    const { root } = render(full);
    const toggle = q<HTMLButtonElement>(root, 'button.rollout');
    assert.deepEqual(
      [toggle.disabled, toggle.getAttribute('aria-pressed'), text(root, '.rollout-note')],
      [false, 'false', 'attention rollout across every ViT layer'],
    );
    toggle.click();
    assert.deepEqual(
      [toggle.getAttribute('aria-pressed'), text(root, '.map-label'), q<HTMLElement>(root, '.attention').dataset.rollout],
      ['true', 'Rollout across all ViT layers', 'true'],
    );
    assert.equal(root.querySelectorAll('button.multiple[aria-pressed="true"]').length, 0, 'no head is shown while the rollout is');
    fire(q(root, '.stage'), new dom.window.PointerEvent('pointermove', pointAt(0, 0)));
    const toBottom = splitShares(kernelDequantise(full.rollout as QuantisedMatrix).subarray(0, 32), 16).bottom;
    assert.equal(
      text(root, '.readout'),
      `Patch (row 0, column 0) in the top image: ${pct(toBottom)} of its attention goes to the other image (Rollout across all ViT layers).`,
    );
    q<HTMLButtonElement>(root, 'button.multiple[data-head="1"]').click();
    assert.deepEqual([toggle.getAttribute('aria-pressed'), text(root, '.map-label')], ['false', 'ViT layer 1, head 1'], 'choosing a head leaves the rollout');

    const other = render(plain).root;
    const absent = q<HTMLButtonElement>(other, 'button.rollout');
    assert.equal(absent.disabled, true);
    assert.equal(text(other, `#${absent.getAttribute('aria-describedby')}`), 'not available: this output carries no rollout matrix');
    assert.equal(other.querySelectorAll('button[data-source]').length, 0, 'no source switch without cross-attention');
    assert.equal(q<HTMLSelectElement>(other, 'select[aria-label="Query"]').closest('label')?.hidden, true);
    assert.deepEqual(
      [...other.querySelectorAll<HTMLElement>('button.multiple')].map((b) => b.dataset.head),
      ['0', '2', '3'],
    );
  });

  it('shows the Q-Former cross-attention of one query or the mean over queries', () => {
    const { root } = render(full);
    const sources = [...root.querySelectorAll<HTMLButtonElement>('button[data-source]')];
    assert.deepEqual(
      sources.map((b) => [b.dataset.source, b.textContent, b.getAttribute('aria-pressed')]),
      [
        ['vit', 'ViT self-attention', 'true'],
        ['cross', 'Q-Former cross-attention', 'false'],
      ],
    );
    const querySelect = q<HTMLSelectElement>(root, 'select[aria-label="Query"]');
    assert.equal(querySelect.closest('label')?.hidden, true, 'queries only for the Q-Former');
    sources[1]?.click();
    assert.deepEqual(
      [sources[1]?.getAttribute('aria-pressed'), querySelect.closest('label')?.hidden, querySelect.options.length],
      ['true', false, QUERIES + 1],
    );
    const layer = q<HTMLInputElement>(root, 'input[aria-label="Layer"]');
    assert.deepEqual([layer.max, text(root, 'output.layer-value')], ['1', '1'], 'the slider walks the cross layers (0 and 1), kept on layer 1');
    assert.equal(text(root, '.multiples figcaption'), 'Heads of Q-Former cross layer 1 (choose one for the large view)');
    const m = full.cross?.[1]?.heads[0]?.weights as QuantisedMatrix;
    const values = kernelDequantise(m);
    input(querySelect, '2', 'change');
    const { top, bottom } = splitShares(values.subarray(2 * 32, 3 * 32), 16);
    assert.equal(
      text(root, '.readout'),
      `Q-Former cross-attention layer 1, head 0, query 2: query 2 gives ${pct(top)} of its attention to the top image and ${pct(bottom)} to the bottom image.`,
    );
    fire(q(root, '.stage'), new dom.window.PointerEvent('pointermove', pointAt(6, 1)));
    const row = values.subarray(2 * 32, 3 * 32);
    assert.equal(
      text(root, '.readout'),
      `Patch (row 6, column 1) in the bottom image gets ${pct((row[25] as number) / row.reduce((a, b) => a + b, 0))} of the attention of query 2 (Q-Former cross-attention layer 1, head 0, query 2).`,
    );
    input(querySelect, 'mean', 'change');
    fire(q(root, '.stage'), new dom.window.PointerEvent('pointerleave'));
    assert.match(
      text(root, '.readout'),
      /^Q-Former cross-attention layer 1, head 0, mean over queries: on average, a query gives \d+\.\d% of its attention to the top image and \d+\.\d% to the bottom image\.$/,
    );
    q<HTMLButtonElement>(root, 'button.rollout').click();
    assert.deepEqual(
      [sources[0]?.getAttribute('aria-pressed'), text(root, '.map-label')],
      ['true', 'Rollout across all ViT layers'],
      'the rollout is of the ViT',
    );
  });

  it('returns to the layer and head last shown of each source', () => {
    const { root } = render(full);
    const w = q<HTMLElement>(root, '.attention');
    const where = () => [w.dataset.source, w.dataset.layer, w.dataset.head];
    input(q<HTMLInputElement>(root, 'input[aria-label="Layer"]'), '1');
    q<HTMLButtonElement>(root, 'button.multiple[data-head="3"]').click();
    assert.deepEqual(where(), ['vit', '2', '3']);
    q<HTMLButtonElement>(root, 'button[data-source="cross"]').click();
    assert.deepEqual(where(), ['cross', '0', '3'], 'the Q-Former has no layer 2: its first layer, the same head');
    q<HTMLButtonElement>(root, 'button.multiple[data-head="1"]').click();
    q<HTMLButtonElement>(root, 'button[data-source="vit"]').click();
    assert.deepEqual(where(), ['vit', '2', '3']);
    q<HTMLButtonElement>(root, 'button[data-source="cross"]').click();
    assert.deepEqual(where(), ['cross', '0', '1']);
    q<HTMLButtonElement>(root, 'button.rollout').click();
    assert.deepEqual([...where(), w.dataset.rollout], ['vit', '2', '3', 'true']);
  });

  it('sets the overlay opacity from its slider', () => {
    const { root } = render(full);
    const opacity = q<HTMLInputElement>(root, 'input[aria-label="Overlay opacity"]');
    assert.deepEqual([opacity.min, opacity.max, opacity.value, text(root, 'output.opacity-value')], ['0', '100', '70', '70%']);
    input(opacity, '40');
    assert.equal(q<HTMLElement>(root, '.attention').style.getPropertyValue('--overlay-opacity'), '0.4');
    assert.deepEqual([text(root, 'output.opacity-value'), opacity.getAttribute('aria-valuetext')], ['40%', '40%']);
  });

  it('labels every control and keeps them reachable by keyboard', () => {
    const { root } = render(full);
    for (const c of root.querySelectorAll<HTMLElement>('input, select, button')) {
      // a select's textContent is its options' text: only buttons are named by their content
      const name = c.getAttribute('aria-label') ?? (c.tagName === 'BUTTON' ? c.textContent : c.closest('label')?.textContent) ?? '';
      assert.ok(name.trim().length > 0, `${c.outerHTML.slice(0, 60)} has a name`);
      assert.ok(c.tabIndex >= 0, `${c.outerHTML.slice(0, 60)} is in the tab order`);
    }
    assert.ok(q<HTMLElement>(root, '.stage').getAttribute('aria-label'));
  });

  it('re-renders in place, keeping the chosen layer, head and opacity', () => {
    const { host, root } = render(full);
    input(q<HTMLInputElement>(root, 'input[aria-label="Layer"]'), '1');
    q<HTMLButtonElement>(root, 'button.multiple[data-head="3"]').click();
    input(q<HTMLInputElement>(root, 'input[aria-label="Overlay opacity"]'), '35');
    render({ ...full, caption: 'the car is now blue' }, host);
    assert.equal(host.shadowRoot, root, 'the shadow root is reused');
    assert.deepEqual([root.querySelectorAll('.attention').length, root.querySelectorAll('style').length], [1, 1], 'content replaced, not added');
    const w = q<HTMLElement>(root, '.attention');
    assert.deepEqual(
      [w.dataset.layer, w.dataset.head, q<HTMLInputElement>(root, 'input[aria-label="Overlay opacity"]').value, text(root, '.caption .text')],
      ['2', '3', '35', 'the car is now blue'],
    );
    // a payload without that head falls back to the first one, and a fresh element starts afresh
    render(plain, host);
    assert.deepEqual([q<HTMLElement>(root, '.attention').dataset.layer, q<HTMLElement>(root, '.attention').dataset.head], ['2', '3']);
    render({ ...plain, layers: plain.layers.map((l) => ({ ...l, heads: l.heads.filter((h) => h.head !== 3) })) }, host);
    assert.deepEqual([q<HTMLElement>(root, '.attention').dataset.layer, q<HTMLElement>(root, '.attention').dataset.head], ['2', '0']);
    const fresh = render(full).root;
    assert.deepEqual([q<HTMLElement>(fresh, '.attention').dataset.layer, q<HTMLElement>(fresh, '.attention').dataset.head], ['1', '0']);
  });

  it('shows payload text as text, never as markup', () => {
    const { root } = render({ ...full, title: XSS, caption: XSS, notes: [XSS] });
    assert.equal(text(root, '.title'), XSS);
    assert.equal(text(root, '.caption .text'), XSS);
    assert.equal(text(root, '.notes li'), XSS);
    const imgs = [...root.querySelectorAll('img')];
    assert.equal(imgs.length, 1 + 4, 'the pair and its four small multiples, nothing else');
    assert.ok(imgs.every((i) => i.getAttribute('src')?.startsWith('data:image/png;base64,')));
    assert.equal(root.querySelector('[onerror]'), null);
  });

  it('explains a payload it cannot show', () => {
    const bad = render({ ...full, boundaryRow: 9 }).root;
    assert.equal(
      text(bad, '.error'),
      'Cannot show this attention output: boundaryRow: expected a whole number from 1 to 7 (a patch row inside the grid), found 9',
    );
    assert.equal(bad.querySelector('.attention'), null);
    const host = dom.host();
    void api.renderOutputItem({ ...outputItem(IDC_MIME.attention, {}), json: () => JSON.parse('{oops') }, host, new AbortController().signal);
    assert.match(text(host.shadowRoot as ShadowRoot, '.error'), /^Cannot show this attention output: the payload is not valid JSON \(/);
  });
});
