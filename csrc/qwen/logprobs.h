// Per-token log-probabilities (and entropies) of target tokens under the LM head, computed in chunks over the
// sequence so the [B, T, V] float32 logits never exist at once - neither in forward nor in backward (the backward
// recomputes each chunk's logits instead of saving them). GRPO needs exactly this: log p(completion token) for the
// policy and the reference model, with gradients to the policy.
#pragma once
#include <ATen/ATen.h>

#include <utility>

#include "qwen/model.h"

namespace rarft::qwen {

struct LogprobOptions {
  int64_t chunk = 64;        // positions per chunk (all B rows at once): peak extra memory ~ B*chunk*V*4 bytes
  bool entropy = false;      // also return the entropy of each position's distribution
  double temperature = 1.0;  // logits are divided by this before the softmax (TRL's GRPO does the same)
};

// hidden [B, T, d] (the states that predict the targets), lm_head [V, d], targets [B, T] int64.
// Returns (logp [B, T] fp32, entropy [B, T] fp32 or undefined). Differentiable w.r.t. hidden and lm_head.
std::pair<at::Tensor, at::Tensor> ChunkedLogprobs(const at::Tensor& hidden, const at::Tensor& lm_head,
                                                  const at::Tensor& targets, const LogprobOptions& opts);

// Log-probs of the last T tokens of `in.input_ids` (which must equal `completion` [B, T]) under the full model:
// position L-T-1+k predicts completion[:, k]. Gradients flow to every parameter that requires grad.
std::pair<at::Tensor, at::Tensor> SequenceLogprobs(const QwenModel& model, const QwenInputs& in,
                                                   const at::Tensor& completion, SpgMode mode,
                                                   const LogprobOptions& opts);

}  // namespace rarft::qwen
