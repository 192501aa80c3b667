/**
 * AdamW in the addon (csrc/optim/adamw.cpp): torch.optim.AdamW's update with fp32 master weights and fp32 moments
 * for bf16/fp16 parameters (the reference trains bf16 weights under DeepSpeed, which keeps fp32 masters the same
 * way). Frozen parameters (requiresGrad false) get no state. The learning rate is passed to each step, so the
 * schedule lives in TS (lib/trainer/lr-schedule.ts) and is checkpointed with the trainer state.
 */
import { BYTES_PER_ELEMENT, Tensor } from '../tensor/index.js';
import { native } from '../tensor/native.js';

export interface AdamWOptions {
  /** Default (0.9, 0.999), the reference's DeepSpeed/HF values. */
  betas?: readonly [number, number];
  eps?: number;
  /** Decoupled weight decay (multiplies the weight by 1 - lr*wd each step). Reference: 0. */
  weightDecay?: number;
  /** Keep masters and moments on this device ('cpu' = offload, like the reference's ZeRO-3 CPU offload). */
  stateDevice?: string;
}

export interface ParamStateInfo {
  name: string;
  trainable: boolean;
  /** Steps this parameter has taken (a parameter with no grad at a step does not advance, like torch). */
  step: number;
  hasMaster: boolean;
}

export class AdamW {
  #id: number;
  /** The parameters, by name, in the order given. The optimizer does not own them. */
  readonly params: ReadonlyMap<string, Tensor>;

  constructor(params: ReadonlyMap<string, Tensor> | Record<string, Tensor>, opts: AdamWOptions = {}) {
    const map = params instanceof Map ? params : new Map(Object.entries(params));
    const [beta1, beta2] = opts.betas ?? [0.9, 0.999];
    this.params = map;
    this.#id = native().adamwCreate(
      [...map.keys()],
      [...map.values()].map((t) => t.handle),
      { beta1, beta2, eps: opts.eps ?? 1e-8, weightDecay: opts.weightDecay ?? 0, ...(opts.stateDevice ? { stateDevice: opts.stateDevice } : {}) },
    );
  }

  get id(): number {
    if (this.#id < 0) throw new RangeError('AdamW used after dispose()');
    return this.#id;
  }

  /** One update at learning rate `lr`, off the JS thread. Resolves to the number of parameters updated. */
  step(lr: number): Promise<number> {
    return native().adamwStep(this.id, lr);
  }

  /** Drops all gradients (set to none). */
  zeroGrad(): void {
    native().adamwZeroGrad(this.id);
  }

  /**
   * Scales all gradients so their global L2 norm is at most `maxNorm` (torch.nn.utils.clip_grad_norm_) and returns
   * the pre-clip norm, which is what the reference logs as `grad_norm`. A non-finite norm is returned without
   * touching the gradients: check it and skip the step.
   */
  clipGradNorm(maxNorm: number): Promise<number> {
    return native().adamwClipGradNorm(this.id, maxNorm);
  }

  /** This optimizer's grad norm without clipping (a ZeRO rank combines the ranks' norms: lib/distributed/zero-optimizer). */
  localGradNorm(): Promise<number> {
    return native().adamwLocalGradNorm(this.id);
  }

  /** Multiplies every gradient by `coef` in place. */
  scaleGrads(coef: number): Promise<void> {
    return native().adamwScaleGrads(this.id, coef);
  }

  /**
   * The state as named tensors for a checkpoint: `exp_avg.<p>`, `exp_avg_sq.<p>`, `master.<p>` (bf16/fp16 or
   * offloaded parameters only) and `step.<p>` (int64 scalar). The tensors alias the live state: write them out
   * before the next step, and dispose the handles after.
   */
  exportState(): Record<string, Tensor> {
    const { names, tensors } = native().adamwExportState(this.id);
    const out: Record<string, Tensor> = {};
    names.forEach((n, i) => (out[n] = new Tensor(tensors[i]!)));
    return out;
  }

  /** Restores `exportState()` output (copied into place). Missing or unknown entries throw: resume must be exact. */
  importState(state: Readonly<Record<string, Tensor>>): void {
    const names = Object.keys(state);
    native().adamwImportState(this.id, names, names.map((n) => state[n]!.handle));
  }

  /** Bytes of optimizer state (masters, moments, step counters): what memory reports count as "optimizer". */
  stateBytes(): number {
    let n = 0;
    for (const t of Object.values(this.exportState())) {
      n += t.numel * BYTES_PER_ELEMENT[t.dtype];
      t.dispose();
    }
    return n;
  }

  info(): ParamStateInfo[] {
    return native().adamwInfo(this.id);
  }

  get isDisposed(): boolean {
    return this.#id < 0;
  }
  /** Frees the optimizer state (the parameters are untouched). */
  dispose(): void {
    if (this.#id >= 0) native().adamwFree(this.#id);
    this.#id = -1;
  }
  [Symbol.dispose](): void {
    this.dispose();
  }
}
