/**
 * The addon's Qwen2.5-VL bindings (csrc/napi/qwen_model.cpp). Tensor arguments and results are handles. Part of
 * NativeAddon (lib/native/addon.ts).
 */

export interface NativeQwenInputs {
  inputIds: number;
  attentionMask?: number;
  pixelValues?: number;
  imageGridThw?: number;
  pixelValuesVideos?: number;
  videoGridThw?: number;
  secondPerGridTs?: number;
  positionIds?: number;
  groupSize?: number;
}

export type SpgMode = 'float' | 'truncate';

/** The options of qwenLogprobs / qwenGroupLogprobs: every field the binding reads (all optional, defaults in C++). */
export interface NativeLogprobOptions {
  /** Positions per chunk (all rows at once): extra memory ~ B * chunk * vocab * 4 bytes. Default 64. */
  chunk?: number;
  /** Also return per-token entropy. */
  entropy?: boolean;
  /** Logits are divided by this before the softmax. Default 1. */
  temperature?: number;
  spgMode?: SpgMode;
}

/**
 * The options of qwenGenerate, which QwenVL.generate passes through as they are (its GenerateOptions): every field
 * the binding reads, all optional, defaults in C++.
 */
export interface NativeGenerateOptions {
  maxNewTokens?: number;
  /** 0 (default) = greedy. */
  temperature?: number;
  /** 0 = off. */
  topK?: number;
  /** 1 = off. */
  topP?: number;
  /**
   * Seed of the sampling generator, which draws on the model's device: same seed, same inputs, same device -> same
   * tokens. A CPU and a GPU run of one seed draw different streams.
   */
  seed?: number;
  /** A row ends after emitting one of these (e.g. [151645] = <|im_end|>); the stop token counts in its length. */
  stopIds?: number[];
  /** Written after a row ended. Default 151643. */
  padId?: number;
  spgMode?: SpgMode;
  /**
   * G samples per prompt (GRPO groups). The vision tower and prefill run once per prompt and the KV cache is forked
   * G ways; output rows are prompt-major (row b*G + g). Default 1.
   */
  numReturnSequences?: number;
  /**
   * HF's repetition penalty (1 = off, the default): before temperature/top-k/top-p, the logit of every token already
   * in the row (prompt, its padding and what was generated) is divided by it when positive, multiplied when negative.
   */
  repetitionPenalty?: number;
  /**
   * KV buffers hold prompt + maxNewTokens rounded up to a multiple of this, and decode attends over all of them, so
   * decode shapes do not depend on the prompt length (GPU kernel plans are cached per shape). 0 (default) = auto:
   * 256 on a GPU, 1 on the CPU. Tokens are the same for any value.
   */
  kvBucket?: number;
  /**
   * Decode steps between host-side checks that every row has stopped (each check waits for the device). 0 (default)
   * = auto: 8 on a GPU, 1 on the CPU. Tokens, lengths and log-probs are the same for any value.
   */
  stopCheckEvery?: number;
  /**
   * Decode with fixed tensor addresses (what a CUDA graph replays); the tokens are the same either way. Default true
   * (a ZeRO-3 sharded model always uses the plain step).
   */
  staticDecode?: boolean;
  /** On a GPU, replay the static decode step as a CUDA graph (falls back to eager if capture fails). Default true. */
  cudaGraphs?: boolean;
}

/** What csrc/napi/qwen_sharding.cpp reports after sharding: each block and its trainable flat shard's id. */
export interface NativeModelShards {
  rank: number;
  world: number;
  localBytes: number;
  blocks: { name: string; trainableShard: number | null }[];
}

export interface QwenBindings {
  qwenLoad(dir: string, dtypeCode: number, device: string, lazy?: boolean): Promise<number>;
  qwenFree(id: number): boolean;
  qwenSave(id: number, dir: string): Promise<void>;
  qwenInfo(id: number): { configJson: string; parameterCount: number; names: string[]; dtype: number; device: string };
  qwenParameters(id: number): number[];
  qwenSetGradientCheckpointing(id: number, on: boolean): void;
  qwenCheckpointRecomputations(): number;
  qwenForward(id: number, inputs: NativeQwenInputs, spgMode: SpgMode): Promise<number>;
  qwenHidden(id: number, inputs: NativeQwenInputs, spgMode: SpgMode): Promise<number>;
  qwenEmbed(id: number, inputs: NativeQwenInputs): Promise<number>;
  qwenVisionFeatures(id: number, pixelValues: number, gridThw: number, trace: boolean): Promise<number[]>;
  qwenRopeIndex(id: number, inputs: NativeQwenInputs, spgMode: SpgMode): number[];
  qwenLogprobs(id: number, inputs: NativeQwenInputs, completion: number, opts: NativeLogprobOptions): Promise<number[]>;
  qwenGroupLogprobs(id: number, prompt: NativeQwenInputs, completion: number, opts: NativeLogprobOptions): Promise<number[]>;
  qwenGenerate(id: number, inputs: NativeQwenInputs, opts: NativeGenerateOptions): Promise<number[]>;
  qwenShard(id: number, groupId: number, trainable: string[], syncFromRoot: boolean): Promise<NativeModelShards>;
  qwenFinishBackward(id: number): Promise<void>;
  qwenReleaseBindings(id: number): void;
  qwenShardBytes(id: number): number;
  qwenShardGathers(id: number): [number, number];
  qwenVisionLayout(id: number, gridThw: number): { windowIndex: number[]; cuWindow: number[]; cuFull: number[]; rotAngles: number };
}
