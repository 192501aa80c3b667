#include "qwen/rope_index.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "qwen/vision.h"

namespace rarft::qwen {

RopeIndex ComputeRopeIndex(const QwenConfig& c, const at::Tensor& input_ids, const at::Tensor& attention_mask,
                           const at::Tensor& image_grid_thw, const at::Tensor& video_grid_thw,
                           const at::Tensor& second_per_grid_ts, SpgMode mode) {
  if (input_ids.dim() != 2) throw std::invalid_argument("input_ids: expected [B, L], found " + c10::str(input_ids.sizes()));
  const int64_t B = input_ids.size(0), L = input_ids.size(1);
  at::Tensor ids = input_ids.to(at::kCPU).to(at::kLong).contiguous();
  at::Tensor mask = attention_mask.defined() ? attention_mask.to(at::kCPU).to(at::kLong).contiguous()
                                             : at::ones({B, L}, at::kLong);
  if (mask.sizes() != ids.sizes())
    throw std::invalid_argument("attention_mask: expected shape " + c10::str(ids.sizes()) + ", found " +
                                c10::str(mask.sizes()));
  std::vector<Grid> igrid, vgrid;
  if (image_grid_thw.defined()) igrid = GridsFromTensor(image_grid_thw, c.vision, "image_grid_thw");
  if (video_grid_thw.defined()) vgrid = GridsFromTensor(video_grid_thw, c.vision, "video_grid_thw");
  std::vector<float> spg;
  if (second_per_grid_ts.defined()) {
    at::Tensor s = second_per_grid_ts.to(at::kCPU).to(at::kFloat).contiguous().flatten();
    spg.assign(s.data_ptr<float>(), s.data_ptr<float>() + s.numel());
    if (spg.size() != vgrid.size())
      throw std::invalid_argument("second_per_grid_ts: expected " + std::to_string(vgrid.size()) +
                                  " entries (one per video), found " + std::to_string(spg.size()));
  }
  const int64_t* idp = ids.data_ptr<int64_t>();
  const int64_t* mp = mask.data_ptr<int64_t>();
  at::Tensor pos = at::ones({3, B, L}, at::kLong);
  int64_t* pp = pos.data_ptr<int64_t>();
  std::vector<int64_t> deltas(B);

  if (igrid.empty() && vgrid.empty()) {  // text only: cumsum(mask) - 1, pads at 1
    for (int64_t b = 0; b < B; ++b) {
      int64_t run = 0, mx = 0;
      for (int64_t l = 0; l < L; ++l) {
        const bool on = !attention_mask.defined() || mp[b * L + l];
        int64_t v = on ? run++ : 1;
        if (!attention_mask.defined()) v = l;
        for (int r = 0; r < 3; ++r) pp[(r * B + b) * L + l] = v;
        mx = std::max(mx, v);
      }
      deltas[b] = attention_mask.defined() ? mx + 1 - L : 0;
    }
  } else {
    const int64_t m = c.vision.spatial_merge_size;
    const double tps = c.vision.tokens_per_second;
    size_t img_i = 0, vid_i = 0;
    for (int64_t b = 0; b < B; ++b) {
      std::vector<int64_t> tok, where;
      for (int64_t l = 0; l < L; ++l)
        if (mp[b * L + l]) {
          tok.push_back(idp[b * L + l]);
          where.push_back(l);
        }
      const auto n = static_cast<int64_t>(tok.size());
      int64_t n_img = 0, n_vid = 0;
      for (int64_t k = 0; k + 1 < n; ++k)
        if (tok[k] == c.vision_start_token_id) {
          n_img += tok[k + 1] == c.image_token_id;
          n_vid += tok[k + 1] == c.video_token_id;
        }
      std::vector<int64_t> rows[3];
      auto push = [&](int64_t t, int64_t h, int64_t w) {
        rows[0].push_back(t);
        rows[1].push_back(h);
        rows[2].push_back(w);
      };
      int64_t st = 0, next_pos = 0, rem_img = n_img, rem_vid = n_vid;
      for (int64_t item = 0; item < n_img + n_vid; ++item) {
        auto find = [&](int64_t id, int64_t remaining) -> int64_t {
          if (remaining <= 0) return INT64_MAX;
          auto it = std::find(tok.begin() + st, tok.end(), id);
          return it == tok.end() ? INT64_MAX : it - tok.begin();
        };
        const int64_t e_img = find(c.image_token_id, rem_img), e_vid = find(c.video_token_id, rem_vid);
        Grid g;
        int64_t ed;
        bool video;
        float s = 1.0f;
        if (e_img < e_vid) {
          if (img_i >= igrid.size())
            throw std::invalid_argument("rope index: sample " + std::to_string(b) + " has more images than image_grid_thw rows (" + std::to_string(igrid.size()) + ")");
          g = igrid[img_i++];
          ed = e_img;
          video = false;
          --rem_img;
        } else {
          if (e_vid == INT64_MAX || vid_i >= vgrid.size())
            throw std::invalid_argument("rope index: sample " + std::to_string(b) + " has more videos than video_grid_thw rows (" + std::to_string(vgrid.size()) + ")");
          if (!spg.empty()) s = spg[vid_i];
          g = vgrid[vid_i++];
          ed = e_vid;
          video = true;
          --rem_vid;
        }
        const int64_t T = g[0], lh = g[1] / m, lw = g[2] / m;
        for (int64_t k = 0; k < ed - st; ++k) push(next_pos + k, next_pos + k, next_pos + k);
        const int64_t base = next_pos + (ed - st);
        if (ed + T * lh * lw > n)
          throw std::invalid_argument("rope index: sample " + std::to_string(b) + " has fewer placeholder tokens than its grid needs (" + std::to_string(T * lh * lw) + ")");
        int64_t mx = base;
        for (int64_t tt = 0; tt < T; ++tt) {
          int64_t time = 0;
          if (video) {
            if (mode == SpgMode::kFloat) {
              // float32 (tt * spg), then * tokens_per_second in float32, truncated toward zero (HF 4.51).
              const float a = static_cast<float>(tt) * s;
              time = static_cast<int64_t>(a * static_cast<float>(tps));
            } else {
              time = tt * static_cast<int64_t>(s) * static_cast<int64_t>(tps);
            }
          }  // images: spg = 0, every slice at t = base
          for (int64_t i = 0; i < lh; ++i)
            for (int64_t j = 0; j < lw; ++j) {
              push(base + time, base + i, base + j);
              mx = std::max({mx, base + time, base + i, base + j});
            }
        }
        next_pos = mx + 1;
        st = ed + T * lh * lw;
      }
      for (int64_t k = 0; k < n - st; ++k) push(next_pos + k, next_pos + k, next_pos + k);
      int64_t mx = 0;
      for (int r = 0; r < 3; ++r)
        for (size_t k = 0; k < rows[r].size(); ++k) {
          pp[(r * B + b) * L + where[k]] = rows[r][k];
          mx = std::max(mx, rows[r][k]);
        }
      deltas[b] = mx + 1 - L;
    }
  }
  RopeIndex out;
  out.position_ids = pos.to(input_ids.device());
  out.rope_deltas = at::tensor(deltas, at::kLong).view({B, 1}).to(input_ids.device());
  return out;
}

}  // namespace rarft::qwen
