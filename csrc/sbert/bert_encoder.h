// A BERT-family encoder + sentence pooling for sentence-transformers models: BertModel checkpoints
// (all-MiniLM-L6-v2) and MPNetModel checkpoints (all-mpnet-base-v2). Embeddings and LayerNorm, N post-LN encoder
// layers (masked self-attention [+ MPNet's relative-position bias], exact-erf GELU FFN), pooling over the attention
// mask, optional L2 normalisation (see bert_config.h for what differs between the two).
// Inference only (fp32 weights, no dropout, no autograd). Thread-safe: Encode only reads the weights, so one
// encoder can serve concurrent async calls.
#pragma once
#include <ATen/ATen.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sbert/bert_config.h"

namespace rarft::sbert {

struct BertLayer {
  at::Tensor qkv_w, qkv_b;  // query/key/value fused into one [3H, H] matmul: one GEMM instead of three
  at::Tensor attn_out_w, attn_out_b, attn_ln_w, attn_ln_b;
  at::Tensor ffn_in_w, ffn_in_b, ffn_out_w, ffn_out_b, ffn_ln_w, ffn_ln_b;
};

class BertEncoder {
 public:
  // Looks a tensor up by its checkpoint name; returns an undefined tensor when absent.
  using WeightLookup = std::function<at::Tensor(const std::string&)>;

  // Builds the encoder from named weights (HF BertModel / MPNetModel names, with or without a "bert." / "mpnet."
  // prefix), copied to
  // `device` as fp32. Throws std::invalid_argument naming a missing or mis-shaped weight.
  static std::shared_ptr<BertEncoder> FromWeights(const BertConfig& config, const WeightLookup& lookup,
                                                   const at::Device& device);

  // ids, mask: [B, L] integer tensors (mask 1 = token, 0 = padding; padding on the right or anywhere).
  // Returns [B, hidden] fp32 sentence embeddings on the encoder's device.
  at::Tensor Encode(const at::Tensor& ids, const at::Tensor& mask) const;

  // Per-token hidden states of the last layer, [B, L, hidden] (before pooling), 0 at padding positions (only real
  // tokens are computed): for tests and debugging.
  at::Tensor Hidden(const at::Tensor& ids, const at::Tensor& mask) const;

  const BertConfig& config() const { return config_; }
  const at::Device& device() const { return device_; }
  int64_t ParameterCount() const;

 private:
  BertEncoder(BertConfig config, at::Device device) : config_(config), device_(device) {}

  BertConfig config_;
  at::Device device_;
  at::Tensor word_emb_, pos_emb_, type_emb_, emb_ln_w_, emb_ln_b_;
  at::Tensor rel_bias_;  // kMpnet: [num_buckets, heads]
  std::vector<BertLayer> layers_;
};

}  // namespace rarft::sbert
