// Log-probs of G completions of ONE prompt with the prompt computed once (a shared-prefix training forward).
//
// A GRPO group is G rows that repeat the same prompt (hundreds of video tokens) before short completions. The plain
// forward pushes all G copies of the prompt through every layer, in forward and in backward. Here the prompt runs as
// one row: per layer, its queries attend causally to its own keys, and the completions' queries attend to the
// prompt's keys/values (shared by the G rows) followed causally by their own. The outputs equal the plain forward's
// (same attention, same positions: completion tokens are text tokens, placed after the prompt as §3.2 places them),
// and gradients reach the prompt's activations summed over the G rows, as they do in the plain forward. Work on the
// prompt drops by a factor G; the vision tower runs once.
//
// Works with gradient checkpointing and with ZeRO-3 sharding (each layer runs as one packed tensor through the same
// Checkpointed / RunBlock wrappers). Completions must not contain vision placeholder tokens (checked).
#pragma once
#include <ATen/ATen.h>

#include <utility>

#include "qwen/logprobs.h"
#include "qwen/model.h"

namespace rarft::qwen {

// `prompt`: inputs of the prompt alone (one row, its video/image items); `completion`: [G, T] tokens.
// Returns (logp [G, T] fp32, entropy [G, T] or undefined): position k of row g is log p(completion[g, k] | prompt,
// completion[g, :k]), exactly what SequenceLogprobs gives for the G concatenated rows.
std::pair<at::Tensor, at::Tensor> GroupedSequenceLogprobs(const QwenModel& model, const QwenInputs& prompt,
                                                          const at::Tensor& completion, SpgMode mode,
                                                          const LogprobOptions& opts);

}  // namespace rarft::qwen
