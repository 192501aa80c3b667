// Antialiased bicubic resize of uint8 frames, bit-identical to ATen's float path
//   at::_upsample_bicubic2d_aa(frames.to(float), {h, w}, align_corners=false) -> clamp(0, 255) -> round -> uint8
// (torchvision's `resize(uint8 video, BICUBIC, antialias=True)`), without the float copies and about 10x faster.
//
// How identity is kept (docs/video.md, "Fast resize"): ATen's generic separable kernel (UpSampleKernel.cpp) resizes W
// first into a float32 temporary, then H. Its weights and its per-output accumulation order are reproduced exactly:
// the weights with the same float/double mix and op order, the sum `acc = t0*w0; acc += tj*wj` in tap order. What
// differs between ATen builds is floating-point CONTRACTION, which depends on the CPU capability ATen dispatched to:
//   DEFAULT: no fused multiply-add anywhere.
//   AVX2:    the weight polynomial uses FMA, and the tap loop is vectorised by the compiler as an in-order reduction
//            with 4 lanes: taps 1..4*floor((n-1)/4) are a rounded product then an add, the remaining taps are FMAs.
// (Found by probing libtorch 2.13.0+cpu with one-hot and random inputs; test/video/resize-fast.test.ts checks the
// result byte for byte.) Any other capability (AVX512, non-x86) is not modelled: the ATen path is used. Because a
// different libtorch build could compile the loops differently, the fast kernel is only enabled after a self-check
// against ATen on shapes with up to 87 taps per output on either axis, compared at the float level before rounding;
// on any mismatch every call uses ATen.
#pragma once
#include <ATen/ATen.h>

#include <string>

namespace rarft::video {

struct FastResizeStatus {
  bool available = false;  // the fast kernel is used by ResizeBicubicAAU8(..., Impl::Auto)
  std::string capability;  // at::get_cpu_capability()
  std::string reason;      // why it is (not) available
};

// Decided once per process (capability, CPU features, RARFT_RESIZE_IMPL=aten, self-check against ATen).
const FastResizeStatus& FastResizeInfo();

enum class ResizeImpl { Auto, Aten, Fast };

// Pool: the fast kernel spreads planes over ATen's intra-op pool. Caller: it runs on the calling thread only, for
// callers that resize one frame at a time beside a running decoder (frame_stream.cpp): waking the OpenMP pool per
// frame costs more than the frame, and its spinning workers take CPU from ffmpeg. The ATen path always uses the pool.
enum class ResizeThreads { Pool, Caller };

// frames [T, C, H, W] uint8 (any strides; a permuted channels-last [T,H,W,C] view is read in place) -> [T, C, h, w]
// uint8, contiguous. Fast throws when the fast kernel is not available on this machine. Non-CPU frames, and the
// shapes the kernel delegates (output width 1 with a height change), always take the ATen path.
at::Tensor ResizeBicubicAAU8(const at::Tensor& frames, int64_t h, int64_t w, ResizeImpl impl = ResizeImpl::Auto,
                             ResizeThreads threads = ResizeThreads::Pool);

// The reference: ATen in float32, clamp, round half-to-even, uint8.
at::Tensor ResizeBicubicAAU8Aten(const at::Tensor& frames, int64_t h, int64_t w);

}  // namespace rarft::video
