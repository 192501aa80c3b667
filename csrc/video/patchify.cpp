#include "video/patchify.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "video/huge_pages.h"

namespace rarft::video {

namespace {

// The output (tens of MB) is not read again here, so each row is assembled in a small buffer that stays in L1 and
// then streamed past the cache: non-temporal stores skip the read-for-ownership of every destination line, which is
// most of the memory traffic of a plain store loop. Rows are 1176 floats (16-byte multiples) on a 64-byte aligned
// allocation; anything else takes a plain copy.
void WriteRow(float* dst, const float* row, int64_t n) {
#if defined(__x86_64__)
  if ((reinterpret_cast<uintptr_t>(dst) & 15) == 0 && n % 4 == 0) {
    for (int64_t i = 0; i < n; i += 4) _mm_stream_ps(dst + i, _mm_loadu_ps(row + i));
    return;
  }
#endif
  std::memcpy(dst, row, n * sizeof(float));
}

void FenceStreams() {
#if defined(__x86_64__)
  _mm_sfence();  // streamed stores become visible before the caller hands the tensor on
#endif
}

}  // namespace

void PatchifyU8Rows(const uint8_t* src, int64_t T, int64_t H, int64_t W, const float* lut, const PatchLayout& l,
                    int64_t t_begin, int64_t t_end, float* dst, bool parallel) {
  const int64_t P = l.patch, TP = l.temporal_patch, M = l.merge, C = 3;
  const int64_t gh = H / P, gw = W / P, cols = C * TP * P * P;
  const int64_t units_per_t = (gh / M) * (gw / M);
  auto units = [&](int64_t begin, int64_t end) {
    std::vector<float> buffer(cols);
    for (int64_t u = begin; u < end; ++u) {
      const int64_t t = u / units_per_t, bh = (u % units_per_t) / (gw / M), bw = u % (gw / M);
      for (int64_t mh = 0; mh < M; ++mh)
        for (int64_t mw = 0; mw < M; ++mw) {
          float* row = buffer.data();
          const int64_t y0 = (bh * M + mh) * P, x0 = (bw * M + mw) * P;
          for (int64_t c = 0; c < C; ++c)
            for (int64_t f = 0; f < TP; ++f) {
              const int64_t frame = std::min(t * TP + f, T - 1);
              const uint8_t* plane = src + (frame * C + c) * H * W;
              const float* lc = lut + c * 256;
              for (int64_t y = 0; y < P; ++y) {
                const uint8_t* line = plane + (y0 + y) * W + x0;
                for (int64_t x = 0; x < P; ++x) *row++ = lc[line[x]];
              }
            }
          WriteRow(dst + ((u * M + mh) * M + mw) * cols, buffer.data(), cols);
        }
    }
  };
  if (parallel) at::parallel_for(t_begin * units_per_t, t_end * units_per_t, 1, [&](int64_t b, int64_t e) {
    units(b, e);
    FenceStreams();
  });
  else {
    units(t_begin * units_per_t, t_end * units_per_t);
    FenceStreams();
  }
}

at::Tensor PatchifyU8(const at::Tensor& frames_in, const at::Tensor& lut_in, const PatchLayout& l) {
  TORCH_CHECK(frames_in.dim() == 4 && frames_in.size(1) == 3 && frames_in.scalar_type() == at::kByte,
              "expected uint8 frames [T,3,H,W]");
  TORCH_CHECK(lut_in.scalar_type() == at::kFloat && lut_in.numel() == 3 * 256, "expected a float32 lut [3,256]");
  const at::Tensor frames = frames_in.contiguous();
  const at::Tensor lut = lut_in.contiguous();
  const int64_t T = frames.size(0), H = frames.size(2), W = frames.size(3);
  const int64_t P = l.patch, TP = l.temporal_patch, M = l.merge;
  TORCH_CHECK(H % (P * M) == 0 && W % (P * M) == 0, "H and W must be multiples of patch*merge");
  const int64_t gt = (T + TP - 1) / TP;
  at::Tensor out = at::empty({gt * (H / P) * (W / P), 3 * TP * P * P}, at::kFloat);
  AdviseHugePages(out.data_ptr(), out.nbytes());  // before the first write: fewer page faults (huge_pages.h)
  PatchifyU8Rows(frames.data_ptr<uint8_t>(), T, H, W, lut.data_ptr<float>(), l, 0, gt, out.data_ptr<float>(), true);
  return out;
}

}  // namespace rarft::video
