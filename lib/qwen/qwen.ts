/**
 * QwenVL: the Qwen2.5-VL policy (Qwen2_5_VLForConditionalGeneration) running in the addon. Loads an HF checkpoint
 * folder (config.json + model.safetensors or shards; legacy or `model.language_model.*` names), runs the vision tower,
 * 3-D M-RoPE positions and the decoder, and saves back in HF's legacy layout.
 *
 * `spgMode` selects the temporal position rule for videos (spec §3.2, §9): 'float' = HF 4.49-4.51 (Time-R1) and
 * the installed 5.2x; 'truncate' = HF 4.52-5.17 (second_per_grid_ts truncated to an integer).
 */
import { DTYPE_CODE, type FloatDType } from '../tensor/dtype.js';
import type { Device } from '../tensor/factory.js';
import { Tensor } from '../tensor/tensor.js';
import { FlatShard } from '../distributed/flat-shard.js';
import type { ProcessGroup } from '../distributed/process-group.js';
import { loadQwenConfig, type QwenVLConfig } from './config.js';
import type { NativeGenerateOptions, NativeLogprobOptions, NativeQwenInputs, SpgMode } from '../native/bindings/qwen.js';
import { native } from '../tensor/native.js';

export type { SpgMode } from '../native/bindings/qwen.js';

export interface QwenInputs {
  /** [B, L] token ids, LEFT padded for batches (spec §3.5). */
  inputIds: Tensor<'int64'>;
  /** [B, L], 1 = real token, 0 = padding. Absent = all ones. */
  attentionMask?: Tensor<'int64'> | Tensor<'int32'> | Tensor<'bool'>;
  /** [Σ patches, C*TP*P*P] image pixel rows (spec §2.1), all images of the batch in order. */
  pixelValues?: Tensor<'float32'>;
  imageGridThw?: Tensor<'int64'>;
  pixelValuesVideos?: Tensor<'float32'>;
  videoGridThw?: Tensor<'int64'>;
  /** [n_videos] seconds per temporal grid step (2 / sample_fps). Absent = 1.0 (what Time-R1's log-prob pass does). */
  secondPerGridTs?: Tensor<'float32'>;
  /** [3, B, L] position override; absent = computed from the inputs. */
  positionIds?: Tensor<'int64'>;
  /**
   * GRPO groups: rows b*G .. b*G+G-1 are G completions of prompt b, and the pixel values / grids / spg list only the
   * B/G distinct prompts' items. The vision tower then runs once per prompt. Default 1.
   */
  groupSize?: number;
}

export interface QwenLoadOptions {
  dtype?: 'float32' | 'bfloat16' | 'float16';
  device?: Device;
  /** Default temporal rule for forward/ropeIndex (overridable per call). Default 'float'. */
  spgMode?: SpgMode;
}

/** The options of `logprobs` / `groupLogprobs`: passed to the binding as they are (lib/native/bindings/qwen.ts). */
export type LogprobOptions = NativeLogprobOptions;

/** Per-token log-probs [B, T] (fp32), and the entropy when asked for. */
export interface LogprobResult {
  logprobs: Tensor<'float32'>;
  entropy?: Tensor<'float32'>;
}

/** The options of `generate`: they go to the binding as they are (the one declaration is in lib/native/bindings/qwen.ts). */
export type GenerateOptions = NativeGenerateOptions;

export interface GenerateResult {
  /** [B*G, N] new tokens (N ≤ maxNewTokens), padId after a row's stop token; G = numReturnSequences. */
  tokens: Tensor<'int64'>;
  /** [B] tokens up to and including the stop token. */
  lengths: Tensor<'int64'>;
  /** [B, N] log p of each chosen token under softmax(logits / temperature) (temperature 1 when greedy); 0 after stop. */
  logprobs: Tensor<'float32'>;
}

