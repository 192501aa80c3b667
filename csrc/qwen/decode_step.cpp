#include "qwen/decode_step.h"

#include <stdexcept>

#include "qwen/vision.h"  // RmsNorm

namespace rarft::qwen {

DecodeState MakeDecodeState(const TextConfig& t, int64_t rows, int64_t capacity, const at::Tensor& deltas,
                            const at::Tensor& key_mask, const at::Device& device) {
  DecodeState s;
  const auto li = at::TensorOptions().dtype(at::kLong).device(device);
  s.tok = at::zeros({rows}, li);
  s.pos = at::zeros({1}, li);
  s.deltas = deltas.to(device).contiguous();
  s.key_mask = key_mask.to(device).contiguous();
  s.kpos = at::arange(0, capacity, li).view({1, capacity});
  s.inv_freq = MropeInvFreq(t, device);
  s.logits = at::empty({rows, t.vocab_size}, at::TensorOptions().dtype(at::kFloat).device(device));
  return s;
}

void DecodeStepStatic(const TextWeights& w, const TextConfig& t, KvCache& cache, DecodeState& s) {
  const int64_t R = s.tok.size(0), K = cache.capacity(), hd = t.head_dim(), nh = t.num_attention_heads,
                nkv = t.num_key_value_heads;
  if (!cache.fixed_shape || K == 0 || s.kpos.size(1) != K) throw std::logic_error("DecodeStepStatic: the cache must be reserved in fixed_shape mode");
  at::Tensor x = at::embedding(w.embed, s.tok.view({R, 1}));  // [R, 1, d]
  const auto dt = x.scalar_type();
  at::Tensor p = (s.deltas + s.pos).view({1, R, 1}).expand({3, R, 1});
  auto [cos, sin] = MropeCosSin(t, p, dt, s.inv_freq);
  at::Tensor qpos = s.pos.view({1, 1});
  // as DecoderForward builds it for one query at index c0 over the whole buffer
  at::Tensor allowed = (s.kpos <= qpos).view({1, 1, 1, K}) & s.key_mask.to(at::kBool).view({R, 1, 1, K});
  allowed = allowed | (s.kpos == qpos).view({1, 1, 1, K});
  for (size_t li = 0; li < w.layers.size(); ++li) {
    const DecoderLayerWeights& L = w.layers[li];
    auto [q, k, v] = LayerProjections(L, t.rms_norm_eps, nh, nkv, hd, x, cos, sin);
    cache.kbuf[li].index_copy_(2, s.pos, k);
    cache.vbuf[li].index_copy_(2, s.pos, v);
    at::Tensor o = at::scaled_dot_product_attention(q, cache.kbuf[li], cache.vbuf[li], allowed, 0.0, false, std::nullopt,
                                                    /*enable_gqa=*/nh != nkv);
    x = LayerOutput(L, t.rms_norm_eps, nh, hd, x, o);
  }
  at::Tensor h = RmsNorm(x, w.norm, t.rms_norm_eps).select(1, 0);
  s.logits.copy_(at::linear(h, w.lm_head).to(at::kFloat));
}

}  // namespace rarft::qwen
