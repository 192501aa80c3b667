// Fast antialiased bicubic resize of uint8 frames, bit-identical to ATen's float path. See resize_aa.h for the
// contract and docs/video.md ("Fast resize") for how the ATen kernel's arithmetic was pinned down.
//
// Per plane (one channel of one frame), on one thread:
//   1. horizontal pass: 8 input rows at a time are converted to float and transposed into a column-major strip
//      (buf[x][8 rows]), so one output column of 8 rows is a run of contiguous 8-float loads times broadcast weights;
//      8 output columns are transposed back and stored as rows of a float32 temporary [H_in][W_out] (ATen's temporary).
//   2. vertical pass: each output row is the weighted sum of temporary rows, 8 columns per vector; the result is
//      clamped to [0, 255], rounded half-to-even and narrowed to uint8 in the same pass.
// Planes are spread over libtorch's intra-op pool. Weights are computed once per call (all frames share the sizes).
#include "video/resize_aa.h"

#include "video/huge_pages.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <ATen/Version.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define RARFT_FAST_RESIZE 1
#include <immintrin.h>
#endif

namespace rarft::video {

at::Tensor ResizeBicubicAAU8Aten(const at::Tensor& frames, int64_t h, int64_t w) {
  at::Tensor x = frames.to(at::kFloat).contiguous();
  at::Tensor y = at::_upsample_bicubic2d_aa(x, {h, w}, /*align_corners=*/false, std::nullopt, std::nullopt);
  return y.clamp_(0, 255).round_().to(at::kByte);
}

#ifdef RARFT_FAST_RESIZE
namespace {

// How ATen's build contracts a*b+c, by dispatched CPU capability (resize_aa.h).
enum class Model { Plain, Avx2 };

// A value the compiler must materialise: stops it from fusing the multiply that produced it into a following add
// (GCC contracts across intrinsics too when FMA is enabled). Used wherever ATen rounds the product separately.
inline __attribute__((always_inline)) float Rounded(float v) {
  asm("" : "+x"(v));
  return v;
}

// HelperInterpCubic::aa_filter<float> (a = -0.5): ((A+2)x - (A+3))x*x + 1 for |x| < 1, ((Ax - 5A)x + 8A)x - 4A for
// |x| < 2, with the constants folded as float like the compiler does. kFma: contracted as ATen's AVX2 build does.
template <bool kFma>
float CubicFilter(float x) {
  constexpr float A = -0.5f;
  x = std::abs(x);
  if (x < 1.0f) {
    if (kFma) {
      const float p = std::fma(A + 2, x, -(A + 3));
      return std::fma(Rounded(p * x), x, 1.0f);
    }
    const float p = Rounded(Rounded((A + 2) * x) - (A + 3));
    return Rounded(Rounded(p * x) * x) + 1;
  }
  if (x < 2.0f) {
    if (kFma) {
      float p = std::fma(A, x, -(5 * A));
      p = std::fma(p, x, 8 * A);
      return std::fma(p, x, -(4 * A));
    }
    float p = Rounded(Rounded(A * x) - 5 * A);
    p = Rounded(Rounded(p * x) + 8 * A);
    return Rounded(p * x) - 4 * A;
  }
  return 0.0f;
}

// Indices and weights along one axis: ATen's HelperInterpBase::_compute_index_ranges_weights with antialias=true,
// scalar_t = float, statement for statement (same float/double promotions). Outputs are padded to a multiple of 8
// with dummy outputs (one zero tap at index 0) so the vector loops need no tails.
struct Axis {
  int64_t in = 0, out = 0, out_padded = 0;
  int K = 0;                      // ATen's max_interp_size: weights per output
  std::vector<int64_t> xmin;      // first input index
  std::vector<int> n;             // taps (ATen's xsize)
  std::vector<int> nv;            // leading taps after the first that ATen adds as a rounded product (no FMA)
  std::vector<float> w;           // [out_padded][K]
};

Axis ComputeAxis(int64_t input_size, int64_t output_size, Model model) {
  Axis a;
  a.in = input_size;
  a.out = output_size;
  a.out_padded = (output_size + 7) / 8 * 8;
  const float scale = static_cast<float>(input_size) / output_size;  // area_pixel_compute_scale<float>
  const int interp_size = 4;
  const float support = (scale >= 1.0) ? (interp_size * 0.5) * scale : interp_size * 0.5;
  const int max_interp_size = (int)std::ceil(support) * 2 + 1;
  a.K = max_interp_size;
  a.xmin.assign(a.out_padded, 0);
  a.n.assign(a.out_padded, 1);
  a.nv.assign(a.out_padded, 0);
  a.w.assign(a.out_padded * max_interp_size, 0.0f);
  for (int64_t i = 0; i < output_size; i++) {
    float* wt_ptr = &a.w[i * max_interp_size];
    const float center = scale * (i + 0.5);
    float total_w = 0.0;
    const float invscale = (scale >= 1.0) ? 1.0 / scale : 1.0;
    const int64_t xmin = std::max(static_cast<int64_t>(center - support + 0.5), static_cast<int64_t>(0));
    int64_t xsize = std::min(static_cast<int64_t>(center + support + 0.5), input_size) - xmin;
    xsize = std::clamp(xsize, static_cast<int64_t>(0), static_cast<int64_t>(max_interp_size));
    int64_t j = 0;
    for (; j < xsize; j++) {
      const float w = model == Model::Avx2 ? CubicFilter<true>((j + xmin - center + 0.5) * invscale)
                                           : CubicFilter<false>((j + xmin - center + 0.5) * invscale);
      wt_ptr[j] = w;
      total_w += w;
    }
    if (total_w != 0.0) {
      for (j = 0; j < xsize; j++) wt_ptr[j] /= total_w;
    }
    // ATen always reads the first tap (t = src[xmin] * w[0]) even for xsize 0; it cannot be 0 here (support >= 2),
    // but keep the read in bounds if it ever were.
    if (xsize < 1 || xmin + std::max<int64_t>(xsize, 1) > input_size)
      throw std::logic_error("resize: unexpected tap range");
    a.xmin[i] = xmin;
    a.n[i] = static_cast<int>(xsize);
    a.nv[i] = model == Model::Avx2 ? static_cast<int>((xsize - 1) / 4 * 4) : static_cast<int>(xsize - 1);
  }
  return a;
}

#define RARFT_AVX2 __attribute__((target("avx2,fma")))

RARFT_AVX2 inline __attribute__((always_inline)) __m256 Rounded(__m256 v) {
  asm("" : "+x"(v));
  return v;
}

// Sum over taps of one output, 8 independent lanes, in ATen's order: acc = t0*w0; then `nv` taps as acc + (t*w)
// with the product rounded; then the rest as fma(t, w, acc).
RARFT_AVX2 inline __m256 Taps(const float* b, int64_t stride, const float* w, int n, int nv) {
  __m256 acc = Rounded(_mm256_mul_ps(_mm256_loadu_ps(b), _mm256_set1_ps(w[0])));
  int j = 1;
  for (; j <= nv; ++j) {
    const __m256 p = Rounded(_mm256_mul_ps(_mm256_loadu_ps(b + j * stride), _mm256_set1_ps(w[j])));
    acc = Rounded(_mm256_add_ps(acc, p));
  }
  for (; j < n; ++j) acc = _mm256_fmadd_ps(_mm256_loadu_ps(b + j * stride), _mm256_set1_ps(w[j]), acc);
  return acc;
}

RARFT_AVX2 inline void Transpose8(__m256 r[8]) {
  const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
  const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
  const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
  const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
  const __m256 s0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 s2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 s4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 s6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
  r[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
  r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
  r[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
  r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
  r[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
  r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
  r[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
  r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

// How a plane's pixels are laid out: planar rows (x stride 1), packed RGB (x stride 3, the permuted [T,H,W,3]
// decoder output read in place), or anything else (element by element).
enum class Layout { Planar, Packed3, Generic };

struct Plane {
  const uint8_t* p;  // element (0, 0) of this channel
  int64_t sh, sw;    // row and column strides in elements
  int ch;            // channel index (Packed3: the byte offset within a pixel)
};

// pshufb masks that pick channel c of 8 RGB pixels (byte 3i+c) from the first 16 bytes (Lo) and the last 8 (Hi).
alignas(16) constexpr int8_t kPacked3Lo[3][16] = {
    {0, 3, 6, 9, 12, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1},
    {1, 4, 7, 10, 13, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1},
    {2, 5, 8, 11, 14, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}};
alignas(16) constexpr int8_t kPacked3Hi[3][16] = {
    {-1, -1, -1, -1, -1, -1, 2, 5, -1, -1, -1, -1, -1, -1, -1, -1},
    {-1, -1, -1, -1, -1, 0, 3, 6, -1, -1, -1, -1, -1, -1, -1, -1},
    {-1, -1, -1, -1, -1, 1, 4, 7, -1, -1, -1, -1, -1, -1, -1, -1}};

// 8 consecutive pixels of one row (starting at column x) as floats.
template <Layout L>
RARFT_AVX2 inline __m256 Load8(const Plane& pl, const uint8_t* row, int64_t x) {
  if constexpr (L == Layout::Planar) {
    return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(row + x))));
  } else if constexpr (L == Layout::Packed3) {
    // The 24 bytes of 8 RGB pixels, read from the pixel start so nothing past the last pixel is touched.
    const uint8_t* q = row + x * 3 - pl.ch;
    const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    const __m128i hi = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(q + 16));
    const __m128i v =
        _mm_or_si128(_mm_shuffle_epi8(lo, _mm_load_si128(reinterpret_cast<const __m128i*>(kPacked3Lo[pl.ch]))),
                     _mm_shuffle_epi8(hi, _mm_load_si128(reinterpret_cast<const __m128i*>(kPacked3Hi[pl.ch]))));
    return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(v));
  } else {
    alignas(32) float f[8];
    for (int i = 0; i < 8; ++i) f[i] = row[(x + i) * pl.sw];
    return _mm256_load_ps(f);
  }
}

// Horizontal pass of one plane into tmp [Hp][ax.out_padded] (Hp = H rounded up to 8; extra rows are scratch).
template <Layout L>
RARFT_AVX2 void HorizontalPass(const Plane& pl, int64_t H, const Axis& ax, float* buf, float* tmp) {
  const int64_t W = ax.in, Wp = ax.out_padded;
  const int K = ax.K;
  for (int64_t r0 = 0; r0 < H; r0 += 8) {
    const uint8_t* rows[8];
    for (int k = 0; k < 8; ++k) rows[k] = pl.p + std::min(r0 + k, H - 1) * pl.sh;
    int64_t x = 0;
    for (; x + 8 <= W; x += 8) {
      __m256 v[8];
      for (int k = 0; k < 8; ++k) v[k] = Load8<L>(pl, rows[k], x);
      Transpose8(v);
      for (int i = 0; i < 8; ++i) _mm256_storeu_ps(buf + (x + i) * 8, v[i]);
    }
    for (; x < W; ++x)
      for (int k = 0; k < 8; ++k) buf[x * 8 + k] = rows[k][x * pl.sw];
    for (int64_t o0 = 0; o0 < Wp; o0 += 8) {
      __m256 acc[8];
      for (int i = 0; i < 8; ++i) {
        const int64_t o = o0 + i;
        acc[i] = Taps(buf + ax.xmin[o] * 8, 8, &ax.w[o * K], ax.n[o], ax.nv[o]);
      }
      Transpose8(acc);
      for (int k = 0; k < 8; ++k) _mm256_storeu_ps(tmp + (r0 + k) * Wp + o0, acc[k]);
    }
  }
}

// No horizontal resize: the plane converted to float (exact), laid out like the horizontal pass's output.
template <Layout L>
RARFT_AVX2 void ConvertPlane(const Plane& pl, int64_t H, int64_t W, int64_t Wp, float* tmp) {
  for (int64_t r = 0; r < H; ++r) {
    const uint8_t* row = pl.p + r * pl.sh;
    float* t = tmp + r * Wp;
    int64_t x = 0;
    for (; x + 8 <= W; x += 8) _mm256_storeu_ps(t + x, Load8<L>(pl, row, x));
    for (; x < W; ++x) t[x] = row[x * pl.sw];
    for (; x < Wp; ++x) t[x] = 0.0f;
  }
}

// Store `count` (<= 8) lanes: uint8 after clamp [0, 255] + round half-to-even (torchvision's uint8 epilogue), or the
// raw float (the self-check compares at that level).
RARFT_AVX2 inline void Store(uint8_t* dst, __m256 v, int64_t count) {
  v = _mm256_min_ps(_mm256_max_ps(v, _mm256_setzero_ps()), _mm256_set1_ps(255.0f));
  v = _mm256_round_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m256i i32 = _mm256_cvtps_epi32(v);
  const __m128i u16 = _mm_packus_epi32(_mm256_castsi256_si128(i32), _mm256_extracti128_si256(i32, 1));
  const __m128i u8 = _mm_packus_epi16(u16, u16);
  if (count == 8) {
    _mm_storel_epi64(reinterpret_cast<__m128i*>(dst), u8);
  } else {
    alignas(16) uint8_t b[16];
    _mm_store_si128(reinterpret_cast<__m128i*>(b), u8);
    std::memcpy(dst, b, count);
  }
}
RARFT_AVX2 inline void Store(float* dst, __m256 v, int64_t count) {
  if (count == 8) {
    _mm256_storeu_ps(dst, v);
  } else {
    alignas(32) float b[8];
    _mm256_store_ps(b, v);
    std::memcpy(dst, b, count * sizeof(float));
  }
}

// Vertical pass from tmp [H_in][Wp] into dst [ay.out][W] (or, without a vertical resize, the epilogue alone).
template <typename Out>
RARFT_AVX2 void VerticalPass(const float* tmp, int64_t Wp, int64_t W, const Axis* ay, int64_t H, Out* dst) {
  const int64_t rows = ay ? ay->out : H;
  for (int64_t o = 0; o < rows; ++o) {
    Out* d = dst + o * W;
    if (!ay) {
      for (int64_t x = 0; x < W; x += 8) Store(d + x, _mm256_loadu_ps(tmp + o * Wp + x), std::min<int64_t>(8, W - x));
      continue;
    }
    const float* b = tmp + ay->xmin[o] * Wp;
    const float* w = &ay->w[o * ay->K];
    const int n = ay->n[o], nv = ay->nv[o];
    for (int64_t x = 0; x < W; x += 8) Store(d + x, Taps(b + x, Wp, w, n, nv), std::min<int64_t>(8, W - x));
  }
}

template <typename Out>
at::Tensor RunFast(const at::Tensor& in, int64_t h, int64_t w, Model model, ResizeThreads threads = ResizeThreads::Pool) {
  const int64_t T = in.size(0), C = in.size(1), H = in.size(2), W = in.size(3);
  const bool resize_w = W != w, resize_h = H != h;
  const Axis ax = resize_w ? ComputeAxis(W, w, model) : Axis{};
  const Axis ay = resize_h ? ComputeAxis(H, h, model) : Axis{};
  const int64_t Wp = (w + 7) / 8 * 8, Hp = (H + 7) / 8 * 8;

  const int64_t st = in.stride(0), sc = in.stride(1), sh = in.stride(2), sw = in.stride(3);
  const Layout layout = sw == 1 ? Layout::Planar : (sw == 3 && sc == 1 && C == 3) ? Layout::Packed3 : Layout::Generic;
  const uint8_t* src = in.const_data_ptr<uint8_t>();
  at::Tensor out = at::empty({T, C, h, w}, at::TensorOptions().dtype(c10::CppTypeToScalarType<Out>::value));
  Out* dst = out.data_ptr<Out>();
  AdviseHugePages(dst, out.nbytes());  // fewer first-touch page faults on big outputs (huge_pages.h)

  auto planes = [&](int64_t begin, int64_t end) {
    std::unique_ptr<float[]> tmp(new float[Hp * Wp]);
    std::unique_ptr<float[]> buf(new float[(W + 8) * 8]);
    for (int64_t p = begin; p < end; ++p) {
      const int64_t t = p / C, c = p % C;
      const Plane pl{src + t * st + c * sc, sh, sw, static_cast<int>(c)};
      switch (layout) {
        case Layout::Planar:
          resize_w ? HorizontalPass<Layout::Planar>(pl, H, ax, buf.get(), tmp.get())
                   : ConvertPlane<Layout::Planar>(pl, H, W, Wp, tmp.get());
          break;
        case Layout::Packed3:
          resize_w ? HorizontalPass<Layout::Packed3>(pl, H, ax, buf.get(), tmp.get())
                   : ConvertPlane<Layout::Packed3>(pl, H, W, Wp, tmp.get());
          break;
        case Layout::Generic:
          resize_w ? HorizontalPass<Layout::Generic>(pl, H, ax, buf.get(), tmp.get())
                   : ConvertPlane<Layout::Generic>(pl, H, W, Wp, tmp.get());
          break;
      }
      VerticalPass<Out>(tmp.get(), Wp, w, resize_h ? &ay : nullptr, H, dst + p * h * w);
    }
  };
  if (threads == ResizeThreads::Caller) planes(0, T * C);
  else at::parallel_for(0, T * C, 1, planes);
  return out;
}

bool BitEqual(const at::Tensor& a, const at::Tensor& b) {
  if (a.sizes() != b.sizes() || a.scalar_type() != b.scalar_type()) return false;
  const at::Tensor ca = a.contiguous(), cb = b.contiguous();
  return std::memcmp(ca.const_data_ptr(), cb.const_data_ptr(), ca.nbytes()) == 0;
}

// Compares the fast kernel with ATen, at the float level (before clamp/round, so stricter than the uint8 result),
// on shapes covering down- and up-scaling, 1..87 taps per output, each axis alone, 1-pixel dimensions, the packed
// RGB layout and the benchmark's 640x360 -> 364x196. Returns "" when all are bit-identical.
std::string SelfCheck(Model model) {
  struct Case { std::vector<int64_t> shape; int64_t h, w; bool packed; };
  const Case cases[] = {
      {{2, 3, 37, 53}, 19, 29, false}, {{1, 3, 20, 30}, 41, 67, false}, {{1, 2, 150, 9}, 7, 5, false},
      {{1, 1, 5, 300}, 5, 4, false},   {{1, 1, 300, 5}, 4, 5, false},   {{1, 1, 1, 50}, 3, 7, false},
      {{1, 1, 17, 1}, 5, 3, false},    {{2, 3, 27, 45}, 16, 26, true},  {{1, 3, 360, 640}, 196, 364, true},
  };
  auto gen = at::make_generator<at::CPUGeneratorImpl>(20261122);
  for (const Case& c : cases) {
    at::Tensor x;
    if (c.packed) {
      x = at::randint(0, 256, {c.shape[0], c.shape[2], c.shape[3], c.shape[1]}, gen, at::kByte).permute({0, 3, 1, 2});
    } else {
      x = at::randint(0, 256, c.shape, gen, at::kByte);
    }
    const at::Tensor ref = at::_upsample_bicubic2d_aa(x.to(at::kFloat).contiguous(), {c.h, c.w}, false, std::nullopt,
                                                      std::nullopt);
    if (!BitEqual(RunFast<float>(x, c.h, c.w, model), ref)) {
      std::string s = "[";
      for (size_t i = 0; i < c.shape.size(); ++i) s += (i ? "," : "") + std::to_string(c.shape[i]);
      return s + "] -> " + std::to_string(c.h) + "x" + std::to_string(c.w) + " differs from ATen";
    }
  }
  return "";
}

FastResizeStatus Decide() {
  FastResizeStatus s;
  s.capability = at::get_cpu_capability();
  const char* env = std::getenv("RARFT_RESIZE_IMPL");
  if (env && std::string(env) == "aten") {
    s.reason = "RARFT_RESIZE_IMPL=aten";
    return s;
  }
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
    s.reason = "the CPU lacks AVX2/FMA";
    return s;
  }
  Model model;
  if (s.capability == "AVX2") {
    model = Model::Avx2;
  } else if (s.capability == "DEFAULT") {
    model = Model::Plain;
  } else {
    s.reason = "ATen dispatches to " + s.capability + ", whose float rounding is not modelled";
    return s;
  }
  try {
    const std::string bad = SelfCheck(model);
    if (!bad.empty()) {
      s.reason = "self-check against ATen failed: " + bad;
      return s;
    }
  } catch (const std::exception& e) {
    s.reason = std::string("self-check against ATen threw: ") + e.what();
    return s;
  }
  s.available = true;
  s.reason = "self-check against ATen (" + s.capability + ") passed";
  return s;
}

}  // namespace

