// The Qwen2 decoder of Qwen2.5-VL (spec §3.3-3.4): M-RoPE, GQA attention with q/k/v bias, SwiGLU, RMSNorm, with an
// optional KV cache so the same code serves prefill, decode and full (training) forwards.
#pragma once
#include <ATen/ATen.h>

#include <vector>

#include "qwen/config.h"
#include "qwen/weights.h"

namespace rarft::qwen {
class ModelSharding;
}

namespace rarft::qwen {

// Per-layer keys (after RoPE) and values, [B, n_kv, S, hd]. After Reserve(), appends write into preallocated
// buffers instead of re-concatenating the whole cache every decode step.
// With `fixed_shape`, attention reads the WHOLE reserved buffer (capacity keys, the unwritten tail excluded by the
// causal mask) and the key mask covers the capacity too, so every decode step has the same shapes whatever the prompt
// length: GPU kernels pick plans per shape (cuDNN attention builds one per (query, key) length), and a growing key
// length made every new prompt length pay those builds again (docs/training.md, "Rollout speed").
struct KvCache {
  std::vector<at::Tensor> k, v;  // the valid prefix [.., 0:len, ..] (views into the buffers once reserved)
  std::vector<at::Tensor> kbuf, vbuf;
  int64_t len = 0;
  bool fixed_shape = false;
  int64_t length() const { return len; }
  // Positions reserved (0 before Reserve).
  int64_t capacity() const { return kbuf.empty() || !kbuf[0].defined() ? 0 : kbuf[0].size(2); }
  // Grows every layer's buffer to hold `capacity` positions (copies what is cached).
  void Reserve(int64_t capacity);
  // Repeats every batch row `times` times consecutively (row b -> rows b*times .. b*times+times-1): prefix sharing.
  void RepeatRows(int64_t times);
};

// The two halves of a decoder layer around its attention, shared by DecoderForward and the shared-prefix forward
// (grouped_logprobs.cpp) so both compute exactly the same ops.
struct LayerQKV {
  at::Tensor q, k, v;  // [B, nh | nkv, s, hd], q and k rotated
};
// input RMSNorm -> q/k/v projections (with bias) -> M-RoPE on q and k, for x [B, s, d] and cos/sin of its positions.
LayerQKV LayerProjections(const DecoderLayerWeights& L, double eps, int64_t nh, int64_t nkv, int64_t hd,
                          const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin);
// x + o_proj(attention output o [B, nh, s, hd]), then the post-attention RMSNorm + SwiGLU MLP residual.
at::Tensor LayerOutput(const DecoderLayerWeights& L, double eps, int64_t nh, int64_t hd, const at::Tensor& x,
                       const at::Tensor& o);

// cos/sin [B, 1, s, hd] in `dtype` from position_ids [3, B, s]: angles in fp32 (one multiply), the mrope section
// of each rotary pair picks its row (t/h/w), then cast to the activation dtype (spec §3.3, §7.1).
std::pair<at::Tensor, at::Tensor> MropeCosSin(const TextConfig& t, const at::Tensor& position_ids,
                                              at::ScalarType dtype);

// x [B, s, d] embeddings of the s new tokens; position_ids [3, B, s]; key_mask [B, S_past + s] (1 = real token,
// 0 = padding) covering cached and new keys. Appends to `cache` when given. Returns the final-normed hidden states
// [B, s, d]. `checkpoint` recomputes each layer in backward instead of keeping its activations (ignored with a cache).
// With a cache in fixed_shape mode, `key_mask` is [B, capacity] (entries past the cached + new tokens are ignored).
// `sharding` (ZeRO-3): each layer runs through ModelSharding::RunBlock (gathered around its use; always recomputed).
at::Tensor DecoderForward(const TextWeights& w, const TextConfig& t, at::Tensor x, const at::Tensor& position_ids,
                          const at::Tensor& key_mask, KvCache* cache, bool checkpoint = false,
                          ModelSharding* sharding = nullptr);

}  // namespace rarft::qwen
