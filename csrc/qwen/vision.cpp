#include "qwen/vision.h"

#include "qwen/checkpoint.h"
#include "qwen/sharding.h"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>

namespace rarft::qwen {

at::Tensor RmsNorm(const at::Tensor& x, const at::Tensor& weight, double eps) {
  at::Tensor h = x.to(at::kFloat);
  h = h * at::rsqrt(h.pow(2).mean(-1, /*keepdim=*/true) + eps);
  return weight * h.to(x.scalar_type());
}

std::vector<Grid> GridsFromTensor(const at::Tensor& grid_thw, const VisionConfig& v, const char* what) {
  if (grid_thw.dim() != 2 || grid_thw.size(1) != 3)
    throw std::invalid_argument(std::string(what) + ": expected shape [n, 3], found " +
                                c10::str(grid_thw.sizes()));
  at::Tensor g = grid_thw.to(at::kCPU).to(at::kLong).contiguous();
  std::vector<Grid> out;
  const int64_t* p = g.data_ptr<int64_t>();
  for (int64_t i = 0; i < g.size(0); ++i) {
    Grid gr{p[3 * i], p[3 * i + 1], p[3 * i + 2]};
    if (gr[0] <= 0 || gr[1] <= 0 || gr[2] <= 0 || gr[1] % v.spatial_merge_size || gr[2] % v.spatial_merge_size)
      throw std::invalid_argument(std::string(what) + "[" + std::to_string(i) + "] = (" + std::to_string(gr[0]) +
                                  "," + std::to_string(gr[1]) + "," + std::to_string(gr[2]) +
                                  "): h and w must be positive multiples of the merge size");
    out.push_back(gr);
  }
  return out;
}

WindowIndex ComputeWindowIndex(const std::vector<Grid>& grids, const VisionConfig& v) {
  const int64_t ws = v.window_size / v.spatial_merge_size / v.patch_size, unit = v.merge_unit();
  WindowIndex r;
  r.cu_window.push_back(0);
  r.cu_full.push_back(0);
  int64_t offset = 0;
  for (const Grid& g : grids) {
    const int64_t gt = g[0], lh = g[1] / v.spatial_merge_size, lw = g[2] / v.spatial_merge_size;
    // HF pads by ws - (l mod ws), i.e. a whole empty window row when l is a multiple of ws (spec §2.4 quirk); the
    // empty windows only add duplicate boundaries, which the dedupe below removes, so iterate the same windows.
    const int64_t nwh = (lh + ws - lh % ws) / ws, nww = (lw + ws - lw % ws) / ws;
    for (int64_t t = 0; t < gt; ++t)
      for (int64_t wy = 0; wy < nwh; ++wy)
        for (int64_t wx = 0; wx < nww; ++wx) {
          int64_t count = 0;
          for (int64_t y = wy * ws; y < std::min(lh, (wy + 1) * ws); ++y)
            for (int64_t x = wx * ws; x < std::min(lw, (wx + 1) * ws); ++x, ++count)
              r.window_index.push_back((t * lh + y) * lw + x + offset);
          if (count > 0) r.cu_window.push_back(r.cu_window.back() + unit * count);
        }
    for (int64_t t = 0; t < gt; ++t) r.cu_full.push_back(r.cu_full.back() + g[1] * g[2]);
    offset += gt * lh * lw;
  }
  return r;
}

at::Tensor VisionRotaryAngles(const std::vector<Grid>& grids, const VisionConfig& v, const at::Device& device) {
  const int64_t half = v.head_dim() / 2, m = v.spatial_merge_size;
  // inv = 1 / 10000^(arange(0, half, 2) / half), in float32 as HF computes it.
  at::Tensor ar = at::arange(0, half, 2, at::kLong).to(at::kFloat) / static_cast<double>(half);
  at::Tensor inv = at::reciprocal(at::pow(10000.0, ar));
  std::vector<int64_t> hp, wp;
  for (const Grid& g : grids)
    for (int64_t t = 0; t < g[0]; ++t)
      for (int64_t bh = 0; bh < g[1] / m; ++bh)
        for (int64_t bw = 0; bw < g[2] / m; ++bw)
          for (int64_t mh = 0; mh < m; ++mh)
            for (int64_t mw = 0; mw < m; ++mw) {
              hp.push_back(bh * m + mh);
              wp.push_back(bw * m + mw);
            }
  auto n = static_cast<int64_t>(hp.size());
  at::Tensor h = at::from_blob(hp.data(), {n, 1}, at::kLong).to(at::kFloat);
  at::Tensor w = at::from_blob(wp.data(), {n, 1}, at::kLong).to(at::kFloat);
  return at::cat({h * inv, w * inv}, 1).to(device);
}

at::Tensor SegmentAttention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                            const std::vector<int64_t>& cu) {
  const int64_t N = q.size(0), H = q.size(1), hd = q.size(2);
  if (cu.empty() || cu.back() != N)
    throw std::invalid_argument("vision attention: cu_seqlens ends at " + std::to_string(cu.empty() ? 0 : cu.back()) +
                                ", expected the sequence length " + std::to_string(N));
  std::map<int64_t, std::vector<int64_t>> starts_by_len;
  for (size_t i = 0; i + 1 < cu.size(); ++i)
    if (cu[i + 1] > cu[i]) starts_by_len[cu[i + 1] - cu[i]].push_back(cu[i]);
  if (starts_by_len.size() == 1 && starts_by_len.begin()->second.size() == 1) {  // one segment: no gather needed
    auto o = at::scaled_dot_product_attention(q.transpose(0, 1).unsqueeze(0), k.transpose(0, 1).unsqueeze(0),
                                              v.transpose(0, 1).unsqueeze(0));
    return o.squeeze(0).transpose(0, 1);
  }
  std::vector<at::Tensor> outs, idxs;
  for (auto& [len, starts] : starts_by_len) {
    const auto ns = static_cast<int64_t>(starts.size());
    at::Tensor idx = (at::tensor(starts, at::kLong).view({ns, 1}) + at::arange(len, at::kLong).view({1, len}))
                         .flatten()
                         .to(q.device());
    auto gather = [&](const at::Tensor& x) { return x.index_select(0, idx).view({ns, len, H, hd}).transpose(1, 2); };
    at::Tensor o = at::scaled_dot_product_attention(gather(q), gather(k), gather(v));  // [ns, H, len, hd]
    outs.push_back(o.transpose(1, 2).reshape({ns * len, H, hd}));
    idxs.push_back(idx);
  }
  // Segments are disjoint and cover [0, N): invert the concatenated gather order.
  at::Tensor all_idx = at::cat(idxs);
  return at::cat(outs).index_select(0, at::argsort(all_idx));
}

