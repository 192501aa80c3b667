/** Test helper: reads a TensorBoard event file, checking both CRCs of every record, and decodes the Event fields we write. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

import { maskedCrc32c } from '../../lib/logging/crc32c.js';

// ---- a minimal reader: TFRecords with CRC checks, then Event/Summary/Value protobuf fields -----------------------
export interface Decoded {
  wallTime: number;
  step: number;
  fileVersion?: string;
  /** SessionLog.status when the event carries one (1 = START). */
  sessionStatus?: number;
  scalars: Record<string, number>;
}
function readVarint(b: Uint8Array, pos: number): [bigint, number] {
  let v = 0n;
  let shift = 0n;
  for (;;) {
    const byte = b[pos++]!;
    v |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
    if (!(byte & 0x80)) return [v, pos];
  }
}
function fields(b: Uint8Array): { field: number; wire: number; value: bigint | Uint8Array; at: number }[] {
  const out: { field: number; wire: number; value: bigint | Uint8Array; at: number }[] = [];
  let pos = 0;
  while (pos < b.length) {
    const [k, p1] = readVarint(b, pos);
    const field = Number(k >> 3n);
    const wire = Number(k & 7n);
    if (wire === 0) {
      const [v, p2] = readVarint(b, p1);
      out.push({ field, wire, value: v, at: p1 });
      pos = p2;
    } else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      out.push({ field, wire, value: b.subarray(p1, p1 + n), at: p1 });
      pos = p1 + n;
    } else if (wire === 2) {
      const [len, p2] = readVarint(b, p1);
      out.push({ field, wire, value: b.subarray(p2, p2 + Number(len)), at: p2 });
      pos = p2 + Number(len);
    } else throw new Error(`unexpected wire type ${wire}`);
  }
  return out;
}
const f64 = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true);
const f32 = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, 4).getFloat32(0, true);
export function readEventFile(path: string): Decoded[] {
  const buf = new Uint8Array(readFileSync(path));
  const dv = new DataView(buf.buffer, buf.byteOffset);
  const out: Decoded[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const len = Number(dv.getBigUint64(pos, true));
    expect(dv.getUint32(pos + 8, true)).toBe(maskedCrc32c(buf.subarray(pos, pos + 8)));
    const data = buf.subarray(pos + 12, pos + 12 + len);
    expect(dv.getUint32(pos + 12 + len, true)).toBe(maskedCrc32c(data));
    pos += 16 + len;
    const ev: Decoded = { wallTime: NaN, step: NaN, scalars: {} };
    for (const f of fields(data)) {
      if (f.field === 1) ev.wallTime = f64(f.value as Uint8Array);
      else if (f.field === 2) ev.step = Number(f.value as bigint);
      else if (f.field === 3) ev.fileVersion = new TextDecoder().decode(f.value as Uint8Array);
      else if (f.field === 7) ev.sessionStatus = Number(fields(f.value as Uint8Array).find((p) => p.field === 1)?.value ?? 0n);
      else if (f.field === 5)
        for (const v of fields(f.value as Uint8Array)) {
          const parts = fields(v.value as Uint8Array);
          const tag = new TextDecoder().decode(parts.find((p) => p.field === 1)!.value as Uint8Array);
          ev.scalars[tag] = f32(parts.find((p) => p.field === 2)!.value as Uint8Array);
        }
    }
    out.push(ev);
  }
  return out;
}

