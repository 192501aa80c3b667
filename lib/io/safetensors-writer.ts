/**
 * A safetensors file written tensor by tensor (csrc/io/safetensors_writer.h): every name, dtype and shape is declared
 * when it is opened (the header holds all offsets), then the tensors are appended in that order as they become
 * available, so the caller never holds the whole file's worth at once. The file appears under its name only when
 * `finish()` succeeds; `abort()` (or a failed append) leaves nothing behind.
 */
import { native } from '../tensor/native.js';
import { type DType, DTYPE_CODE } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';


export interface SafetensorsEntrySpec {
  name: string;
  dtype: DType;
  shape: readonly number[];
}

export class SafetensorsWriter {
  readonly #id: number;
  #open = true;

  constructor(readonly path: string, entries: readonly SafetensorsEntrySpec[], metadata: Record<string, string> = {}) {
    this.#id = native().safetensorsWriterOpen(path, entries.map((e) => e.name), entries.map((e) => DTYPE_CODE[e.dtype]), entries.map((e) => [...e.shape]), metadata);
  }

  /** Writes the next declared tensor (off the JS thread). A failure aborts the file. */
  async append(name: string, t: Tensor): Promise<void> {
    try {
      await native().safetensorsWriterAppend(this.#id, name, t.handle);
    } catch (e) {
      this.abort();
      throw e;
    }
  }

  /** Renames the complete file into place. */
  async finish(): Promise<void> {
    this.#open = false;
    await native().safetensorsWriterFinish(this.#id);
  }

  /** Drops the temp file; a no-op once finished or aborted. */
  abort(): void {
    if (!this.#open) return;
    this.#open = false;
    native().safetensorsWriterAbort(this.#id);
  }
}