namespace {

at::Tensor RotateHalf(const at::Tensor& x) {
  const int64_t h = x.size(-1) / 2;
  return at::cat({-x.narrow(-1, h, h), x.narrow(-1, 0, h)}, -1);
}

// Reorders rows of [N, ...] in groups of `unit` by the merged-token permutation `perm`.
at::Tensor PermuteUnits(const at::Tensor& x, const at::Tensor& perm, int64_t unit) {
  const int64_t N = x.size(0);
  at::Tensor y = x.reshape({N / unit, unit, -1}).index_select(0, perm);
  return y.reshape({N, -1});
}

// One vision block (spec §2.6) on x [N, D] in window order.
at::Tensor VisionBlock(const VisionBlockWeights& b, int64_t H, int64_t hd, const at::Tensor& xin, const at::Tensor& cos,
                       const at::Tensor& sin, const std::vector<int64_t>& cu) {
  const int64_t N = xin.size(0), D = H * hd;
  const auto dt = xin.scalar_type();
  at::Tensor h = RmsNorm(xin, b.norm1, 1e-6);
  at::Tensor qkv = at::linear(h, b.qkv_w, b.qkv_b).view({N, 3, H, hd});
  at::Tensor q = qkv.select(1, 0), k = qkv.select(1, 1), val = qkv.select(1, 2);
  // RoPE in fp32 with the result cast back (spec §7.1).
  at::Tensor qf = q.to(at::kFloat), kf = k.to(at::kFloat);
  q = (qf * cos + RotateHalf(qf) * sin).to(dt);
  k = (kf * cos + RotateHalf(kf) * sin).to(dt);
  at::Tensor o = SegmentAttention(q, k, val, cu).reshape({N, D});
  at::Tensor x = xin + at::linear(o, b.proj_w, b.proj_b);
  h = RmsNorm(x, b.norm2, 1e-6);
  return x + at::linear(at::silu(at::linear(h, b.gate_w, b.gate_b)) * at::linear(h, b.up_w, b.up_b), b.down_w,
                        b.down_b);
}

}  // namespace

