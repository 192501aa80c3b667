/**
 * The SBERT part of the native addon (csrc/napi/sbert_encoder.cpp). Encoders are numeric ids; tensors are handles.
 * Part of NativeAddon (lib/native/addon.ts).
 */

/** What the native loader needs; made by loadSbertConfig (every field required, so both sides agree). */
export interface NativeSbertConfig {
  /** 'bert' (all-MiniLM-L6-v2) or 'mpnet' (all-mpnet-base-v2): see csrc/sbert/bert_config.h. */
  arch: 'bert' | 'mpnet';
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  intermediateSize: number;
  maxPositionEmbeddings: number;
  /** BERT's token-type table size; 0 for MPNet. */
  typeVocabSize: number;
  /** config.json pad_token_id: padding id, and where MPNet's position ids start counting. */
  padTokenId: number;
  /** MPNet's relative-attention buckets; 0 for BERT. */
  relativeAttentionNumBuckets: number;
  vocabSize: number;
  layerNormEps: number;
  pooling: 'mean' | 'cls' | 'max' | 'mean_sqrt_len';
  normalize: boolean;
}

export interface SbertBindings {
  /** Loads model.safetensors onto `device` ('cpu' default); resolves with the encoder id. */
  sbertLoad(safetensorsPath: string, config: NativeSbertConfig, device?: string): Promise<number>;
  /** ids, mask: handles of [B, L] int64 tensors; resolves with the handle of [B, hidden] float32 embeddings. */
  sbertEncode(id: number, ids: number, mask: number): Promise<number>;
  /** Last-layer token states [B, L, hidden] (before pooling). */
  sbertHidden(id: number, ids: number, mask: number): Promise<number>;
  sbertInfo(id: number): { parameters: number; hiddenSize: number; device: string };
  /** false when already disposed. */
  sbertDispose(id: number): boolean;
}