const FastResizeStatus& FastResizeInfo() {
  static const FastResizeStatus status = Decide();
  return status;
}

at::Tensor ResizeBicubicAAU8(const at::Tensor& frames, int64_t h, int64_t w, ResizeImpl impl, ResizeThreads threads) {
  TORCH_CHECK(frames.dim() == 4 && frames.scalar_type() == at::kByte, "expected uint8 frames [T,C,H,W]");
  TORCH_CHECK(h >= 1 && w >= 1, "target size must be positive");
  if (impl == ResizeImpl::Aten) return ResizeBicubicAAU8Aten(frames, h, w);
  if (!frames.device().is_cpu()) {
    TORCH_CHECK(impl != ResizeImpl::Fast, "the fast resize kernel is for CPU tensors");
    return ResizeBicubicAAU8Aten(frames, h, w);  // ATen's own kernel for that device, as before
  }
  const FastResizeStatus& s = FastResizeInfo();
  if (!s.available) {
    TORCH_CHECK(impl != ResizeImpl::Fast, "the fast resize kernel is not available here: ", s.reason);
    return ResizeBicubicAAU8Aten(frames, h, w);
  }
  // An output width of 1 with a height change: ATen's vertical loop reads the weights of the first element of each
  // inner run only (it assumes runs along W), and with W = 1 TensorIterator makes runs along H, so the result
  // depends on ATen's loop blocking and thread count. Only ATen itself reproduces that; such frames are tiny anyway.
  if (frames.numel() == 0 || (w == 1 && h != frames.size(2))) return ResizeBicubicAAU8Aten(frames, h, w);
  // Strides must be non-negative for the plane addressing; anything odd goes through a contiguous copy.
  for (int64_t d = 0; d < 4; ++d)
    if (frames.stride(d) < 0) return ResizeBicubicAAU8(frames.contiguous(), h, w, impl, threads);
  return RunFast<uint8_t>(frames, h, w, s.capability == "AVX2" ? Model::Avx2 : Model::Plain, threads);
}

#else  // not x86-64: ATen only

const FastResizeStatus& FastResizeInfo() {
  static const FastResizeStatus status{false, at::get_cpu_capability(), "the fast kernel is x86-64 only"};
  return status;
}

at::Tensor ResizeBicubicAAU8(const at::Tensor& frames, int64_t h, int64_t w, ResizeImpl impl, ResizeThreads) {
  TORCH_CHECK(frames.dim() == 4 && frames.scalar_type() == at::kByte, "expected uint8 frames [T,C,H,W]");
  TORCH_CHECK(impl != ResizeImpl::Fast, "the fast resize kernel is not available here: ", FastResizeInfo().reason);
  return ResizeBicubicAAU8Aten(frames, h, w);
}

#endif

}  // namespace rarft::video