at::Tensor VisionForward(const VisionWeights& w, const VisionConfig& v, const at::Tensor& pixel_values,
                         const std::vector<Grid>& grids, VisionTrace* trace, bool checkpoint, ModelSharding* sharding) {
  int64_t N = 0;
  for (const Grid& g : grids) N += g[0] * g[1] * g[2];
  if (pixel_values.dim() != 2 || pixel_values.size(0) != N || pixel_values.size(1) != v.patch_dim())
    throw std::invalid_argument("pixel values: expected shape [" + std::to_string(N) + ", " +
                                std::to_string(v.patch_dim()) + "] for the given grid, found " +
                                c10::str(pixel_values.sizes()));
  const auto dev = w.patch_w.device();
  const auto dt = w.patch_w.scalar_type();
  const int64_t D = v.hidden_size, H = v.num_heads, hd = v.head_dim(), unit = v.merge_unit();
  // Patch embed: Conv3d with kernel = stride = patch is a matmul over the flattened patch (spec §2.2).
  at::Tensor x = at::matmul(pixel_values.to(dev, dt), w.patch_w.reshape({D, -1}).t());
  if (trace) trace->patch_embed = x;

  WindowIndex wi = ComputeWindowIndex(grids, v);
  at::Tensor perm = at::tensor(wi.window_index, at::kLong).to(dev);
  x = PermuteUnits(x, perm, unit);
  at::Tensor rot = PermuteUnits(VisionRotaryAngles(grids, v, dev), perm, unit);
  at::Tensor emb = at::cat({rot, rot}, -1);
  at::Tensor cos = emb.cos().unsqueeze(1), sin = emb.sin().unsqueeze(1);  // fp32 [N, 1, hd]

  for (size_t i = 0; i < w.blocks.size(); ++i) {
    const bool full = std::find(v.fullatt_block_indexes.begin(), v.fullatt_block_indexes.end(),
                                static_cast<int64_t>(i)) != v.fullatt_block_indexes.end();
    const std::vector<int64_t>& cu = full ? wi.cu_full : wi.cu_window;
    if (sharding) {
      x = sharding->RunBlock(
          sharding->vision_block(i),
          [b = w.blocks[i], H, hd, cos, sin, cu](const at::Tensor& xin) { return VisionBlock(b, H, hd, xin, cos, sin, cu); }, x,
          i + 1 < w.blocks.size() ? &sharding->vision_block(i + 1) : nullptr, i > 0 ? &sharding->vision_block(i - 1) : nullptr);
    } else if (checkpoint) {  // copies only: backward runs after this function has returned
      const VisionBlockWeights& bw = w.blocks[i];
      const bool pg = AnyRequiresGrad({bw.norm1, bw.norm2, bw.qkv_w, bw.qkv_b, bw.proj_w, bw.proj_b, bw.gate_w,
                                       bw.gate_b, bw.up_w, bw.up_b, bw.down_w, bw.down_b});
      x = Checkpointed([b = bw, H, hd, cos, sin, cu](const at::Tensor& xin) {
        return VisionBlock(b, H, hd, xin, cos, sin, cu);
      }, x, pg);
    } else {
      x = VisionBlock(w.blocks[i], H, hd, x, cos, sin, cu);
    }
    if (trace) trace->blocks.push_back(x);
  }
  at::Tensor y = RmsNorm(x, w.ln_q, 1e-6).reshape({N / unit, D * unit});
  y = at::linear(at::gelu(at::linear(y, w.mlp0_w, w.mlp0_b)), w.mlp2_w, w.mlp2_b);
  return y.index_select(0, at::argsort(perm));  // back to item order (spec §2.7)
}

}  // namespace rarft::qwen