export interface VisionTrace {
  features: Tensor<FloatDType>;
  patchEmbed: Tensor<FloatDType>;
  /** Output of each vision block, in window order. */
  blocks: Tensor<FloatDType>[];
}

/** The log-prob bindings resolve with [logprobs, entropy?] handles. */
function logprobResult([logprobs, entropy]: number[]): LogprobResult {
  return { logprobs: new Tensor(logprobs!, 'float32'), entropy: entropy === undefined ? undefined : new Tensor(entropy, 'float32') };
}

function toNative(i: QwenInputs): NativeQwenInputs {
  return {
    inputIds: i.inputIds.handle,
    attentionMask: i.attentionMask?.handle,
    pixelValues: i.pixelValues?.handle,
    imageGridThw: i.imageGridThw?.handle,
    pixelValuesVideos: i.pixelValuesVideos?.handle,
    videoGridThw: i.videoGridThw?.handle,
    secondPerGridTs: i.secondPerGridTs?.handle,
    positionIds: i.positionIds?.handle,
    groupSize: i.groupSize,
  };
}

/** A sharded model's blocks; `trainable` is the block's trainable flat shard (the optimizer updates its local slice). */
export interface ModelShards {
  rank: number;
  world: number;
  /** Bytes of parameter slices this rank holds (trainable + frozen). */
  localBytes: number;
  blocks: { name: string; trainable: FlatShard | null }[];
}

export class QwenVL {
  #id: number;
  #sharded = false;
  readonly dir: string;
  readonly config: QwenVLConfig;
  readonly dtype: FloatDType;
  readonly device: string;
  spgMode: SpgMode;

  private constructor(id: number, dir: string, config: QwenVLConfig, dtype: FloatDType, device: string, spgMode: SpgMode) {
    this.#id = id;
    this.dir = dir;
    this.config = config;
    this.dtype = dtype;
    this.device = device;
    this.spgMode = spgMode;
  }

  /** Loads `dir` (config validated here first, so a bad field is reported with the file and field). */
  static async load(dir: string, opts: QwenLoadOptions = {}): Promise<QwenVL> {
    const config = loadQwenConfig(dir);
    const dtype = opts.dtype ?? 'float32';
    const device = opts.device ?? 'cpu';
    const id = await native().qwenLoad(dir, DTYPE_CODE[dtype], device);
    return new QwenVL(id, dir, config, dtype, device, opts.spgMode ?? 'float');
  }

  get #handle(): number {
    if (this.#id < 0) throw new Error('QwenVL used after dispose()');
    return this.#id;
  }

