#include "qwen/text.h"

#include <stdexcept>

#include "qwen/checkpoint.h"
#include "qwen/sharding.h"
#include "qwen/vision.h"  // RmsNorm

namespace rarft::qwen {
namespace {

at::Tensor RotateHalf(const at::Tensor& x) {
  const int64_t h = x.size(-1) / 2;
  return at::cat({-x.narrow(-1, h, h), x.narrow(-1, 0, h)}, -1);
}

// One decoder layer on x [B, s, d]; with a cache, appends this layer's keys/values and attends over all of them.
at::Tensor DecoderLayer(const DecoderLayerWeights& L, double eps, int64_t nh, int64_t nkv, int64_t hd,
                        const at::Tensor& xin, const at::Tensor& cos, const at::Tensor& sin, const at::Tensor& allowed,
                        KvCache* cache, size_t li) {
  const int64_t s = xin.size(1);
  const int64_t past = cache ? cache->length() : 0, S = past + s;
  auto [q, k, v] = LayerProjections(L, eps, nh, nkv, hd, xin, cos, sin);
  if (cache) {
    const bool room = cache->kbuf.size() > li && cache->kbuf[li].defined() && cache->kbuf[li].size(2) >= S;
    if (room) {  // write the new keys/values into the preallocated buffers
      cache->kbuf[li].narrow(2, past, s).copy_(k);
      cache->vbuf[li].narrow(2, past, s).copy_(v);
      cache->k[li] = cache->kbuf[li].narrow(2, 0, S);
      cache->v[li] = cache->vbuf[li].narrow(2, 0, S);
      // fixed_shape: attend over the whole buffer (the mask built for it hides the unwritten tail)
      k = cache->fixed_shape ? cache->kbuf[li] : cache->k[li];
      v = cache->fixed_shape ? cache->vbuf[li] : cache->v[li];
    } else {
      if (cache->fixed_shape) throw std::logic_error("KvCache: fixed_shape needs buffers reserved for every position");
      if (cache->k[li].defined() && past > 0) {
        k = at::cat({cache->k[li], k}, 2);
        v = at::cat({cache->v[li], v}, 2);
      }
      cache->k[li] = k;
      cache->v[li] = v;
    }
  }
  at::Tensor o = at::scaled_dot_product_attention(q, k, v, allowed, 0.0, false, std::nullopt,
                                                  /*enable_gqa=*/nh != nkv);
  return LayerOutput(L, eps, nh, hd, xin, o);
}

}  // namespace

LayerQKV LayerProjections(const DecoderLayerWeights& L, double eps, int64_t nh, int64_t nkv, int64_t hd,
                          const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin) {
  const int64_t B = x.size(0), s = x.size(1);
  at::Tensor h = RmsNorm(x, L.input_norm, eps);
  at::Tensor q = at::linear(h, L.q_w, L.q_b).view({B, s, nh, hd}).transpose(1, 2);
  at::Tensor k = at::linear(h, L.k_w, L.k_b).view({B, s, nkv, hd}).transpose(1, 2);
  at::Tensor v = at::linear(h, L.v_w, L.v_b).view({B, s, nkv, hd}).transpose(1, 2);
  q = q * cos + RotateHalf(q) * sin;  // in the activation dtype: the text path does not upcast (spec §3.3)
  k = k * cos + RotateHalf(k) * sin;
  return {q, k, v};
}

at::Tensor LayerOutput(const DecoderLayerWeights& L, double eps, int64_t nh, int64_t hd, const at::Tensor& x,
                       const at::Tensor& o) {
  const int64_t B = x.size(0), s = x.size(1);
  at::Tensor x2 = x + at::linear(o.transpose(1, 2).reshape({B, s, nh * hd}), L.o_w);
  at::Tensor h = RmsNorm(x2, L.post_norm, eps);
  return x2 + at::linear(at::silu(at::linear(h, L.gate_w)) * at::linear(h, L.up_w), L.down_w);
}

void KvCache::Reserve(int64_t capacity) {
  for (size_t i = 0; i < k.size(); ++i) {
    if (!k[i].defined() || (kbuf.size() > i && kbuf[i].defined() && kbuf[i].size(2) >= capacity)) continue;
    auto shape = k[i].sizes().vec();
    shape[2] = capacity;
    // zeros, not empty: a fixed_shape decode reads the unwritten tail too, and although the mask gives it weight 0,
    // 0 * NaN (garbage memory) would still be NaN in attention @ V
    at::Tensor kb = at::zeros(shape, k[i].options()), vb = at::zeros(shape, v[i].options());
    kb.narrow(2, 0, len).copy_(k[i]);
    vb.narrow(2, 0, len).copy_(v[i]);
    kbuf.resize(k.size());
    vbuf.resize(k.size());
    kbuf[i] = kb;
    vbuf[i] = vb;
    k[i] = kb.narrow(2, 0, len);
    v[i] = vb.narrow(2, 0, len);
  }
}

void KvCache::RepeatRows(int64_t times) {
  if (times == 1) return;
  for (size_t i = 0; i < k.size(); ++i) {
    k[i] = k[i].repeat_interleave(times, 0);
    v[i] = v[i].repeat_interleave(times, 0);
  }
  kbuf.clear();
  vbuf.clear();
}

std::pair<at::Tensor, at::Tensor> MropeCosSin(const TextConfig& t, const at::Tensor& position_ids,
                                              at::ScalarType dtype) {
  const int64_t hd = t.head_dim();
  at::Tensor ar = at::arange(0, hd, 2, at::kLong).to(at::kFloat) / static_cast<double>(hd);
  at::Tensor inv = at::reciprocal(at::pow(t.rope_theta, ar)).to(position_ids.device());  // [hd/2] fp32
  at::Tensor freqs = position_ids.to(at::kFloat).unsqueeze(-1) * inv;                   // [3, B, s, hd/2]
  std::vector<at::Tensor> parts;
  int64_t off = 0;
  for (size_t i = 0; i < t.mrope_section.size(); ++i) {
    parts.push_back(freqs.select(0, static_cast<int64_t>(i % 3)).narrow(-1, off, t.mrope_section[i]));
    off += t.mrope_section[i];
  }
  at::Tensor f = at::cat(parts, -1);
  at::Tensor emb = at::cat({f, f}, -1).unsqueeze(1);  // [B, 1, s, hd]
  return {emb.cos().to(dtype), emb.sin().to(dtype)};
}

at::Tensor DecoderForward(const TextWeights& w, const TextConfig& t, at::Tensor x, const at::Tensor& position_ids,
                          const at::Tensor& key_mask, KvCache* cache, bool checkpoint, ModelSharding* sharding) {
  const int64_t B = x.size(0), s = x.size(1), hd = t.head_dim(), nh = t.num_attention_heads,
                nkv = t.num_key_value_heads;
  const int64_t past = cache ? cache->length() : 0, S = past + s;
  // keys attended: the cached + new tokens, or the whole reserved buffer (fixed_shape, see KvCache)
  const bool fixed = cache && cache->fixed_shape;
  const int64_t K = fixed ? cache->capacity() : S;
  if (fixed && K < S) throw std::invalid_argument("KvCache: " + std::to_string(S) + " positions do not fit the " + std::to_string(K) + " reserved");
  if (position_ids.dim() != 3 || position_ids.size(0) != 3 || position_ids.size(1) != B || position_ids.size(2) != s)
    throw std::invalid_argument("position_ids: expected shape [3, " + std::to_string(B) + ", " + std::to_string(s) +
                                "], found " + c10::str(position_ids.sizes()));
  if (key_mask.dim() != 2 || key_mask.size(0) != B || key_mask.size(1) != K)
    throw std::invalid_argument("attention_mask: expected shape [" + std::to_string(B) + ", " + std::to_string(K) +
                                (fixed ? "] (the reserved KV positions)" : "] (cached + new tokens)") + ", found " +
                                c10::str(key_mask.sizes()));
  const auto dt = x.scalar_type();
  auto [cos, sin] = MropeCosSin(t, position_ids, dt);
  // Boolean mask [B, 1, s, S]: causal in absolute cache positions, padded keys excluded. Each query may always see
  // itself, so a padding query row never has an empty softmax (its output is junk but finite: NaNs would leak into
  // real rows through 0 * NaN in later layers).
  at::Tensor qpos = at::arange(past, S, at::TensorOptions().dtype(at::kLong).device(x.device())).view({s, 1});
  at::Tensor kpos = at::arange(0, K, at::TensorOptions().dtype(at::kLong).device(x.device())).view({1, K});
  at::Tensor allowed = (kpos <= qpos).view({1, 1, s, K}) & key_mask.to(at::kBool).view({B, 1, 1, K});
  allowed = allowed | (kpos == qpos).view({1, 1, s, K});
  if (cache && cache->k.empty()) {
    cache->k.resize(w.layers.size());
    cache->v.resize(w.layers.size());
  }
  for (size_t li = 0; li < w.layers.size(); ++li) {
    if (sharding) {
      x = sharding->RunBlock(
          sharding->text_layer(li),
          [L = w.layers[li], eps = t.rms_norm_eps, nh, nkv, hd, cos = cos, sin = sin, allowed, cache, li](const at::Tensor& xin) {
            return DecoderLayer(L, eps, nh, nkv, hd, xin, cos, sin, allowed, cache, li);
          },
          x, li + 1 < w.layers.size() ? &sharding->text_layer(li + 1) : nullptr, li > 0 ? &sharding->text_layer(li - 1) : nullptr);
    } else if (checkpoint && !cache) {
      // Capture copies (tensor handles, scalars): backward runs after this function has returned.
      const DecoderLayerWeights& lw = w.layers[li];
      const bool pg = AnyRequiresGrad({lw.input_norm, lw.q_w, lw.q_b, lw.k_w, lw.k_b, lw.v_w, lw.v_b, lw.o_w,
                                       lw.post_norm, lw.gate_w, lw.up_w, lw.down_w});
      x = Checkpointed(
          [L = lw, eps = t.rms_norm_eps, nh, nkv, hd, cos = cos, sin = sin, allowed](const at::Tensor& xin) {
            return DecoderLayer(L, eps, nh, nkv, hd, xin, cos, sin, allowed, nullptr, 0);
          },
          x, pg);
    } else {
      x = DecoderLayer(w.layers[li], t.rms_norm_eps, nh, nkv, hd, x, cos, sin, allowed, cache, li);
    }
  }
  if (cache) cache->len = S;
  return RmsNorm(x, w.norm, t.rms_norm_eps);
}

}  // namespace rarft::qwen
