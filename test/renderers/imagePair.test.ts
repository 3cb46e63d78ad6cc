/**
 * The image-pair renderer: its pure parts (difference and heatmap arithmetic, zoom and pan,
 * paging, slider keys, score text, payload validation) and its DOM in JSDOM, fed payloads
 * made by the kernel's own imagePairPayload. JSDOM has no 2D canvas, so difference mode is
 * checked for its note here; the heatmap itself is drawn only in a real browser.
 */
import assert from 'node:assert/strict';
import type { ImagePairPayload } from '../../kernels/outputs/contracts';
import { differenceMask, heatmap, imagePairPayload, type PairView } from '../../kernels/idc/display/imagePair';
import { IDC_MIME } from '../../kernels/outputs/mime';
import type { RawImage } from '../../kernels/platform/rawImage';
import { absoluteDifference, heatColour, heatmapRgba, summarise, summaryText } from '../../renderers/imagePair/difference';
import { NO_CLIPBOARD } from '../../renderers/imagePair/exportImage';
import { activate } from '../../renderers/imagePair/index';
import { pageLabel, pageRange, selectionLabel, selectionPosition } from '../../renderers/imagePair/paging';
import { fileName, formatScore, originText, scoreTexts } from '../../renderers/imagePair/pairText';
import { renderImagePairs } from '../../renderers/imagePair/render';
import { sliderKeyValue } from '../../renderers/imagePair/sliderKeys';
import { validateImagePairPayload } from '../../renderers/imagePair/validate';
import { clampTransform, IDENTITY, panBy, transformCss, wheelFactor, zoomAt, zoomLabel } from '../../renderers/imagePair/zoom';
import type { RendererApi } from 'vscode-notebook-renderer';
import { activated, fakeDom, outputItem, type FakeDom } from './fakeContext';

const XSS = '<img src=x onerror=alert(1)>';

/** A small RGB image: a grey ramp with, when `mark` is set, a red 2x2 square at (x, y). */
function raw(width: number, height: number, mark?: { x: number; y: number }): RawImage {
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) data.fill(20 + ((p * 7) % 200), p * 3, p * 3 + 3);
  if (mark) {
    for (let y = mark.y; y < mark.y + 2; y++) {
      for (let x = mark.x; x < mark.x + 2; x++) data.set([250, 10, 10], (y * width + x) * 3);
    }
  }
  return { width, height, data };
}

function views(count: number): PairView[] {
  return Array.from({ length: count }, (_, k) => ({
    id: `clevr/${String(k).padStart(4, '0')}`,
    before: raw(8, 6),
    after: raw(8, 6, { x: k % 6, y: 2 }),
    references: [`the red cube ${k} was added`, 'a red square appeared'],
    prediction: `prediction ${k}`,
    category: k % 2 ? 'color' : 'add',
    split: 'test',
    scores: { CIDEr: 0.8304 + k, 'BLEU-4': 0.4 },
  }));
}

async function payloadOf(count: number, page = { title: 'test pairs', offset: 0, total: count, notes: [] as string[] }): Promise<ImagePairPayload> {
  return imagePairPayload(views(count), page);
}

describe('image-pair renderer: difference arithmetic', () => {
  it('takes the absolute difference per pixel, largest over R, G and B, ignoring alpha', () => {
    const before = [10, 20, 30, 255, 0, 0, 0, 255, 100, 100, 100, 255];
    const after = [13, 10, 30, 0, 255, 0, 0, 255, 100, 100, 100, 255];
    assert.deepEqual([...absoluteDifference(before, after)], [10, 255, 0]);
    assert.throws(() => absoluteDifference([1, 2, 3, 4], [1, 2, 3]), /differ in length/);
    assert.throws(() => absoluteDifference([1, 2, 3], [1, 2, 3]), /not whole RGBA pixels/);
  });

  it("agrees with the kernel's mask and heatmap ramp", () => {
    const a = raw(5, 4);
    const b = raw(5, 4, { x: 1, y: 1 });
    const rgba = (image: RawImage) => {
      const out = new Uint8ClampedArray(image.width * image.height * 4);
      for (let p = 0; p < image.width * image.height; p++) out.set([...image.data.subarray(p * 3, p * 3 + 3), 255], p * 4);
      return out;
    };
    assert.deepEqual([...absoluteDifference(rgba(a), rgba(b))], [...differenceMask(a, b)]);
    const all = Uint8Array.from({ length: 256 }, (_, v) => v);
    const kernel = heatmap(all);
    for (let v = 0; v < 256; v++) assert.deepEqual(heatColour(v), [...kernel.subarray(v * 3, v * 3 + 3)], `colour of ${v}`);
  });

  it('hides differences below the threshold and colours the rest opaque', () => {
    const diff = Uint8Array.from([0, 7, 8, 85, 255]);
    const out = heatmapRgba(diff, 8);
    assert.deepEqual([...out], [0, 0, 0, 0, 0, 0, 0, 0, 24, 0, 0, 255, 255, 0, 0, 255, 255, 255, 255, 255]);
    assert.deepEqual(
      [...heatmapRgba(diff, 100)].filter((_, i) => i % 4 === 3),
      [0, 0, 0, 0, 255],
    );
    const reused = new Uint8ClampedArray(20).fill(9);
    assert.equal(heatmapRgba(diff, 8, reused), reused, 'writes into the given array');
    assert.throws(() => heatmapRgba(diff, 8, new Uint8ClampedArray(4)), /expected 20/);
  });

  it('summarises how much differs', () => {
    const diff = Uint8Array.from([0, 0, 10, 200]);
    assert.deepEqual(summarise(diff, 8), { shown: 2, pixels: 4, max: 200 });
    assert.equal(summaryText(summarise(diff, 8), 8), '50% of pixels differ by 8 or more (largest 200)');
    assert.equal(summaryText(summarise(new Uint8Array(1000).fill(0, 0, 999).fill(9, 999), 8), 8), '0.1% of pixels differ by 8 or more (largest 9)');
    assert.equal(summaryText(summarise(new Uint8Array(4), 8), 8), '0% of pixels differ by 8 or more (largest 0)');
  });
});

