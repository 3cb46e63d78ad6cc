/**
 * The image processor against transformers' BlipImageProcessor (PIL's bicubic) on the tiny
 * reference's stacked pairs (two 64x32 stacks squashed to 32x32). libvips' bicubic treats the
 * edges otherwise than PIL's, so the values are close, not equal: measured, mean |difference|
 * 0.0035 in normalised units (a quarter of an 8-bit level) and at most 0.135 (9 levels, at an
 * edge). The bounds below hold those figures.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { pixelValues } from '../../../../kernels/idc/data/images/processor';
import { readSafetensors } from '../../../../kernels/platform/safetensors';

const TINY = path.join(__dirname, '..', '..', 'model', 'fixtures', 'hf-blip2-tiny');

describe('BLIP-2 image processor', () => {
  it("lands within a quarter of an 8-bit level of transformers' pixel_values on average (PIL's bicubic), 9 levels at worst", async () => {
    const ref = (await readSafetensors(path.join(TINY, 'reference.safetensors'))).tensors;
    const stacks = ref.get('inputs.stacked_images_uint8')!;
    const expected = ref.get('inputs.pixel_values')!;
    const [b, h, w] = stacks.shape as [number, number, number];
    const images = Array.from({ length: b }, (_, k) => ({
      width: w,
      height: h,
      data: Uint8Array.from(stacks.data.subarray(k * h * w * 3, (k + 1) * h * w * 3)),
    }));
    const got = await pixelValues(images, 32);
    assert.deepEqual(got.shape, expected.shape);
    let worst = 0;
    let sum = 0;
    got.data.forEach((v, i) => {
      const d = Math.abs(v - (expected.data[i] as number));
      worst = Math.max(worst, d);
      sum += d;
    });
    const mean = sum / got.data.length;
    assert.ok(mean < 0.004, `mean |difference| ${mean}`);
    assert.ok(worst < 0.14, `largest |difference| ${worst}`);
  });
});
