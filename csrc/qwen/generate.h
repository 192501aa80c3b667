// Autoregressive generation with a KV cache (spec §3.5): prefill computes 3-D positions and rope_deltas from the
// prompt; every decode step uses position c0 + rope_deltas[b] on all three rows (c0 = cached length incl. padding).
// Greedy (temperature 0) or sampling with temperature / top-k / top-p and a seeded generator; stop ids end a row.
// Sampling draws on the model's device from a generator seeded per call: the same seed gives the same tokens on the
// same device; a CPU and a GPU run draw different streams (and their logits differ in the last bits anyway).
#pragma once
#include <ATen/ATen.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "qwen/model.h"

namespace rarft::qwen {

struct GenerateOptions {
  int64_t max_new_tokens = 16;
  double temperature = 0.0;  // 0 = greedy
  int64_t top_k = 0;         // 0 = off
  double top_p = 1.0;        // 1 = off
  std::optional<uint64_t> seed;  // sampling generator seed (absent = nondeterministic)
  std::vector<int64_t> stop_ids;  // a row ends after emitting one of these (it is included in its length)
  int64_t pad_id = 151643;        // written after a row ended
  SpgMode spg_mode = SpgMode::kFloat;
  // G samples per prompt: the vision tower and the prefill run once per prompt, then the KV cache is repeated G
  // times (prefix sharing). Output rows are prompt-major: row b*G + g.
  int64_t num_return_sequences = 1;
  // HF's RepetitionPenaltyLogitsProcessor (1 = off): before temperature/top-k/top-p, the logit of every token already
  // in the row (prompt, padding included as HF does, and generated so far) is divided by it if positive, multiplied
  // by it if negative.
  double repetition_penalty = 1.0;
  // Decode shapes independent of the prompt length: the KV buffers hold the prompt + max_new_tokens rounded up to a
  // multiple of this, and every decode step attends over all of them (KvCache::fixed_shape). 0 = auto: 256 on a GPU
  // (one set of kernel plans per bucket), 1 on the CPU (no plan caches; fewer keys to read).
  int64_t kv_bucket = 0;
  // Steps between the host-side "every row has stopped?" checks (each one waits for the device). Extra steps after
  // the last stop only write padding, and the result is cut to the steps the old per-step check would have taken,
  // so tokens, lengths and log-probs are unchanged. 0 = auto: 8 on a GPU, 1 on the CPU.
  int64_t stop_check_every = 0;
};

struct GenerateResult {
  at::Tensor tokens;    // [B*G, N] int64, N = steps taken (≤ max_new_tokens); pad_id after a row's stop
  at::Tensor lengths;   // [B] int64, tokens up to and including the stop token
  at::Tensor logprobs;  // [B, N] fp32: log softmax(logits / max(temperature, 1 if greedy)) of the chosen token
};

// Runs without autograd. Inputs must be left padded when B > 1 (checked: a padded slot after a real token fails).
GenerateResult Generate(const QwenModel& model, const QwenInputs& in, const GenerateOptions& opts);

}  // namespace rarft::qwen
