// 3-D M-RoPE position ids (spec §3.2, HF get_rope_index) with the version-dependent temporal rule as an option.
#pragma once
#include <ATen/ATen.h>

#include <optional>

#include "qwen/config.h"

namespace rarft::qwen {

enum class SpgMode {
  kTruncate,  // HF 4.52-5.17: second_per_grid_ts truncated to an integer before scaling (t step 2 for spg 1.25)
  kFloat,     // HF 4.49-4.51 (Time-R1) and >= 5.2x: long(float32(tt*spg) * tokens_per_second)
};

struct RopeIndex {
  at::Tensor position_ids;  // [3, B, L] int64; padded slots hold 1 (HF <= 4.57 behaviour)
  at::Tensor rope_deltas;   // [B, 1] int64 = max(position) + 1 - L (L = padded length, spec §3.2 step 6)
};

// input_ids, attention_mask: [B, L] (mask may be undefined = all ones); grids [n, 3]; second_per_grid_ts [n_video]
// (undefined = 1.0 for every video). Outputs live on input_ids' device. Throws naming the sample when the
// placeholders do not match the grids.
RopeIndex ComputeRopeIndex(const QwenConfig& c, const at::Tensor& input_ids, const at::Tensor& attention_mask,
                           const at::Tensor& image_grid_thw, const at::Tensor& video_grid_thw,
                           const at::Tensor& second_per_grid_ts, SpgMode mode);

}  // namespace rarft::qwen
