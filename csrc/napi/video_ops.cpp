// Video frame ops. (1) Resize with exactly torchvision's `resize(uint8 video, [h, w], BICUBIC, antialias=True)` semantics
// (qwen-vl-utils' video path, spec §5.5): float32 NCHW -> ATen's separable antialiased bicubic (a = -0.5,
// align_corners=false, output size given so no scale factors) -> clamp [0,255] -> round half-to-even -> uint8.
// uint8 frames go through csrc/video/resize_aa.cpp's kernel, which reproduces that float path bit for bit (and
// falls back to it wherever it cannot be sure; `impl` 'aten' forces the reference, 'fast' insists on the kernel).
// An unchanged size returns the input untouched, like torchvision's short-circuit (no float round trip).
// The frames come from the decoder as [T,H,W,3] uint8; callers pass a [T,3,H,W] view (permute), which both paths
// read in place, so no extra copy is needed on the TS side.
// (2) patchifyU8: normalise + pad + patchify in one pass via a lookup table (see below).
#include "napi/async_work.h"
#include "napi/op.h"
#include "video/huge_pages.h"
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

// Normalise + temporal pad + patchify of uint8 frames in ONE pass, through a per-channel lookup table: the
// normalised value of a uint8 pixel depends only on (channel, value), so `lut` [3,256] float32 (computed by the
// caller with exactly the reference's float ops) makes every output element a table read. Output rows follow
// spec §2.1 (t, bh, bw, mh, mw), columns (c, frame-in-pair, y, x); odd T repeats the last frame (HF's padding).
static at::Tensor PatchifyU8(const at::Tensor& frames_in, const at::Tensor& lut_in, int64_t P, int64_t TP, int64_t M) {
  if (frames_in.dim() != 4 || frames_in.size(1) != 3 || frames_in.scalar_type() != at::kByte)
    throw ArgError("expected uint8 frames [T,3,H,W]");
  if (lut_in.scalar_type() != at::kFloat || lut_in.numel() != 3 * 256) throw ArgError("expected a float32 lut [3,256]");
  const at::Tensor frames = frames_in.contiguous();
  const at::Tensor lut_t = lut_in.contiguous();
  const int64_t T = frames.size(0), H = frames.size(2), W = frames.size(3);
  if (H % (P * M) || W % (P * M)) throw ArgError("H and W must be multiples of patch*merge");
  const int64_t gt = (T + TP - 1) / TP, gh = H / P, gw = W / P, C = 3;
  const int64_t cols = C * TP * P * P, rows = gt * gh * gw;
  at::Tensor out = at::empty({rows, cols}, at::kFloat);
  video::AdviseHugePages(out.data_ptr(), out.nbytes());  // before the first write: fewer page faults (huge_pages.h)
  const uint8_t* src = frames.data_ptr<uint8_t>();
  const float* lut = lut_t.data_ptr<float>();
  float* dst = out.data_ptr<float>();
  const int64_t units_per_t = (gh / M) * (gw / M);
  at::parallel_for(0, gt * units_per_t, 1, [&](int64_t begin, int64_t end) {
    for (int64_t u = begin; u < end; ++u) {
      const int64_t t = u / units_per_t, bh = (u % units_per_t) / (gw / M), bw = u % (gw / M);
      for (int64_t mh = 0; mh < M; ++mh)
        for (int64_t mw = 0; mw < M; ++mw) {
          float* row = dst + ((u * M + mh) * M + mw) * cols;
          const int64_t y0 = (bh * M + mh) * P, x0 = (bw * M + mw) * P;
          for (int64_t c = 0; c < C; ++c)
            for (int64_t f = 0; f < TP; ++f) {
              const int64_t frame = std::min(t * TP + f, T - 1);
              const uint8_t* plane = src + (frame * C + c) * H * W;
              const float* l = lut + c * 256;
              for (int64_t y = 0; y < P; ++y) {
                const uint8_t* line = plane + (y0 + y) * W + x0;
                for (int64_t x = 0; x < P; ++x) *row++ = l[line[x]];
              }
            }
        }
    }
  });
  return out;
}

// patchifyU8Async(frames [T,3,H,W] uint8, lut [3,256] float32, patch, temporalPatch, merge) -> [N, C*TP*P*P]
RARFT_OP(patchifyU8Async) {
  at::Tensor f = T(0), lut = T(1);
  int64_t p = IntArg(info, 2), tp = IntArg(info, 3), m = IntArg(info, 4);
  return AsyncTensor(info.Env(), "patchifyU8Async", [f, lut, p, tp, m] { return PatchifyU8(f, lut, p, tp, m); });
}
RARFT_OP(patchifyU8) { return Ret(info, PatchifyU8(T(0), T(1), IntArg(info, 2), IntArg(info, 3), IntArg(info, 4))); }

RARFT_EXPORTS(env, exports) {
  SetFn(env, exports, "resizeBicubicAA", resizeBicubicAA);
  SetFn(env, exports, "resizeBicubicAAAsync", resizeBicubicAAAsync);
  SetFn(env, exports, "resizeBicubicAAInfo", resizeBicubicAAInfo);
  SetFn(env, exports, "patchifyU8", patchifyU8);
  SetFn(env, exports, "patchifyU8Async", patchifyU8Async);
}

}  // namespace rarft::napi