describe('image-pair renderer: zoom, paging, keys and text', () => {
  it('zooms about a point, keeping that point still, within 1x..32x', () => {
    assert.deepEqual(zoomAt(IDENTITY, 2), { scale: 2, x: -0.5, y: -0.5 });
    assert.deepEqual(zoomAt(IDENTITY, 2, 0, 0), { scale: 2, x: 0, y: 0 });
    assert.deepEqual(zoomAt(IDENTITY, 2, 1, 1), { scale: 2, x: -1, y: -1 });
    const t = zoomAt(IDENTITY, 4, 0.25, 0.75);
    assert.deepEqual(t, { scale: 4, x: -0.75, y: -2.25 });
    // the content point under (0.25, 0.75) is still there
    assert.equal((0.25 - t.x) / t.scale, 0.25);
    assert.equal((0.75 - t.y) / t.scale, 0.75);
    assert.deepEqual(zoomAt(t, 1 / 4, 0.25, 0.75), IDENTITY, 'zooming back out returns to the identity');
    assert.deepEqual(zoomAt(IDENTITY, 0.5), IDENTITY, 'never below 1x');
    assert.equal(zoomAt({ scale: 30, x: 0, y: 0 }, 2, 0, 0).scale, 32, 'never above 32x');
  });

  it('pans only as far as the content covers the viewport', () => {
    const t = { scale: 2, x: -0.5, y: -0.5 };
    assert.deepEqual(panBy(t, 0.3, -0.2), { scale: 2, x: -0.2, y: -0.7 });
    assert.deepEqual(panBy(t, 0.9, -0.9), { scale: 2, x: 0, y: -1 });
    assert.deepEqual(panBy(IDENTITY, 0.4, 0.4), IDENTITY, 'nothing to pan at 1x');
    assert.deepEqual(clampTransform({ scale: Number.NaN, x: 5, y: Number.NaN }), IDENTITY);
  });

  it('writes one CSS transform in viewport percentages, and the zoom as a percentage', () => {
    assert.equal(transformCss(IDENTITY), 'translate(0%, 0%) scale(1)');
    assert.equal(transformCss(zoomAt(IDENTITY, Math.SQRT2)), 'translate(-20.7107%, -20.7107%) scale(1.4142)');
    assert.equal(zoomLabel({ scale: 2.828, x: 0, y: 0 }), '283%');
    assert.ok(wheelFactor(100) < 1 && wheelFactor(-100) > 1 && wheelFactor(0) === 1);
    assert.equal(Math.round(wheelFactor(-100) * wheelFactor(100) * 1e9) / 1e9, 1, 'a notch in and a notch out cancel');
  });

  it('pages the pairs 12 at a time and labels the page and the selection', () => {
    assert.deepEqual(pageRange(64, 1), { page: 1, pages: 6, start: 12, end: 24 });
    assert.equal(pageLabel(pageRange(64, 1), 64), '13-24 of 64');
    assert.deepEqual(pageRange(64, 5), { page: 5, pages: 6, start: 60, end: 64 });
    assert.equal(pageLabel(pageRange(64, 5), 64), '61-64 of 64');
    assert.deepEqual(pageRange(64, 9), pageRange(64, 5), 'past the end clamps to the last page');
    assert.deepEqual(pageRange(64, -2), pageRange(64, 0));
    assert.deepEqual(pageRange(0, 3), { page: 0, pages: 1, start: 0, end: 0 });
    assert.equal(pageLabel(pageRange(0, 0), 0), '0 of 0');
    assert.deepEqual(pageRange(5, 0, 2), { page: 0, pages: 3, start: 0, end: 2 });
    assert.equal(selectionLabel(0, 64, 64), null, 'the whole selection needs no second label');
    assert.equal(selectionLabel(0, 64, 500), 'pairs 1-64 of 500 in the selection');
    assert.equal(selectionLabel(100, 64, 500), 'pairs 101-164 of 500 in the selection');
    assert.equal(selectionLabel(0, 0, 500), 'no pairs of the 500 in the selection');
    assert.equal(selectionPosition(100, 12, 500), '113 of 500');
  });

  it('moves a slider by the keys of the ARIA slider pattern', () => {
    const range = { min: 0, max: 100, step: 1, bigStep: 10 };
    assert.equal(sliderKeyValue('ArrowRight', false, 50, range), 51);
    assert.equal(sliderKeyValue('ArrowUp', false, 50, range), 51);
    assert.equal(sliderKeyValue('ArrowLeft', false, 50, range), 49);
    assert.equal(sliderKeyValue('ArrowLeft', true, 50, range), 40);
    assert.equal(sliderKeyValue('PageUp', false, 95, range), 100);
    assert.equal(sliderKeyValue('PageDown', false, 5, range), 0);
    assert.equal(sliderKeyValue('Home', false, 50, range), 0);
    assert.equal(sliderKeyValue('End', false, 50, range), 100);
    assert.equal(sliderKeyValue('Enter', false, 50, range), null);
  });

  it('formats scores, the origin and safe file names', () => {
    assert.equal(formatScore(0.8304), '0.83');
    assert.equal(formatScore(12), '12');
    assert.equal(formatScore(0.41249), '0.412');
    assert.deepEqual(scoreTexts({ CIDEr: 0.8304, 'BLEU-4': 0.4123 }), ['CIDEr 0.83', 'BLEU-4 0.412']);
    assert.deepEqual(scoreTexts(undefined), []);
    assert.equal(originText({ category: 'color', split: 'test' }), 'category: color · split: test');
    assert.equal(originText({ split: 'val' }), 'split: val');
    assert.equal(originText({}), null);
    assert.equal(fileName('clevr/0001 a', 'after'), 'clevr_0001_a-after.png');
    assert.equal(fileName('../../etc/passwd', 'before'), 'etc_passwd-before.png');
    assert.equal(fileName(XSS, 'difference'), 'img_src_x_onerror_alert_1_-difference.png');
    assert.equal(fileName('', 'after'), 'pair-after.png');
  });
});

