// Normalise + temporal pad + patchify of uint8 frames through a per-channel lookup table (the HF processor's
// pixel_values_videos layout, spec §2.1). The normalised value of a uint8 pixel depends only on (channel, value), so
// a [3,256] float32 table computed with exactly the reference's float ops makes every output element a table read.
// Rows follow (t, bh, bw, mh, mw), columns (c, frame-in-pair, y, x); an odd T repeats the last frame (HF's padding).
#pragma once
#include <ATen/ATen.h>

#include <cstdint>

namespace rarft::video {

struct PatchLayout {
  int64_t patch = 14;          // P
  int64_t temporal_patch = 2;  // TP
  int64_t merge = 2;           // M
};

// frames [T,3,H,W] uint8 (H, W multiples of P*M), lut [3,256] float32 -> [ceil(T/TP)*(H/P)*(W/P), 3*TP*P*P] float32.
at::Tensor PatchifyU8(const at::Tensor& frames, const at::Tensor& lut, const PatchLayout& layout);

// The rows of temporal groups [t_begin, t_end) of that output, written into `dst` (the whole output's storage).
// `frames` is contiguous [T,3,H,W]; only the frames of those groups are read. `parallel` spreads the groups' merge
// units over ATen's intra-op pool (the whole-tensor call); the streaming decoder writes one group at a time inline.
void PatchifyU8Rows(const uint8_t* frames, int64_t T, int64_t H, int64_t W, const float* lut, const PatchLayout& layout,
                    int64_t t_begin, int64_t t_end, float* dst, bool parallel);

}  // namespace rarft::video
