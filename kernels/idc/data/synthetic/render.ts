/**
 * Draws a scene description as 8-bit RGB pixels: background pattern, objects (lower ones in
 * front), the sign, then light, mood and style over the whole picture. Pure and
 * deterministic: the same scene and size give the same bytes on every machine.
 */
import { GLYPH_HEIGHT, GLYPH_GAP, GLYPH_WIDTH, glyphInk, textWidth } from './font';
import { BACKGROUND_TONES, OBJECT_COLOURS, type Rgb, type Shape } from './palette';
import type { Background, Scene, SceneObject, Sign } from './scene';
import type { RawImage } from '../../../platform/rawImage';

/** Radius of an object as a fraction of the image side. */
const RADIUS = { small: 0.085, large: 0.13 } as const;
const SIGN_PLATE: Rgb = [248, 248, 240];
const SIGN_INK: Rgb = [25, 25, 30];

export function renderScene(scene: Scene, size: number): RawImage {
  const data = new Uint8Array(size * size * 3);
  const unit = size / 64; // scene shifts and line widths are given at 64 pixels
  const shiftX = scene.shift.x * unit;
  const shiftY = scene.shift.y * unit;
  drawBackground(data, size, scene.background, shiftX, shiftY);
  for (const o of [...scene.objects].sort((a, b) => a.y - b.y)) drawObject(data, size, o, shiftX, shiftY);
  if (scene.sign) drawSign(data, size, scene.sign, shiftX, shiftY);
  applyLight(data, scene.light);
  applyMood(data, size, scene.mood);
  applyStyle(data, size, scene.style);
  return { width: size, height: size, data };
}

function put(data: Uint8Array, i: number, r: number, g: number, b: number): void {
  data[i] = r;
  data[i + 1] = g;
  data[i + 2] = b;
}

function backgroundColour(bg: Background, u: number, v: number): Rgb {
  const tone = BACKGROUND_TONES[bg.tone];
  const accent = BACKGROUND_TONES[bg.accent];
  switch (bg.pattern) {
    case 'plain':
      return tone;
    case 'stripes':
      return Math.floor((u + v) * 8) % 2 === 0 ? tone : accent;
    case 'checker':
      return (Math.floor(u * 6) + Math.floor(v * 6)) % 2 === 0 ? tone : accent;
    case 'dots': {
      const du = u * 6 - Math.floor(u * 6) - 0.5;
      const dv = v * 6 - Math.floor(v * 6) - 0.5;
      return du * du + dv * dv < 0.06 ? accent : tone;
    }
    case 'gradient': {
      const t = Math.min(1, Math.max(0, v));
      return [0, 1, 2].map((c) => Math.round((tone[c] as number) * (1 - t) + (accent[c] as number) * t)) as unknown as Rgb;
    }
  }
}

function drawBackground(data: Uint8Array, size: number, bg: Background, shiftX: number, shiftY: number): void {
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // the pattern is sampled in scene coordinates, so a viewpoint shift moves it too
      const [r, g, b] = backgroundColour(bg, (x + 0.5 - shiftX) / size, (y + 0.5 - shiftY) / size);
      put(data, (y * size + x) * 3, r, g, b);
    }
  }
}

/** Whether (u, v), in units of the radius from the centre (v down), is inside the shape. */
function inside(shape: Shape, u: number, v: number): boolean {
  switch (shape) {
    case 'circle':
      return u * u + v * v <= 1;
    case 'square':
      return Math.abs(u) <= 0.85 && Math.abs(v) <= 0.85;
    case 'triangle':
      return v <= 0.8 && v >= -1 && Math.abs(u) <= (v + 1) / 1.8;
    case 'diamond':
      return Math.abs(u) + Math.abs(v) <= 1.05;
  }
}

function drawObject(data: Uint8Array, size: number, o: SceneObject, shiftX: number, shiftY: number): void {
  const radius = RADIUS[o.size] * size;
  const cx = o.x * size + shiftX;
  const cy = o.y * size + shiftY;
  const colour = OBJECT_COLOURS[o.colour];
  const x0 = Math.max(0, Math.floor(cx - radius - 1));
  const x1 = Math.min(size - 1, Math.ceil(cx + radius + 1));
  const y0 = Math.max(0, Math.floor(cy - radius - 1));
  const y1 = Math.min(size - 1, Math.ceil(cy + radius + 1));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const u = (x + 0.5 - cx) / radius;
      const v = (y + 0.5 - cy) / radius;
      if (!inside(o.shape, u, v)) continue;
      let r: number;
      let g: number;
      let b: number;
      if (o.material === 'rubber') {
        // matte: a soft light from above, no highlight
        const f = 0.9 - 0.12 * v;
        [r, g, b] = [colour[0] * f, colour[1] * f, colour[2] * f];
      } else {
        // metal: darker body with a white specular spot towards the top left
        const f = 0.62 - 0.18 * v;
        const s = Math.exp(-((u + 0.35) ** 2 + (v + 0.4) ** 2) * 5);
        [r, g, b] = [colour[0] * f * (1 - s) + 255 * s, colour[1] * f * (1 - s) + 255 * s, colour[2] * f * (1 - s) + 255 * s];
      }
      put(data, (y * size + x) * 3, Math.round(Math.min(255, r)), Math.round(Math.min(255, g)), Math.round(Math.min(255, b)));
    }
  }
}

