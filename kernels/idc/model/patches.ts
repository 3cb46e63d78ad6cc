/**
 * Patches by reshape, in plain JavaScript: the pipeline's NHWC pixels [B, H, W, 3] become
 * [B, (H/p) * (W/p), p*p*3], row-major over the patch grid, so patch rows 0..(H/p/2 - 1) are
 * the reference image and the rest the modified one. Inputs need no gradient, so this runs
 * outside the backend (WASM's conv2d has no gradient anyway).
 */

export function patchify(pixels: Float32Array, batch: number, height: number, width: number, patch: number): Float32Array {
  if (pixels.length !== batch * height * width * 3) throw new RangeError(`patchify: expected ${batch}x${height}x${width}x3 values, found ${pixels.length}`);
  if (height % patch !== 0 || width % patch !== 0) throw new RangeError(`patchify: patch ${patch} does not divide ${height}x${width}`);
  const rows = height / patch;
  const columns = width / patch;
  const size = patch * patch * 3;
  const out = new Float32Array(pixels.length);
  let o = 0;
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < columns; c++) {
        for (let y = 0; y < patch; y++) {
          const from = ((b * height + r * patch + y) * width + c * patch) * 3;
          out.set(pixels.subarray(from, from + patch * 3), o);
          o += patch * 3;
        }
      }
    }
  }
  if (o !== batch * rows * columns * size) throw new Error('patchify: size mismatch');
  return out;
}
