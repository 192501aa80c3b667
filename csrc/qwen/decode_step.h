// One decode step whose shapes AND addresses are fixed for a whole generate call, so that on a GPU it can be captured
// once as a CUDA graph and replayed for every token (the launch overhead of ~20 kernels x layers per token gone),
// while computing exactly what the eager fixed-shape step computes (same ops, same order: tested on the CPU).
// What varies between steps lives in device tensors written in place before each step: the tokens fed in and their
// cache index. Keys/values go into the fixed-capacity buffers with index_copy_ at that index (no host offset); the
// causal mask compares the key positions with the index as a tensor (no host scalar).
#pragma once
#include <ATen/ATen.h>

#include "qwen/config.h"
#include "qwen/text.h"
#include "qwen/weights.h"

namespace rarft::qwen {

struct DecodeState {
  at::Tensor tok;       // [R] int64: the tokens fed in
  at::Tensor pos;       // [1] int64: their cache index c0 (shared by all rows: prompts are left padded)
  at::Tensor deltas;    // [R, 1] int64: rope deltas (position = c0 + delta on all three M-RoPE rows)
  at::Tensor key_mask;  // [R, capacity]: 1 = a real key (padding of the prompt 0; ones past the prompt)
  at::Tensor kpos;      // [1, capacity] int64: 0 .. capacity-1
  at::Tensor inv_freq;  // [hd/2] fp32 rotary inverse frequencies
  at::Tensor logits;    // [R, V] fp32: the step's output, written in place
};

// Allocates the state for `rows` rows and a cache of `capacity` positions on `device`.
DecodeState MakeDecodeState(const TextConfig& t, int64_t rows, int64_t capacity, const at::Tensor& deltas,
                            const at::Tensor& key_mask, const at::Device& device);

// Runs the step: reads state.tok / state.pos, appends this step's keys/values into the cache buffers at state.pos,
// writes the next-token logits into state.logits. The cache must be reserved and in fixed_shape mode; its length is
// NOT advanced here (the caller owns the host-side count).
void DecodeStepStatic(const TextWeights& w, const TextConfig& t, KvCache& cache, DecodeState& state);

}  // namespace rarft::qwen
