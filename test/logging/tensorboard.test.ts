/**
 * TensorBoard events: CRC-32C against published vectors (RFC 3720 B.4 and "123456789"), a byte-exact Event
 * encoding worked out by hand, and a decoder that reads our own file back and checks every record's CRCs.
 * Cross-checked once by hand (not at test time; Python is not a test dependency): tensorboard 2.21's protobuf
 * serializes the same Event to exactly the bytes below, and its EventAccumulator reads a TensorBoardWriter file back
 * with the right tags, steps (incl. 300), wall times and float32 values.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { crc32c, maskedCrc32c } from '../../lib/logging/crc32c.js';
import { TensorBoardWriter, encodeEvent, tfrecord } from '../../lib/logging/tensorboard.js';
import { readEventFile } from './event-reader.js';

describe('crc32c', () => {
  it('matches the published check values', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa); // RFC 3720: 32 bytes of 0x00
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43); // 32 bytes of 0xFF
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e); // 0x00..0x1F
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });
  it('masks as TensorFlow does: ror15 + 0xa282ead8', () => {
    // c = 0xE3069283: c >>> 15 = 0x1C60D; (c << 17) mod 2^32 = 0x1283 << 17 = 0x25060000; or = 0x2507C60D;
    // + 0xA282EAD8 = 0xC78AB0E5
    expect(maskedCrc32c(new TextEncoder().encode('123456789'))).toBe(0xc78ab0e5);
  });
});

describe('Event encoding', () => {
  it('is byte-exact for a scalar event', () => {
    // wall_time 1.5: key 0x09, double LE 00 00 00 00 00 00 F8 3F; step 3: key 0x10, varint 03;
    // Value {tag "loss": 0A 04 6C 6F 73 73, simple_value 0.25f: 15 00 00 80 3E} = 11 bytes;
    // Summary {value: 0A 0B <11>} = 13 bytes; Event.summary: 2A 0D <13>
    expect(Array.from(encodeEvent({ wallTime: 1.5, step: 3, scalars: { loss: 0.25 } }))).toEqual([
      0x09, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f, 0x10, 0x03, 0x2a, 0x0d, 0x0a, 0x0b, 0x0a, 0x04, 0x6c, 0x6f, 0x73, 0x73, 0x15, 0x00, 0x00, 0x80, 0x3e,
    ]);
  });
  it('encodes large steps as multi-byte varints', () => {
    // 300 = 0b1_0010_1100 -> AC 02
    expect(Array.from(encodeEvent({ wallTime: 0, step: 300 }).subarray(9))).toEqual([0x10, 0xac, 0x02]);
  });
  it('frames a TFRecord: length, masked CRC of the length, data, masked CRC of the data', () => {
    const data = new TextEncoder().encode('123456789');
    const rec = tfrecord(data);
    const dv = new DataView(rec.buffer);
    expect(rec.length).toBe(8 + 4 + 9 + 4);
    expect(dv.getBigUint64(0, true)).toBe(9n);
    expect(dv.getUint32(8, true)).toBe(maskedCrc32c(rec.subarray(0, 8)));
    expect(dv.getUint32(21, true)).toBe(0xc78ab0e5);
  });
});

describe('TensorBoardWriter', () => {
  it('writes a file_version event then one event per step; every CRC checks out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rarft-tb-'));
    const w = new TensorBoardWriter(dir, { now: 1_700_000_000_500 });
    expect(basename(w.path)).toMatch(/^events\.out\.tfevents\.1700000000\./);
    w.addScalars(1, { loss: -0.2, reward: 1.55625, 'rewards/format_reward': 1, kl: Number.NaN }, 1_700_000_001);
    w.addScalars(2, { loss: 0.125, learning_rate: 1e-6 }, 1_700_000_002);
    w.addScalars(3, { kl: null }, 1_700_000_003); // nothing finite: no event
    w.close();
    const evs = readEventFile(w.path);
    expect(evs.length).toBe(3);
    expect(evs[0]).toEqual({ wallTime: 1_700_000_000.5, step: 0, fileVersion: 'brain.Event:2', scalars: {} });
    expect(evs[1]!.step).toBe(1);
    expect(evs[1]!.wallTime).toBe(1_700_000_001);
    expect(Object.keys(evs[1]!.scalars)).toEqual(['loss', 'reward', 'rewards/format_reward']); // NaN kl dropped
    expect(evs[1]!.scalars.loss).toBeCloseTo(-0.2, 7); // stored as float32
    expect(evs[1]!.scalars.reward).toBe(Math.fround(1.55625));
    expect(evs[2]).toEqual({ wallTime: 1_700_000_002, step: 2, scalars: { loss: 0.125, learning_rate: Math.fround(1e-6) } });
  });
});

describe('restart marker', () => {
  it('encodes SessionLog{status: START} as Event.session_log (field 7)', () => {
    // Event: wall_time 0 (09 + 8 zero bytes), step 7 (10 07), session_log: key (7 << 3) | 2 = 0x3A, length 2, {08 01}.
    // (tensorboard 2.21's protobuf gives 10 07 3A 02 08 01 for the same event; it omits the zero wall_time.)
    expect(Array.from(encodeEvent({ wallTime: 0, step: 7, sessionStart: true }))).toEqual([0x09, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0x07, 0x3a, 0x02, 0x08, 0x01]);
    const dir = mkdtempSync(join(tmpdir(), 'rarft-tb-'));
    const w = new TensorBoardWriter(dir);
    w.markRestart(7, 5);
    w.close();
    expect(readEventFile(w.path)[1]).toEqual({ wallTime: 5, step: 7, sessionStatus: 1, scalars: {} });
  });
});
