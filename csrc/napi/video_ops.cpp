// Video frame resize with exactly torchvision's `resize(uint8 video, [h, w], BICUBIC, antialias=True)` semantics
// (qwen-vl-utils' video path, spec §5.5): float32 NCHW -> ATen's separable antialiased bicubic (a = -0.5,
// align_corners=false, output size given so no scale factors) -> clamp [0,255] -> round half-to-even -> uint8.
// An unchanged size returns the input untouched, like torchvision's short-circuit (no float round trip).
// The frames come from the decoder as [T,H,W,3] uint8; callers pass a [T,3,H,W] view (permute), which is made
// contiguous here in float32, so no extra copy is needed on the TS side.
#include "napi/async_work.h"
#include "napi/op.h"

namespace rarft::napi {

static at::Tensor ResizeBicubicAA(const at::Tensor& in, int64_t h, int64_t w) {
  if (in.dim() != 4) throw ArgError("expected frames [T,3,H,W], got rank " + std::to_string(in.dim()));
  if (h < 1 || w < 1) throw ArgError("target size must be positive, got " + std::to_string(h) + "x" + std::to_string(w));
  if (in.size(2) == h && in.size(3) == w) return in;
  const bool is_uint8 = in.scalar_type() == at::kByte;
  if (!is_uint8 && in.scalar_type() != at::kFloat)
    throw ArgError(std::string("expected uint8 or float32 frames, got ") + c10::toString(in.scalar_type()));
  at::Tensor x = in.to(at::kFloat).contiguous();
  at::Tensor y = at::_upsample_bicubic2d_aa(x, {h, w}, /*align_corners=*/false, std::nullopt, std::nullopt);
  // torchvision clamps bicubic output for uint8 inputs, then rounds (half-to-even) before the cast.
  if (!is_uint8) return y;
  return y.clamp_(0, 255).round_().to(at::kByte);
}

// resizeBicubicAA(frames [T,3,H,W] uint8|float32, h, w) -> same dtype [T,3,h,w]
RARFT_OP(resizeBicubicAA) { return Ret(info, ResizeBicubicAA(T(0), IntArg(info, 1), IntArg(info, 2))); }

// The same off the JS thread: resizing hundreds of frames takes long enough to stall the event loop, and the
// preprocess command overlaps it with other videos' ffmpeg decodes.
RARFT_OP(resizeBicubicAAAsync) {
  at::Tensor x = T(0);
  int64_t h = IntArg(info, 1), w = IntArg(info, 2);
  return AsyncTensor(info.Env(), "resizeBicubicAAAsync", [x, h, w] { return ResizeBicubicAA(x, h, w); });
}

RARFT_EXPORTS(env, exports) {
  SetFn(env, exports, "resizeBicubicAA", resizeBicubicAA);
  SetFn(env, exports, "resizeBicubicAAAsync", resizeBicubicAAAsync);
}

}  // namespace rarft::napi