describe('image-pair renderer: payload validation', () => {
  let valid: ImagePairPayload;
  before(async () => {
    valid = await payloadOf(2);
  });
  const withPair = (change: (pair: Record<string, unknown>) => void): unknown => {
    const copy = JSON.parse(JSON.stringify(valid)) as { pairs: Array<Record<string, unknown>> };
    change(copy.pairs[1] as Record<string, unknown>);
    return copy;
  };

  it('accepts what the kernel builds', () => {
    assert.deepEqual(validateImagePairPayload(valid), { ok: true, payload: valid });
    const minimal = withPair((p) => {
      for (const k of ['mask', 'prediction', 'category', 'split', 'scores']) delete p[k];
    });
    assert.equal(validateImagePairPayload(minimal).ok, true);
  });

  it('names the field that is wrong', () => {
    const problem = (value: unknown) => {
      const r = validateImagePairPayload(value);
      return r.ok ? 'ok' : r.problem;
    };
    assert.equal(problem(null), 'the payload is not an object');
    assert.equal(problem([valid]), 'the payload is not an object');
    assert.equal(problem({ ...valid, v: 2 }), 'unsupported payload version 2 (expected 1)');
    assert.equal(problem({ ...valid, title: 3 }), 'title: expected a string');
    assert.equal(problem({ ...valid, pairs: {} }), 'pairs: expected an array');
    assert.equal(problem({ ...valid, offset: -1 }), 'offset: expected a whole number, 0 or more');
    assert.equal(problem({ ...valid, total: 1.5 }), 'total: expected a whole number, 0 or more');
    assert.equal(problem({ ...valid, total: 1 }), 'total: 1 is less than offset + pairs (0 + 2)');
    assert.equal(problem({ ...valid, notes: [1] }), 'notes: expected an array of strings');
    assert.equal(problem({ ...valid, pairs: [valid.pairs[0], 'x'] }), 'pairs[1]: expected an object');
    assert.equal(problem(withPair((p) => (p.id = 7))), 'pairs[1].id: expected a string');
    assert.equal(problem(withPair((p) => delete p.after)), 'pairs[1].after: expected an encoded image object');
    assert.equal(problem(withPair((p) => ((p.after as Record<string, unknown>).width = 0))), 'pairs[1].after.width: expected a positive integer');
    assert.equal(
      problem(withPair((p) => ((p.before as Record<string, unknown>).mime = 'image/gif'))),
      'pairs[1].before.mime: expected image/png or image/jpeg',
    );
    assert.equal(
      problem(withPair((p) => ((p.before as Record<string, unknown>).data = `"><script>`))),
      'pairs[1].before.data: expected base64 text (A-Z, a-z, 0-9, +, / and = padding), found other characters',
    );
    assert.equal(problem(withPair((p) => ((p.mask as Record<string, unknown>).height = '6'))), 'pairs[1].mask.height: expected a positive integer');
    assert.equal(problem(withPair((p) => ((p.before as Record<string, unknown>).width = 9))), 'pairs[1].before: expected the size of after (8x6), got 9x6');
    assert.equal(problem(withPair((p) => (p.references = ['a', 2]))), 'pairs[1].references: expected an array of strings');
    assert.equal(problem(withPair((p) => (p.prediction = null))), 'pairs[1].prediction: expected a string');
    assert.equal(problem(withPair((p) => (p.scores = { CIDEr: 'high' }))), 'pairs[1].scores.CIDEr: expected a number');
    assert.equal(problem(withPair((p) => (p.scores = [1]))), 'pairs[1].scores: expected an object of numbers');
  });
});