  /**
   * Writes config.json + model.safetensors (legacy HF names, the model's dtype) into `dir`. Sharded: a collective
   * that gathers the weights; every rank must call it, and only rank 0 writes (the others' `dir` is ignored).
   */
  async save(dir: string): Promise<void> {
    await native().qwenSave(this.#handle, dir);
  }

  /** logits [B, L, vocab] in the model dtype. */
  async forward(inputs: QwenInputs, spgMode: SpgMode = this.spgMode): Promise<Tensor<FloatDType>> {
    return new Tensor(await native().qwenForward(this.#handle, toNative(inputs), spgMode));
  }

  /** Final-normed hidden states [B, L, d] (the LM head's input). */
  async hidden(inputs: QwenInputs, spgMode: SpgMode = this.spgMode): Promise<Tensor<FloatDType>> {
    return new Tensor(await native().qwenHidden(this.#handle, toNative(inputs), spgMode));
  }

  /**
   * Per-token log-probs [B, T] (fp32) of `completion` [B, T], which must be the last T columns of `inputs.inputIds`
   * (prompt + completion, left padded). Computed in chunks over T (the [B, T, V] fp32 logits never exist, the
   * backward recomputes them per chunk); differentiable w.r.t. the parameters that require grad.
   */
  async logprobs(
    inputs: QwenInputs,
    completion: Tensor<'int64'>,
    opts: LogprobOptions = {},
  ): Promise<LogprobResult> {
    const opt = { spgMode: this.spgMode, ...opts };
    return logprobResult(await native().qwenLogprobs(this.#handle, toNative(inputs), completion.handle, opt));
  }

  /**
   * The same log-probs for G completions of ONE prompt, with the prompt computed once instead of G times (a
   * shared-prefix forward, csrc/qwen/grouped_logprobs.h): `prompt` is the single prompt row with its video/image,
   * `completion` is [G, T]. Equal to `logprobs` on the G concatenated rows; gradients too. Completions must not
   * contain vision placeholder tokens.
   */
  async groupLogprobs(
    prompt: QwenInputs,
    completion: Tensor<'int64'>,
    opts: LogprobOptions = {},
  ): Promise<LogprobResult> {
    const opt = { spgMode: this.spgMode, ...opts };
    return logprobResult(await native().qwenGroupLogprobs(this.#handle, toNative(prompt), completion.handle, opt));
  }

  /** KV-cache generation (no autograd): greedy or sampled; prompts must be left padded. */
  async generate(inputs: QwenInputs, opts: GenerateOptions = {}): Promise<GenerateResult> {
    const [t, l, p] = await native().qwenGenerate(this.#handle, toNative(inputs), { spgMode: this.spgMode, ...opts });
    return { tokens: new Tensor(t!, 'int64'), lengths: new Tensor(l!, 'int64'), logprobs: new Tensor(p!, 'float32') };
  }

  /** Token embeddings with the visual features scattered in at the placeholder tokens. */
  async embed(inputs: QwenInputs): Promise<Tensor<FloatDType>> {
    return new Tensor(await native().qwenEmbed(this.#handle, toNative(inputs)));
  }

  /** Vision features [Σ N_i/4, d] for one call (all images, or all videos), in item order. */
  async visionFeatures(pixelValues: Tensor<'float32'>, gridThw: Tensor<'int64'>): Promise<Tensor<FloatDType>> {
    const hs = await native().qwenVisionFeatures(this.#handle, pixelValues.handle, gridThw.handle, false);
    return new Tensor(hs[0]!);
  }

  /** Vision features plus the patch-embed and per-block outputs (for parity checks). */
  async visionTrace(pixelValues: Tensor<'float32'>, gridThw: Tensor<'int64'>): Promise<VisionTrace> {
    const hs = await native().qwenVisionFeatures(this.#handle, pixelValues.handle, gridThw.handle, true);
    const ts = hs.map((h) => new Tensor<FloatDType>(h));
    return { features: ts[0]!, patchEmbed: ts[1]!, blocks: ts.slice(2) };
  }

  /** 3-D positions [3, B, L] (padding slots = 1) and rope deltas [B, 1] = max position + 1 - L. */
  ropeIndex(inputs: QwenInputs, spgMode: SpgMode = this.spgMode): { positionIds: Tensor<'int64'>; ropeDeltas: Tensor<'int64'> } {
    const [p, d] = native().qwenRopeIndex(this.#handle, toNative(inputs), spgMode);
    return { positionIds: new Tensor(p!, 'int64'), ropeDeltas: new Tensor(d!, 'int64') };
  }

  /** Window order, window and full-attention boundaries (patch rows) and the 2-D rotary angles for a grid list. */
  visionLayout(gridThw: Tensor<'int64'>): { windowIndex: number[]; cuWindow: number[]; cuFull: number[]; rotAngles: Tensor<'float32'> } {
    const r = native().qwenVisionLayout(this.#handle, gridThw.handle);
    return { ...r, rotAngles: new Tensor(r.rotAngles, 'float32') };
  }

  get parameterCount(): number {
    return native().qwenInfo(this.#handle).parameterCount;
  }

  /** Parameter names in checkpoint order (legacy HF names). */
  parameterNames(): string[] {
    return native().qwenInfo(this.#handle).names;
  }

  /** The live parameter tensors (same storage as the model: updates are seen by forward), in `parameterNames` order. */
  parameters(): Tensor<FloatDType>[] {
    return native().qwenParameters(this.#handle).map((h) => new Tensor<FloatDType>(h));
  }

  /**
   * Activation checkpointing for training: each vision block and decoder layer keeps only its input and is recomputed
   * during backward. Parameter gradients accumulate into `.grad` (use `loss.backward()`).
   */
  setGradientCheckpointing(on: boolean): void {
    native().qwenSetGradientCheckpointing(this.#handle, on);
  }

  /**
   * Loads a checkpoint straight into ZeRO-3 shards: the files are memory-mapped and each block's slice for this rank
   * is packed from the mapping in `dtype`, so a rank never holds the full model (ranks on one node share the page
   * cache). Collective. Same result as `load` then `shard` (test/qwen/sharded.test.ts).
   */
  static async loadSharded(
    dir: string,
    group: ProcessGroup,
    trainable: readonly string[] | ((names: string[]) => readonly string[]),
    opts: QwenLoadOptions & { syncFromRoot?: boolean } = {},
  ): Promise<{ model: QwenVL; shards: ModelShards }> {
    const config = loadQwenConfig(dir);
    const dtype = opts.dtype ?? 'float32';
    const device = opts.device ?? 'cpu';
    const model = new QwenVL(await native().qwenLoad(dir, DTYPE_CODE[dtype], device, true), dir, config, dtype, device, opts.spgMode ?? 'float');
    try {
      const names = typeof trainable === 'function' ? trainable(model.parameterNames()) : trainable;
      return { model, shards: await model.shard(group, names, { syncFromRoot: opts.syncFromRoot ?? false }) };
    } catch (e) {
      model.dispose();
      throw e;
    }
  }

  /**
   * ZeRO-3 (csrc/qwen/sharding.h): from now on this rank keeps 1/world of every parameter in flat per-block shards
   * (each decoder layer, each vision block, and "rest"); a block's full weights exist only while it runs, forwards
   * with grad recompute each block in backward and reduce-scatter its grads into the block's trainable shard, and
   * generate() gathers the model once per call. `trainable` names get grads; all others are frozen. Collective.
   * After a grad-mode forward + backward call finishBackward() (collective) before reading the shards' grads.
   */
  async shard(group: ProcessGroup, trainable: readonly string[], { syncFromRoot = true } = {}): Promise<ModelShards> {
    const id = this.#handle;
    const d = await group.enqueue(() => native().qwenShard(id, group.id, [...trainable], syncFromRoot));
    this.#sharded = true;
    return {
      rank: d.rank,
      world: d.world,
      localBytes: d.localBytes,
      blocks: d.blocks.map((b) => ({ name: b.name, trainable: b.trainableShard === null ? null : FlatShard.adopt(b.trainableShard, group) })),
    };
  }

  get isSharded(): boolean {
    return this.#sharded;
  }

  /** Sharded: the "rest" block's grads reduce-scattered into its shard and every binding released (collective). */
  finishBackward(group: ProcessGroup): Promise<void> {
    const id = this.#handle;
    return group.enqueue(() => native().qwenFinishBackward(id));
  }

  /** Sharded: drops what grad-mode forwards kept gathered, without communicating (a skipped step). */
  releaseBindings(): void {
    native().qwenReleaseBindings(this.#handle);
  }

  /** Sharded: block all-gathers so far, and how many of them a prefetch had already started. */
  shardGathers(): { gathers: number; prefetched: number } {
    const [gathers, prefetched] = native().qwenShardGathers(this.#handle);
    return { gathers, prefetched };
  }

  /** Bytes of parameter slices this rank holds (0 when not sharded). */
  shardBytes(): number {
    return native().qwenShardBytes(this.#handle);
  }

  dispose(): void {
    if (this.#id < 0) return;
    native().qwenFree(this.#id);
    this.#id = -1;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
