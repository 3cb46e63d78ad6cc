import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { decodeSafetensors, encodeSafetensors, readSafetensors, writeSafetensors, type TensorMap } from '../../kernels/platform/safetensors';
import { tempFolder } from '../idc/data/pngFixtures';

describe('safetensors', () => {
  const tensors: TensorMap = new Map([
    ['b.weight', { shape: [2, 3], data: new Float32Array([1, -2, 3.5, 0, 1e-7, -1e7]) }],
    ['a.bias', { shape: [1], data: new Float32Array([0.25]) }],
  ]);

  it('writes the format byte for byte: header length, sorted JSON header padded to 8 bytes, little-endian F32', () => {
    const bytes = encodeSafetensors(tensors, { format: 'pt' });
    const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    assert.equal((8 + length) % 8, 0);
    const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + length)).toString('utf8'));
    assert.deepEqual(header, {
      __metadata__: { format: 'pt' },
      'a.bias': { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
      'b.weight': { dtype: 'F32', shape: [2, 3], data_offsets: [4, 28] },
    });
    assert.equal(bytes.length, 8 + length + 28);
    assert.equal(new DataView(bytes.buffer).getFloat32(8 + length, true), 0.25);
  });

  it('round-trips through a file and reads F16 and BF16', async () => {
    const dir = tempFolder('st');
    try {
      const file = path.join(dir, 'deep', 'w.safetensors');
      await writeSafetensors(file, tensors, { note: 'x' });
      const back = await readSafetensors(file);
      assert.deepEqual(back.metadata, { note: 'x' });
      assert.deepEqual([...back.tensors.keys()].sort(), ['a.bias', 'b.weight']);
      assert.deepEqual(back.tensors.get('b.weight'), tensors.get('b.weight'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    // 1.5 as F16 is 0x3e00; -2 as BF16 is 0xc000
    const header = Buffer.from(
      JSON.stringify({ h: { dtype: 'F16', shape: [1], data_offsets: [0, 2] }, g: { dtype: 'BF16', shape: [1], data_offsets: [2, 4] } }),
    );
    const bytes = new Uint8Array(8 + header.length + 4);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
    bytes.set(header, 8);
    new DataView(bytes.buffer).setUint16(8 + header.length, 0x3e00, true);
    new DataView(bytes.buffer).setUint16(8 + header.length + 2, 0xc000, true);
    const decoded = decodeSafetensors(bytes, 'half.safetensors').tensors;
    assert.deepEqual([decoded.get('h')?.data[0], decoded.get('g')?.data[0]], [1.5, -2]);
  });

  it('names the file and the field of a broken file', () => {
    assert.throws(() => decodeSafetensors(new Uint8Array(3), 'x.safetensors'), {
      message: 'x.safetensors: expected a safetensors file (8-byte header length first), found 3 bytes',
    });
    const bytes = encodeSafetensors(tensors);
    assert.throws(() => decodeSafetensors(bytes.subarray(0, bytes.length - 4), 'cut.safetensors'), {
      message: 'cut.safetensors: b.weight.data_offsets: [4, 28] does not hold 6 F32 values inside the file',
    });
    const header = Buffer.from(JSON.stringify({ t: { dtype: 'F64', shape: [1], data_offsets: [0, 8] } }));
    const other = new Uint8Array(8 + header.length + 8);
    new DataView(other.buffer).setBigUint64(0, BigInt(header.length), true);
    other.set(header, 8);
    assert.throws(() => decodeSafetensors(other, 'double.safetensors'), {
      message: 'double.safetensors: t.dtype: expected one of F32, F16, BF16, I64, I32, U8, found "F64"',
    });
  });

  it('reads ids and pixels (I64, I32, U8) as exact float32 values', () => {
    const header = Buffer.from(
      JSON.stringify({
        ids: { dtype: 'I64', shape: [2], data_offsets: [0, 16] },
        n: { dtype: 'I32', shape: [1], data_offsets: [16, 20] },
        px: { dtype: 'U8', shape: [4], data_offsets: [20, 24] },
      }),
    );
    const bytes = new Uint8Array(8 + header.length + 24);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(0, BigInt(header.length), true);
    bytes.set(header, 8);
    const at = 8 + header.length;
    view.setBigInt64(at, 50271n, true);
    view.setBigInt64(at + 8, -1n, true);
    view.setInt32(at + 16, 123456, true);
    bytes.set([0, 7, 128, 255], at + 20);
    const { tensors: read } = decodeSafetensors(bytes, 'ints.safetensors');
    assert.deepEqual([...(read.get('ids')?.data ?? [])], [50271, -1]);
    assert.deepEqual([...(read.get('n')?.data ?? [])], [123456]);
    assert.deepEqual([...(read.get('px')?.data ?? [])], [0, 7, 128, 255]);
  });

  it('refuses a tampered file: a hole or an overlap between tensors, bytes after the data, a header that is not an object', () => {
    const file = (header: unknown, dataBytes: number) => {
      const json = Buffer.from(JSON.stringify(header));
      const out = new Uint8Array(8 + json.length + dataBytes);
      new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
      out.set(json, 8);
      return out;
    };
    const f32 = (begin: number) => ({ dtype: 'F32', shape: [1], data_offsets: [begin, begin + 4] });
    assert.throws(() => decodeSafetensors(file({ a: f32(0), b: f32(8) }, 12), 'hole.safetensors'), {
      message: 'hole.safetensors: b.data_offsets: expected to begin at byte 4 (tensors tile the data without holes or overlaps), found 8',
    });
    assert.throws(() => decodeSafetensors(file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: f32(4) }, 8), 'overlap.safetensors'), {
      message: 'overlap.safetensors: b.data_offsets: expected to begin at byte 8 (tensors tile the data without holes or overlaps), found 4',
    });
    assert.throws(
      () => decodeSafetensors(file({ a: f32(0) }, 12), 'tail.safetensors'),
      /^SafetensorsError: tail\.safetensors: expected the tensor data to end the file at byte \d+, found 8 bytes more$/,
    );
    assert.throws(() => decodeSafetensors(file([1, 2], 0), 'list.safetensors'), { message: 'list.safetensors: header: expected a JSON object, found [1,2]' });
    // the writer's own files pass the same checks
    assert.equal(decodeSafetensors(encodeSafetensors(tensors), 'ok.safetensors').tensors.size, tensors.size);
  });
});