describe('image-pair renderer in a DOM (JSDOM)', () => {
  let dom: FakeDom;
  let api: RendererApi;
  let getContextCalls = 0;
  let restoreGetContext: () => void = () => undefined;
  const mime = IDC_MIME.imagePair;

  beforeEach(async () => {
    dom = fakeDom();
    // JSDOM's canvas has no 2D context: getContext returns null (and logs); this stub returns null quietly and counts.
    const proto = dom.window.HTMLCanvasElement.prototype;
    const original = proto.getContext;
    getContextCalls = 0;
    proto.getContext = (() => {
      getContextCalls++;
      return null;
    }) as typeof proto.getContext;
    restoreGetContext = () => {
      proto.getContext = original;
    };
    api = await activated(activate);
  });
  afterEach(() => {
    restoreGetContext();
    dom.close();
  });

  const render = (payload: unknown, host = dom.host()) => {
    void api.renderOutputItem(outputItem(mime, payload), host, new AbortController().signal);
    const root = host.shadowRoot;
    assert.ok(root, 'the renderer attached a shadow root');
    return { host, root };
  };
  const all = (root: ParentNode, selector: string) => [...root.querySelectorAll<HTMLElement>(selector)];
  const one = (root: ParentNode, selector: string) => {
    const e = root.querySelector<HTMLElement>(selector);
    assert.ok(e, `${selector} exists`);
    return e;
  };
  const click = (e: HTMLElement) => e.dispatchEvent(new dom.window.MouseEvent('click', { bubbles: true }));
  const key = (e: HTMLElement, k: string, shiftKey = false) =>
    e.dispatchEvent(new dom.window.KeyboardEvent('keydown', { key: k, shiftKey, bubbles: true, cancelable: true }));
  /** Waits for the renderer's promises (image export, difference status) to settle. */
  const until = async (ready: () => boolean) => {
    for (let i = 0; i < 200 && !ready(); i++) await new Promise((r) => setTimeout(r, 5));
    assert.ok(ready(), 'the awaited state was reached');
  };

  it('shows one page of 12 pairs, pages through them and says where they stand in the selection', async () => {
    const { root } = render(await payloadOf(30, { title: 'CLEVR-Change', offset: 40, total: 200, notes: ['METEOR without a paraphrase table'] }));
    assert.equal(one(root, '.title').textContent, 'CLEVR-Change');
    assert.equal(one(root, '.selection').textContent, 'This output holds pairs 41-70 of 200 in the selection.');
    assert.equal(one(root, '.notes li').textContent, 'METEOR without a paraphrase table');
    const prev = one(root, '[data-action="previous-page"]') as HTMLButtonElement;
    const next = one(root, '[data-action="next-page"]') as HTMLButtonElement;
    const label = one(root, '.page-label');
    const ids = () => all(root, '.pair').map((p) => p.dataset.id);
    assert.equal(one(root, 'nav').getAttribute('aria-label'), 'Pages of pairs');
    assert.deepEqual([label.textContent, prev.disabled, next.disabled, all(root, '.pair').length], ['1-12 of 30', true, false, 12]);
    assert.deepEqual(ids().slice(0, 2), ['clevr/0000', 'clevr/0001']);
    assert.equal(one(root, '.pair .position').textContent, '41 of 200');
    click(next);
    assert.deepEqual([label.textContent, prev.disabled, next.disabled, all(root, '.pair').length], ['13-24 of 30', false, false, 12]);
    assert.equal(ids()[0], 'clevr/0012');
    assert.equal(one(root, '.pair .position').textContent, '53 of 200');
    click(next);
    assert.deepEqual([label.textContent, prev.disabled, next.disabled, all(root, '.pair').length], ['25-30 of 30', false, true, 6]);
    click(prev);
    click(prev);
    assert.deepEqual([label.textContent, prev.disabled], ['1-12 of 30', true]);
  });

  it('says nothing about a selection when the payload is all of it, and handles an empty payload', async () => {
    const { root } = render(await payloadOf(3));
    assert.equal(root.querySelector('.selection'), null);
    assert.equal(one(root, '.page-label').textContent, '1-3 of 3');
    const empty = render({ v: 1, title: 'none', pairs: [], offset: 0, total: 0, notes: [] }).root;
    assert.deepEqual(
      [one(empty, '.page-label').textContent, one(empty, '.empty').textContent, all(empty, '.pair').length],
      ['0 of 0', 'This output holds no pairs.', 0],
    );
  });

  it('writes the id, origin, references, prediction and scores under each pair as text', async () => {
    const { root } = render(await payloadOf(2));
    const pair = all(root, '.pair')[1] as HTMLElement;
    assert.equal(pair.getAttribute('aria-label'), 'Pair clevr/0001');
    assert.equal(one(pair, '.pair-id').textContent, 'clevr/0001');
    assert.equal(one(pair, '.origin').textContent, 'category: color · split: test');
    assert.deepEqual(
      all(pair, '.reference-list li').map((li) => li.textContent),
      ['the red cube 1 was added', 'a red square appeared'],
    );
    assert.equal(one(pair, '.prediction-text').textContent, 'prediction 1');
    assert.deepEqual(
      all(pair, '.scores li').map((li) => [li.dataset.metric, li.textContent]),
      [
        ['CIDEr', 'CIDEr 1.83'],
        ['BLEU-4', 'BLEU-4 0.4'],
      ],
    );
    const imgs = all(pair, 'img') as HTMLImageElement[];
    assert.deepEqual(
      imgs.map((i) => i.alt),
      ['before image of clevr/0001', 'after image of clevr/0001'],
    );
    assert.ok(
      imgs.every((i) => i.src.startsWith('data:image/png;base64,')),
      'images are data: URLs, nothing is fetched',
    );
  });

  it('shows markup in the payload as text and creates no element from it', async () => {
    const p = await imagePairPayload([{ ...(views(1)[0] as PairView), id: XSS, references: [XSS], prediction: XSS, category: XSS, scores: { [XSS]: 1 } }], {
      title: XSS,
      offset: 0,
      total: 1,
      notes: [XSS],
    });
    const { root } = render(p);
    assert.equal(all(root, 'img').length, 2, 'only the before and after images');
    assert.equal(root.querySelector('img[src="x"]'), null);
    assert.equal(one(root, '.title').textContent, XSS);
    assert.equal(one(root, '.pair-id').textContent, XSS);
    assert.equal(one(root, '.reference').textContent, XSS);
    assert.equal(one(root, '.prediction-text').textContent, XSS);
    assert.equal(one(root, '.origin').textContent, `category: ${XSS} · split: test`);
    assert.equal(one(root, '.score').textContent, `${XSS} 1`);
    assert.equal(one(root, '.notes li').textContent, XSS);
    assert.equal(one(root, '.pair').dataset.id, XSS);
    assert.equal(one(root, '.pair').getAttribute('aria-label'), `Pair ${XSS}`);
  });

  it('switches every pair between 2-up, swipe, onion skin and difference with pressed toggle buttons', async () => {
    const { root } = render(await payloadOf(3));
    const modes = all(root, '[role="group"][aria-label="Comparison mode"] button');
    assert.deepEqual(
      modes.map((b) => [b.textContent, b.dataset.mode, b.getAttribute('aria-pressed')]),
      [
        ['2-up', 'two-up', 'true'],
        ['Swipe', 'swipe', 'false'],
        ['Onion skin', 'onion', 'false'],
        ['Difference', 'difference', 'false'],
      ],
    );
    const opacity = one(root, '[data-control="opacity"]');
    const threshold = one(root, '[data-control="threshold"]');
    const pairs = () => all(root, '.pair');
    assert.deepEqual(
      pairs().map((p) => p.dataset.mode),
      ['two-up', 'two-up', 'two-up'],
    );
    assert.equal(all(pairs()[0] as HTMLElement, '.viewport').length, 2, '2-up has a viewport per image');
    assert.deepEqual([opacity.hidden, threshold.hidden], [true, true]);

    click(one(root, 'button[data-mode="swipe"]'));
    assert.deepEqual(
      modes.map((b) => b.getAttribute('aria-pressed')),
      ['false', 'true', 'false', 'false'],
    );
    assert.deepEqual(
      pairs().map((p) => [p.dataset.mode, p.classList.contains('mode-swipe')]),
      [
        ['swipe', true],
        ['swipe', true],
        ['swipe', true],
      ],
    );
    assert.equal(one(root, '.viewer').dataset.mode, 'swipe');
    assert.equal(all(pairs()[0] as HTMLElement, '.viewport').length, 1);
    assert.equal(all(root, '[role="slider"]').length, 3, 'a divider per pair');

    click(one(root, 'button[data-mode="onion"]'));
    assert.deepEqual([opacity.hidden, threshold.hidden], [false, true]);
    assert.deepEqual(
      pairs().map((p) => p.dataset.mode),
      ['onion', 'onion', 'onion'],
    );
    const input = one(opacity, 'input') as HTMLInputElement;
    assert.equal(input.getAttribute('aria-label'), 'After opacity');
    input.value = '30';
    input.dispatchEvent(new dom.window.Event('input', { bubbles: true }));
    assert.deepEqual(
      all(root, '.pair img.top').map((i) => i.style.opacity),
      ['0.3', '0.3', '0.3'],
    );
    assert.equal(one(opacity, '.slider-value').textContent, '30%');

    click(one(root, 'button[data-mode="difference"]'));
    assert.deepEqual([opacity.hidden, threshold.hidden], [true, false]);
    assert.equal(one(threshold, 'input').getAttribute('aria-label'), 'Difference threshold');
    assert.deepEqual(
      pairs().map((p) => p.dataset.mode),
      ['difference', 'difference', 'difference'],
    );

    click(one(root, 'button[data-mode="onion"]'));
    assert.deepEqual(
      all(root, '.pair img.top').map((i) => i.style.opacity),
      ['0.3', '0.3', '0.3'],
      'the opacity is kept across modes',
    );
    assert.equal(pairs()[0]?.dataset.difference, undefined, 'only difference mode has a difference status');
  });

  it('moves the swipe divider with the keyboard and reports it through aria-valuenow', async () => {
    const { root } = render(await payloadOf(2));
    click(one(root, 'button[data-mode="swipe"]'));
    const divider = one(root, '.pair [role="slider"]');
    const clip = one(root, '.pair .clip');
    assert.equal(divider.getAttribute('aria-label'), 'Swipe divider for clevr/0000');
    assert.deepEqual(
      ['aria-valuemin', 'aria-valuemax', 'aria-valuenow'].map((a) => divider.getAttribute(a)),
      ['0', '100', '50'],
    );
    assert.equal(divider.tabIndex, 0);
    key(divider, 'ArrowRight');
    assert.equal(divider.getAttribute('aria-valuenow'), '51');
    key(divider, 'ArrowLeft', true);
    assert.equal(divider.getAttribute('aria-valuenow'), '41');
    assert.equal(divider.getAttribute('aria-valuetext'), '41% before, 59% after');
    assert.equal(divider.style.left, '41%');
    assert.equal(clip.style.clipPath, 'inset(0 59% 0 0)');
    key(divider, 'End');
    assert.equal(divider.getAttribute('aria-valuenow'), '100');
    key(divider, 'Home');
    assert.equal(divider.getAttribute('aria-valuenow'), '0');
    const second = all(root, '.pair [role="slider"]')[1] as HTMLElement;
    assert.equal(second.getAttribute('aria-valuenow'), '50', 'each pair has its own divider');
    // zoomed in, the arrow keys pan the area around the divider; on the divider they must not
    click(one(root, '.pair [data-action="zoom-in"]'));
    const layer = one(root, '.pair .layer');
    const before = layer.style.transform;
    assert.ok(one(root, '.pair .viewport').contains(divider));
    assert.equal(key(divider, 'ArrowUp'), false, 'the key is handled (default prevented)');
    assert.equal(layer.style.transform, before, 'the divider keys do not reach the pan area');
    // a mode switch and back keeps the divider where it was put
    click(one(root, 'button[data-mode="onion"]'));
    click(one(root, 'button[data-mode="swipe"]'));
    assert.equal(one(root, '.pair [role="slider"]').getAttribute('aria-valuenow'), '1');
  });

  it('zooms and pans both images of a pair with one transform, by buttons and keys, and resets', async () => {
    const { root } = render(await payloadOf(2));
    const pair = one(root, '.pair');
    const transforms = () => all(pair, '.layer').map((l) => l.style.transform);
    assert.deepEqual(transforms(), ['translate(0%, 0%) scale(1)', 'translate(0%, 0%) scale(1)']);
    const zoomIn = one(pair, '[data-action="zoom-in"]');
    assert.equal(zoomIn.getAttribute('aria-label'), 'Zoom into clevr/0000');
    click(zoomIn);
    assert.deepEqual(transforms(), ['translate(-20.7107%, -20.7107%) scale(1.4142)', 'translate(-20.7107%, -20.7107%) scale(1.4142)']);
    assert.equal(one(pair, '.zoom-level').textContent, '141%');
    click(zoomIn);
    assert.equal(pair.dataset.zoom, '2');
    const viewport = one(pair, '.viewport');
    assert.equal(viewport.tabIndex, 0);
    assert.match(viewport.getAttribute('aria-label') ?? '', /drag or use the arrow keys to pan/);
    key(viewport, 'ArrowRight');
    assert.deepEqual(transforms(), ['translate(-60%, -50%) scale(2)', 'translate(-60%, -50%) scale(2)']);
    key(viewport, '+');
    assert.equal(pair.dataset.zoom, '2.828');
    assert.equal(one(root, '.pair:nth-child(2)').dataset.zoom, '1', 'other pairs keep their own zoom');
    click(one(root, 'button[data-mode="swipe"]'));
    assert.deepEqual(all(pair, '.layer').map((l) => l.style.transform).length, 2, 'after and before layers of the swipe');
    assert.ok(
      all(pair, '.layer').every((l) => l.style.transform === transforms()[0] && l.style.transform.endsWith('scale(2.8284)')),
      'zoom survives a mode switch',
    );
    click(one(pair, '[data-action="zoom-out"]'));
    assert.equal(pair.dataset.zoom, '2');
    click(one(pair, '[data-action="zoom-reset"]'));
    assert.deepEqual(transforms(), ['translate(0%, 0%) scale(1)', 'translate(0%, 0%) scale(1)']);
    key(viewport, '0');
    assert.equal(pair.dataset.zoom, '1');
  });

  it('shows a note, not a crash, in difference mode where there is no 2D canvas', async () => {
    const payload = await payloadOf(3);
    const host = dom.host();
    const view = renderImagePairs(payload, host.attachShadow({ mode: 'open' }));
    assert.ok(view);
    const root = host.shadowRoot as ShadowRoot;
    click(one(root, 'button[data-mode="difference"]'));
    assert.ok(getContextCalls >= 3, 'a 2D context was asked for');
    assert.deepEqual(
      all(root, '.pair').map((p) => p.dataset.difference),
      ['unavailable', 'unavailable', 'unavailable'],
    );
    assert.match(
      one(root, '.pair .difference-summary').textContent ?? '',
      /no 2D canvas, so the difference cannot be computed here; the grey difference mask from the kernel is shown instead/,
    );
    assert.ok((one(root, '.pair img.mask') as HTMLImageElement).src.startsWith('data:image/png;base64,'), "the kernel's mask stands in");
    await view.settled();
    assert.equal(one(root, '.pairs').dataset.difference, 'unavailable');
    // the threshold slider still works (nothing to recolour)
    const input = one(root, '[data-control="threshold"] input') as HTMLInputElement;
    input.value = '40';
    input.dispatchEvent(new dom.window.Event('input', { bubbles: true }));
    assert.equal(one(root, '[data-control="threshold"] .slider-value').textContent, '40 of 255');

    // without a mask in the payload, the note says only what is missing
    const noMask = JSON.parse(JSON.stringify(payload)) as ImagePairPayload;
    for (const p of noMask.pairs) delete p.mask;
    const other = render(noMask).root;
    click(one(other, 'button[data-mode="difference"]'));
    assert.equal(one(other, '.pair .difference-summary').textContent, 'This view has no 2D canvas, so the difference cannot be computed here.');
    assert.equal(other.querySelector('img.mask'), null);
  });

  it('saves a pair image as a PNG download, and says when copying is not possible', async () => {
    const payload = await payloadOf(2);
    const { root } = render(payload);
    const pair = one(root, '.pair');
    const urls = new Map<string, Blob>();
    const created = URL.createObjectURL;
    const revoked = URL.revokeObjectURL;
    URL.createObjectURL = (blob: Blob) => {
      const url = `blob:test/${urls.size}`;
      urls.set(url, blob);
      return url;
    };
    URL.revokeObjectURL = () => undefined;
    const downloads: Array<{ href: string; name: string }> = [];
    dom.document.addEventListener('click', (e) => {
      const a = e.target as HTMLAnchorElement;
      if (a.tagName === 'A') {
        downloads.push({ href: a.getAttribute('href') ?? '', name: a.download });
        e.preventDefault();
      }
    });
    try {
      const status = one(pair, '.pair-status');
      assert.equal(status.getAttribute('role'), 'status');
      const select = one(pair, '[data-control="image"] select') as HTMLSelectElement;
      assert.equal(select.value, 'after');
      click(one(pair, '[data-action="save"]'));
      await until(() => downloads.length === 1);
      assert.deepEqual(downloads[0], { href: 'blob:test/0', name: 'clevr_0000-after.png' });
      const blob = urls.get('blob:test/0') as Blob;
      assert.equal(blob.type, 'image/png');
      const bytes = new Uint8Array(await blob.arrayBuffer());
      assert.deepEqual([...bytes], [...Buffer.from(payload.pairs[0]?.after.data ?? '', 'base64')], "the payload's own PNG bytes");
      await until(() => status.textContent === 'Saved the after image as clevr_0000-after.png.');

      select.value = 'difference';
      select.dispatchEvent(new dom.window.Event('change', { bubbles: true }));
      click(one(pair, '[data-action="save"]'));
      await until(() => status.textContent === 'Could not save the difference heatmap: this view has no 2D canvas to compute the difference.');
      assert.equal(downloads.length, 1);

      click(one(pair, '[data-action="copy"]'));
      assert.equal(status.textContent, NO_CLIPBOARD);

      // a JPEG has to be redrawn to become a PNG, which needs the canvas JSDOM lacks
      const jpeg = JSON.parse(JSON.stringify(payload)) as ImagePairPayload;
      if (jpeg.pairs[0]) jpeg.pairs[0].before.mime = 'image/jpeg';
      const jpegPair = one(render(jpeg).root, '.pair');
      const jpegSelect = one(jpegPair, '[data-control="image"] select') as HTMLSelectElement;
      jpegSelect.value = 'before';
      jpegSelect.dispatchEvent(new dom.window.Event('change', { bubbles: true }));
      click(one(jpegPair, '[data-action="save"]'));
      await until(() => one(jpegPair, '.pair-status').textContent === 'Could not save the before image: this view has no 2D canvas to turn the JPEG into PNG.');
      assert.equal(downloads.length, 1);
    } finally {
      URL.createObjectURL = created;
      URL.revokeObjectURL = revoked;
    }
  });

  it('copies a PNG through the clipboard API where the page has ClipboardItem', async () => {
    const payload = await payloadOf(1);
    const written: Array<Record<string, Promise<Blob> | Blob>> = [];
    class FakeClipboardItem {
      constructor(readonly items: Record<string, Promise<Blob> | Blob>) {}
    }
    const win = dom.window as unknown as Record<string, unknown>;
    win.ClipboardItem = FakeClipboardItem;
    Object.defineProperty(dom.window.navigator, 'clipboard', {
      configurable: true,
      value: { write: async (items: FakeClipboardItem[]) => void written.push(...items.map((i) => i.items)) },
    });
    const { root } = render(payload);
    const pair = one(root, '.pair');
    const select = one(pair, '[data-control="image"] select') as HTMLSelectElement;
    select.value = 'before';
    select.dispatchEvent(new dom.window.Event('change', { bubbles: true }));
    click(one(pair, '[data-action="copy"]'));
    await until(() => one(pair, '.pair-status').textContent === 'Copied the before image to the clipboard.');
    const blob = await written[0]?.['image/png'];
    assert.ok(blob, 'a PNG was written');
    assert.deepEqual([...new Uint8Array(await blob.arrayBuffer())], [...Buffer.from(payload.pairs[0]?.before.data ?? '', 'base64')]);
  });

  it('updates in place: the same shadow root, new content, the mode and page kept', async () => {
    const host = dom.host();
    const { root } = render(await payloadOf(30), host);
    click(one(root, 'button[data-mode="swipe"]'));
    click(one(root, '[data-action="next-page"]'));
    key(one(root, '.pair [role="slider"]'), 'End');
    const updated = await payloadOf(30);
    for (const p of updated.pairs) p.prediction = `updated ${p.id}`;
    render(updated, host);
    assert.equal(host.shadowRoot, root);
    assert.equal(all(root, 'style').length, 1, 'content replaced, not appended');
    assert.equal(all(root, '.viewer').length, 1);
    assert.equal(one(root, '.page-label').textContent, '13-24 of 30');
    assert.equal(one(root, 'button[data-mode="swipe"]').getAttribute('aria-pressed'), 'true');
    assert.deepEqual(all(root, '.pair').map((p) => p.dataset.mode)[0], 'swipe');
    assert.equal(one(root, '.pair .prediction-text').textContent, 'updated clevr/0012');
    assert.equal(one(root, '.pair [role="slider"]').getAttribute('aria-valuenow'), '100', 'a pair still present keeps its divider');
    // a smaller update of the same slice clamps the page
    click(one(root, '[data-action="next-page"]'));
    render(await payloadOf(20, { title: 'test pairs', offset: 0, total: 30, notes: [] }), host);
    assert.equal(one(root, '.page-label').textContent, '13-20 of 20');
    // another slice of the selection starts at its first page
    click(one(root, '[data-action="previous-page"]'));
    click(one(root, '[data-action="next-page"]'));
    render(await payloadOf(30, { title: 'test pairs', offset: 30, total: 90, notes: [] }), host);
    assert.equal(one(root, '.page-label').textContent, '1-12 of 30');
    assert.equal(one(root, 'button[data-mode="swipe"]').getAttribute('aria-pressed'), 'true', 'the mode stays');
    // another element starts fresh
    const fresh = render(await payloadOf(5)).root;
    assert.equal(one(fresh, 'button[data-mode="two-up"]').getAttribute('aria-pressed'), 'true');
  });

  it('explains a payload it cannot show, naming the field', async () => {
    const good = await payloadOf(1);
    const bad = JSON.parse(JSON.stringify(good)) as { pairs: Array<{ after: { width: unknown } }>; title: string };
    (bad.pairs[0] as { after: { width: unknown } }).after.width = -3;
    bad.title = XSS;
    const { root } = render(bad);
    assert.equal(one(root, '.error').textContent, 'Cannot show this image-pair output: pairs[0].after.width: expected a positive integer');
    assert.equal(one(root, '.error').getAttribute('role'), 'status');
    const host = dom.host();
    void api.renderOutputItem({ ...outputItem(mime, good), json: () => JSON.parse('{oops') }, host, new AbortController().signal);
    assert.match(one(host.shadowRoot as ShadowRoot, '.error').textContent ?? '', /^Cannot show this image-pair output: the payload is not valid JSON \(/);
    assert.equal(all(root, 'img').length, 0);
  });
});
