/** Small test images: PNG bytes of a given size with a colour pattern that depends on `seed`. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

/** Raw RGB of a w x h image whose pixels depend on (x, y, seed), so no two seeds look alike. */
export function pattern(width: number, height: number, seed: number): Uint8Array {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 8 + seed * 40) & 0xff;
      data[i + 1] = (y * 8 + seed * 70) & 0xff;
      data[i + 2] = ((x ^ y) * 4 + seed * 20) & 0xff;
    }
  }
  return data;
}

export async function pngBytes(width: number, height: number, seed: number): Promise<Uint8Array> {
  const buffer = await sharp(pattern(width, height, seed), { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
}

export async function writePng(file: string, width: number, height: number, seed: number): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  await fs.promises.writeFile(file, await pngBytes(width, height, seed));
}

export function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 1));
}

/** A fresh temporary folder; remove it with `fs.rmSync(dir, {recursive: true})`. */
export function tempFolder(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `idc-${prefix}-`));
}
