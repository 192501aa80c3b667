// Video frame ops. (1) Resize with exactly torchvision's `resize(uint8 video, [h, w], BICUBIC, antialias=True)` semantics
// (qwen-vl-utils' video path, spec §5.5): float32 NCHW -> ATen's separable antialiased bicubic (a = -0.5,
// align_corners=false, output size given so no scale factors) -> clamp [0,255] -> round half-to-even -> uint8.
// uint8 frames go through csrc/video/resize_aa.cpp's kernel, which reproduces that float path bit for bit (and
// falls back to it wherever it cannot be sure; `impl` 'aten' forces the reference, 'fast' insists on the kernel).
// An unchanged size returns the input untouched, like torchvision's short-circuit (no float round trip).
// The frames come from the decoder as [T,H,W,3] uint8; callers pass a [T,3,H,W] view (permute), which both paths
// read in place, so no extra copy is needed on the TS side.
// (2) patchifyU8: normalise + pad + patchify in one pass via a lookup table (csrc/video/patchify.h).
#include "napi/async_work.h"
#include "napi/op.h"
#include "video/patchify.h"
#include "video/resize_aa.h"

namespace rarft::napi {

static video::ResizeImpl ImplArg(const Napi::CallbackInfo& info, size_t i) {
  if (IsMissing(info, i)) return video::ResizeImpl::Auto;
  const std::string s = StringArg(info, i);
  if (s == "auto") return video::ResizeImpl::Auto;
  if (s == "aten") return video::ResizeImpl::Aten;
  if (s == "fast") return video::ResizeImpl::Fast;
  throw ArgError("impl must be 'auto', 'aten' or 'fast', got '" + s + "'");
}

static at::Tensor ResizeBicubicAA(const at::Tensor& in, int64_t h, int64_t w, video::ResizeImpl impl) {
  if (in.dim() != 4) throw ArgError("expected frames [T,3,H,W], got rank " + std::to_string(in.dim()));
  if (h < 1 || w < 1) throw ArgError("target size must be positive, got " + std::to_string(h) + "x" + std::to_string(w));
  if (in.size(2) == h && in.size(3) == w) return in;
  const bool is_uint8 = in.scalar_type() == at::kByte;
  if (!is_uint8 && in.scalar_type() != at::kFloat)
    throw ArgError(std::string("expected uint8 or float32 frames, got ") + c10::toString(in.scalar_type()));
  // torchvision clamps bicubic output for uint8 inputs, then rounds (half-to-even) before the cast.
  if (is_uint8) return video::ResizeBicubicAAU8(in, h, w, impl);
  if (impl == video::ResizeImpl::Fast) throw ArgError("impl 'fast' is for uint8 frames only");
  return at::_upsample_bicubic2d_aa(in.contiguous(), {h, w}, /*align_corners=*/false, std::nullopt, std::nullopt);
}

// resizeBicubicAA(frames [T,3,H,W] uint8|float32, h, w, impl?: 'auto'|'aten'|'fast') -> same dtype [T,3,h,w]
RARFT_OP(resizeBicubicAA) {
  return Ret(info, ResizeBicubicAA(T(0), IntArg(info, 1), IntArg(info, 2), ImplArg(info, 3)));
}

// The same off the JS thread: resizing hundreds of frames takes long enough to stall the event loop, and the
// preprocess command overlaps it with other videos' ffmpeg decodes.
RARFT_OP(resizeBicubicAAAsync) {
  at::Tensor x = T(0);
  int64_t h = IntArg(info, 1), w = IntArg(info, 2);
  video::ResizeImpl impl = ImplArg(info, 3);
  return AsyncTensor(info.Env(), "resizeBicubicAAAsync", [x, h, w, impl] { return ResizeBicubicAA(x, h, w, impl); });
}

// resizeBicubicAAInfo() -> { fast, capability, reason }: whether 'auto' uses the fast uint8 kernel here, and why.
RARFT_OP(resizeBicubicAAInfo) {
  const video::FastResizeStatus& s = video::FastResizeInfo();
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("fast", Napi::Boolean::New(info.Env(), s.available));
  o.Set("capability", Napi::String::New(info.Env(), s.capability));
  o.Set("reason", Napi::String::New(info.Env(), s.reason));
  return o;
}

static at::Tensor PatchifyU8(const at::Tensor& frames, const at::Tensor& lut, int64_t p, int64_t tp, int64_t m) {
  if (frames.dim() != 4 || frames.size(1) != 3 || frames.scalar_type() != at::kByte) throw ArgError("expected uint8 frames [T,3,H,W]");
  if (lut.scalar_type() != at::kFloat || lut.numel() != 3 * 256) throw ArgError("expected a float32 lut [3,256]");
  if (frames.size(2) % (p * m) || frames.size(3) % (p * m)) throw ArgError("H and W must be multiples of patch*merge");
  return video::PatchifyU8(frames, lut, video::PatchLayout{p, tp, m});
}

// patchifyU8Async(frames [T,3,H,W] uint8, lut [3,256] float32, patch, temporalPatch, merge) -> [N, C*TP*P*P]
RARFT_OP(patchifyU8Async) {
  at::Tensor f = T(0), lut = T(1);
  int64_t p = IntArg(info, 2), tp = IntArg(info, 3), m = IntArg(info, 4);
  return AsyncTensor(info.Env(), "patchifyU8Async", [f, lut, p, tp, m] { return PatchifyU8(f, lut, p, tp, m); });
}
RARFT_OP(patchifyU8) { return Ret(info, PatchifyU8(T(0), T(1), IntArg(info, 2), IntArg(info, 3), IntArg(info, 4))); }

RARFT_EXPORTS(env, exports) {
  SetFn(env, exports, "resizeBicubicAA", resizeBicubicAA, 4);
  SetFn(env, exports, "resizeBicubicAAAsync", resizeBicubicAAAsync, 4);
  SetFn(env, exports, "resizeBicubicAAInfo", resizeBicubicAAInfo, 0);
  SetFn(env, exports, "patchifyU8", patchifyU8, 5);
  SetFn(env, exports, "patchifyU8Async", patchifyU8Async, 5);
}

}  // namespace rarft::napi
