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
  chunk?: number;
  entropy?: boolean;
  temperature?: number;
  spgMode?: SpgMode;
}

/**
 * The options of qwenGenerate: every field the binding reads (all optional, defaults in C++; 0 = auto for kvBucket
 * and stopCheckEvery). lib/qwen/qwen.ts passes its GenerateOptions through, so a field it gains belongs here too.
 */
export interface NativeGenerateOptions {
  maxNewTokens?: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
  stopIds?: number[];
  padId?: number;
  spgMode?: SpgMode;
  numReturnSequences?: number;
  repetitionPenalty?: number;
  kvBucket?: number;
  stopCheckEvery?: number;
  staticDecode?: boolean;
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