function drawSign(data: Uint8Array, size: number, sign: Sign, shiftX: number, shiftY: number): void {
  const scale = Math.max(1, Math.round(size / 64));
  const width = textWidth(sign.word) * scale;
  const height = GLYPH_HEIGHT * scale;
  const pad = 2 * scale;
  const left = Math.round(sign.x * size + shiftX - width / 2);
  const top = Math.round(sign.y * size + shiftY - height / 2);
  for (let y = top - pad; y < top + height + pad; y++) {
    for (let x = left - pad; x < left + width + pad; x++) {
      if (x < 0 || y < 0 || x >= size || y >= size) continue;
      const gx = Math.floor((x - left) / scale);
      const column = gx % (GLYPH_WIDTH + GLYPH_GAP);
      const char = sign.word.charAt(Math.floor(gx / (GLYPH_WIDTH + GLYPH_GAP)));
      const ink = x >= left && y >= top && glyphInk(char, column, Math.floor((y - top) / scale));
      const [r, g, b] = ink ? SIGN_INK : SIGN_PLATE;
      put(data, (y * size + x) * 3, r, g, b);
    }
  }
}

function applyLight(data: Uint8Array, light: number): void {
  if (light === 1) return;
  for (let i = 0; i < data.length; i++) data[i] = Math.min(255, Math.round((data[i] as number) * light));
}

/** A fixed pseudo-random value per pixel (for snowflakes): no seed, so the same on every render. */
function pixelHash(x: number, y: number): number {
  let h = Math.imul(x + 1, 0x27d4eb2d) ^ Math.imul(y + 7, 0x165667b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}

function applyMood(data: Uint8Array, size: number, mood: Scene['mood']): void {
  if (mood === 'day') return;
  const unit = Math.max(1, Math.round(size / 64));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 3;
      const [r, g, b] = [data[i] as number, data[i + 1] as number, data[i + 2] as number];
      switch (mood) {
        case 'night':
          put(data, i, Math.round(r * 0.3), Math.round(g * 0.35), Math.round(b * 0.5 + 30));
          break;
        case 'sunset':
          put(data, i, Math.min(255, Math.round(r * 0.85 + 60)), Math.round(g * 0.7 + 20), Math.round(b * 0.5));
          break;
        case 'fog':
          put(data, i, Math.round(r * 0.45 + 118), Math.round(g * 0.45 + 118), Math.round(b * 0.45 + 121));
          break;
        case 'snow': {
          const flake = pixelHash(Math.floor(x / unit), Math.floor(y / unit)) % 17 === 0;
          if (flake) put(data, i, 255, 255, 255);
          else put(data, i, Math.round(r * 0.8 + 30), Math.round(g * 0.8 + 32), Math.round(b * 0.8 + 40));
          break;
        }
      }
    }
  }
}

function luminance(data: Uint8Array, i: number): number {
  return 0.299 * (data[i] as number) + 0.587 * (data[i + 1] as number) + 0.114 * (data[i + 2] as number);
}

function applyStyle(data: Uint8Array, size: number, style: Scene['style']): void {
  switch (style) {
    case 'photo':
      return;
    case 'sepia':
      for (let i = 0; i < data.length; i += 3) {
        const [r, g, b] = [data[i] as number, data[i + 1] as number, data[i + 2] as number];
        put(
          data,
          i,
          Math.min(255, Math.round(0.393 * r + 0.769 * g + 0.189 * b)),
          Math.min(255, Math.round(0.349 * r + 0.686 * g + 0.168 * b)),
          Math.min(255, Math.round(0.272 * r + 0.534 * g + 0.131 * b)),
        );
      }
      return;
    case 'pop art':
      // two levels per channel: flat, saturated poster colours
      for (let i = 0; i < data.length; i++) data[i] = (data[i] as number) >= 128 ? 255 : 0;
      return;
    case 'pixel art': {
      const block = Math.max(2, Math.round(size / 16));
      const levels = (v: number) => Math.min(255, Math.round(v / 85) * 85);
      for (let by = 0; by < size; by += block) {
        for (let bx = 0; bx < size; bx += block) {
          const sum = [0, 0, 0];
          let n = 0;
          for (let y = by; y < Math.min(size, by + block); y++) {
            for (let x = bx; x < Math.min(size, bx + block); x++, n++)
              for (let c = 0; c < 3; c++) sum[c] = (sum[c] as number) + (data[(y * size + x) * 3 + c] as number);
          }
          const [r, g, b] = sum.map((s) => levels(s / n)) as [number, number, number];
          for (let y = by; y < Math.min(size, by + block); y++) for (let x = bx; x < Math.min(size, bx + block); x++) put(data, (y * size + x) * 3, r, g, b);
        }
      }
      return;
    }
    case 'sketch': {
      // dark lines where the luminance changes, on paper
      const lum = new Float32Array(size * size);
      for (let p = 0; p < size * size; p++) lum[p] = luminance(data, p * 3);
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const p = y * size + x;
          const here = lum[p] as number;
          const edge = Math.abs(here - (lum[x + 1 < size ? p + 1 : p] as number)) + Math.abs(here - (lum[y + 1 < size ? p + size : p] as number));
          const paper = 1 - Math.min(1, edge / 40);
          put(data, p * 3, Math.round(250 * paper + 40 * (1 - paper)), Math.round(247 * paper + 40 * (1 - paper)), Math.round(235 * paper + 45 * (1 - paper)));
        }
      }
      return;
    }
  }
}
