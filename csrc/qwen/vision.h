// The Qwen2.5-VL vision tower (spec §2): patch embed as a matmul, 2-D rotary angles, window index, 2 kinds of
// blocks (windowed / per-temporal-slice full attention), patch merger, un-permute to item order.
#pragma once
#include <ATen/ATen.h>

#include <array>
#include <cstdint>
#include <vector>

#include "qwen/config.h"
#include "qwen/weights.h"

namespace rarft::qwen {

using Grid = std::array<int64_t, 3>;  // (gt, gh, gw) in patches

// Reads an [n, 3] integer tensor (any device) into grids, checking gh and gw are multiples of the merge size.
std::vector<Grid> GridsFromTensor(const at::Tensor& grid_thw, const VisionConfig& v, const char* what);

struct WindowIndex {
  std::vector<int64_t> window_index;  // merged-token order visited window by window (spec §2.4)
  std::vector<int64_t> cu_window;     // boundaries in patch rows, zero-length windows removed
  std::vector<int64_t> cu_full;       // per temporal slice boundaries, in patch rows
};
WindowIndex ComputeWindowIndex(const std::vector<Grid>& grids, const VisionConfig& v);

// [N, head_dim/2] float32 angles (h-angles | w-angles) in pixel-row order (before the window reorder).
at::Tensor VisionRotaryAngles(const std::vector<Grid>& grids, const VisionConfig& v, const at::Device& device);

// Optional intermediate outputs, for parity tests.
struct VisionTrace {
  at::Tensor patch_embed;          // [N, D] pixel-row order
  std::vector<at::Tensor> blocks;  // [N, D] window order, after each block
};

// pixel_values [N, C*TP*P*P] (float; cast to the weights' dtype first, as HF does) -> [N/4, out_hidden] in item order.
// `checkpoint` recomputes each block in backward instead of keeping its activations; `sharding` (ZeRO-3) runs each
// block through ModelSharding::RunBlock.
class ModelSharding;
at::Tensor VisionForward(const VisionWeights& w, const VisionConfig& v, const at::Tensor& pixel_values,
                         const std::vector<Grid>& grids, VisionTrace* trace = nullptr, bool checkpoint = false,
                         ModelSharding* sharding = nullptr);

// RMSNorm with HF's cast order (spec §7.1): normalise in fp32, cast back to the input dtype, then scale.
at::Tensor RmsNorm(const at::Tensor& x, const at::Tensor& weight, double eps);

// Bidirectional attention inside each [cu[k], cu[k+1]) segment of a packed sequence; segments of equal length are
// batched into one SDPA call (no padding). q, k, v: [N, H, hd] -> [N, H, hd].
at::Tensor SegmentAttention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                            const std::vector<int64_t>& cu);

}  // namespace rarft::qwen
