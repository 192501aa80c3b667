/**
 * A TensorBoard event-file writer in plain TypeScript (no TensorFlow): scalars only, which is what training
 * curves need. An event file is a sequence of TFRecords:
 *   uint64 length (LE) | uint32 masked_crc32c(length bytes) | data | uint32 masked_crc32c(data)
 * and each record's data is a serialized `tensorflow.Event` protobuf, hand-encoded here:
 *   Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
 *   Summary { repeated Value value = 1; }   Value { string tag = 1; float simple_value = 2; }
 * The first record carries file_version "brain.Event:2", as TensorFlow's writers emit.
 * A resumed run writes `SessionLog{status: START}` (Event.session_log, field 7) at its first step: TensorBoard then drops the
 * earlier run's events at or after that step, so curves do not show the replayed steps twice.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

import { maskedCrc32c } from './crc32c.js';

// ---- protobuf wire format (the few pieces Event needs) -----------------------------------------------------------
function varint(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n)); // negative int64 -> two's complement, 10 bytes, as protobuf does
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}
const key = (field: number, wire: number) => varint((field << 3) | wire);
function lenField(field: number, bytes: Uint8Array | number[]): number[] {
  return [...key(field, 2), ...varint(bytes.length), ...bytes];
}
function doubleField(field: number, v: number): number[] {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v, true);
  return [...key(field, 1), ...b];
}
function floatField(field: number, v: number): number[] {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, v, true);
  return [...key(field, 5), ...b];
}
const utf8 = (s: string) => new TextEncoder().encode(s);

/** Serializes an Event with either a file_version or a list of scalar values. */
export function encodeEvent(ev: { wallTime: number; step: number; fileVersion?: string; scalars?: Readonly<Record<string, number>>; sessionStart?: boolean }): Uint8Array {
  const bytes = [...doubleField(1, ev.wallTime), ...key(2, 0), ...varint(ev.step)];
  if (ev.fileVersion !== undefined) bytes.push(...lenField(3, utf8(ev.fileVersion)));
  // SessionLog { SessionStatus status = 1 } with START = 1
  if (ev.sessionStart) bytes.push(...lenField(7, [...key(1, 0), 1]));
  if (ev.scalars) {
    const summary: number[] = [];
    for (const [tag, v] of Object.entries(ev.scalars)) summary.push(...lenField(1, [...lenField(1, utf8(tag)), ...floatField(2, v)]));
    bytes.push(...lenField(5, summary));
  }
  return Uint8Array.from(bytes);
}

/** Frames `data` as one TFRecord. */
export function tfrecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + data.length + 4);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(data.length), true);
  dv.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  dv.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

let fileCounter = 0;

export class TensorBoardWriter {
  #fd: number;
  readonly path: string;

  /** Creates `dir/events.out.tfevents.<seconds>.<host>.<pid>.<n>` (TensorBoard reads every such file in `dir`). */
  constructor(dir: string, { now = Date.now() }: { now?: number } = {}) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, `events.out.tfevents.${Math.floor(now / 1000)}.${hostname()}.${process.pid}.${fileCounter++}`);
    this.#fd = openSync(this.path, 'ax'); // a new file, created exclusively: never appended through a planted link
    this.#write(encodeEvent({ wallTime: now / 1000, step: 0, fileVersion: 'brain.Event:2' }));
  }

  /** One event with every finite scalar of `values` at `step` (non-finite values are skipped: TB cannot plot them). */
  addScalars(step: number, values: Readonly<Record<string, number | null | undefined>>, wallTime = Date.now() / 1000): void {
    const scalars: Record<string, number> = {};
    for (const [k, v] of Object.entries(values)) if (typeof v === 'number' && Number.isFinite(v)) scalars[k] = v;
    if (Object.keys(scalars).length) this.#write(encodeEvent({ wallTime, step, scalars }));
  }

  /** Marks a restart at `firstStep` (the first step this run will log): TensorBoard purges older events from there. */
  markRestart(firstStep: number, wallTime = Date.now() / 1000): void {
    this.#write(encodeEvent({ wallTime, step: firstStep, sessionStart: true }));
  }

  #write(data: Uint8Array): void {
    if (this.#fd < 0) throw new Error(`TensorBoardWriter(${this.path}): write after close()`);
    writeSync(this.#fd, tfrecord(data));
  }

  close(): void {
    if (this.#fd >= 0) closeSync(this.#fd);
    this.#fd = -1;
  }
}
