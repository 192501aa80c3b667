#include "qwen/grouped_logprobs.h"

#include <stdexcept>
#include <tuple>  // std::tie

#include "qwen/checkpoint.h"
#include "qwen/sharding.h"
#include "qwen/text.h"
#include "qwen/vision.h"  // RmsNorm

namespace rarft::qwen {
namespace {

// Token counts of one group: the prompt (one row) and G completions of T tokens; d = hidden size.
struct GroupShape {
  int64_t Lp, G, T, d;
};

// One layer's input/output travels as ONE tensor [Lp + G*T, d] so that the checkpoint and ZeRO wrappers, which take
// a single tensor, serve this path unchanged.
at::Tensor Pack(const at::Tensor& xp, const at::Tensor& xc, const GroupShape& s) {
  return at::cat({xp.reshape({s.Lp, s.d}), xc.reshape({s.G * s.T, s.d})}, 0);
}
std::pair<at::Tensor, at::Tensor> Unpack(const at::Tensor& X, const GroupShape& s) {
  return {X.narrow(0, 0, s.Lp).view({1, s.Lp, s.d}), X.narrow(0, s.Lp, s.G * s.T).view({s.G, s.T, s.d})};
}

struct Rope {
  at::Tensor cos, sin;
};

struct LayerCtx {
  double eps;
  int64_t nh, nkv, hd;
  GroupShape s;
  Rope prompt, comp;          // cos/sin [1, 1, Lp, hd] and [1, 1, T, hd] (the completion rows share positions)
  at::Tensor mask_p, mask_c;  // [1, 1, Lp, Lp] causal; [1, 1, T, Lp + T]: all prompt keys, causal completion keys
};

// The decoder layer of text.cpp (same projections and output halves), on a prompt row and its G completions.
at::Tensor GroupedLayer(const DecoderLayerWeights& L, const LayerCtx& c, const at::Tensor& X) {
  const GroupShape& s = c.s;
  auto [xp, xc] = Unpack(X, s);
  const bool gqa = c.nh != c.nkv;
  auto [qp, kp, vp] = LayerProjections(L, c.eps, c.nh, c.nkv, c.hd, xp, c.prompt.cos, c.prompt.sin);
  auto [qc, kc, vc] = LayerProjections(L, c.eps, c.nh, c.nkv, c.hd, xc, c.comp.cos, c.comp.sin);
  at::Tensor op = at::scaled_dot_product_attention(qp, kp, vp, c.mask_p, 0.0, false, std::nullopt, gqa);
  // the completions see the prompt's keys/values (one copy, broadcast over the G rows) then their own
  at::Tensor K = at::cat({kp.expand({s.G, -1, -1, -1}), kc}, 2);
  at::Tensor V = at::cat({vp.expand({s.G, -1, -1, -1}), vc}, 2);
  at::Tensor oc = at::scaled_dot_product_attention(qc, K, V, c.mask_c, 0.0, false, std::nullopt, gqa);
  return Pack(LayerOutput(L, c.eps, c.nh, c.hd, xp, op), LayerOutput(L, c.eps, c.nh, c.hd, xc, oc), s);
}

}  // namespace

std::pair<at::Tensor, at::Tensor> GroupedSequenceLogprobs(const QwenModel& model, const QwenInputs& prompt,
                                                          const at::Tensor& completion, SpgMode mode,
                                                          const LogprobOptions& opts) {
  const QwenConfig& cfg = model.config();
  const TextConfig& t = cfg.text;
  const at::Device dev = model.device();
  if (!prompt.input_ids.defined() || prompt.input_ids.dim() != 2 || prompt.input_ids.size(0) != 1)
    throw std::invalid_argument("groupLogprobs: the prompt must be ONE row [1, L]");
  if (completion.dim() != 2 || completion.size(0) < 1 || completion.size(1) < 1)
    throw std::invalid_argument("groupLogprobs: completion must be [G, T] with G, T >= 1; got " + c10::str(completion.sizes()));
  if (prompt.position_ids.defined()) throw std::invalid_argument("groupLogprobs: position_ids overrides are not supported");
  if (prompt.attention_mask.defined() && !prompt.attention_mask.to(at::kBool).all().item<bool>())
    throw std::invalid_argument("groupLogprobs: the prompt row must not be padded");
  at::Tensor comp = completion.to(dev).to(at::kLong);
  if (comp.min().item<int64_t>() < 0 || comp.max().item<int64_t>() >= t.vocab_size)
    throw std::invalid_argument("groupLogprobs: completion token id out of range [0, " + std::to_string(t.vocab_size) + ")");
  for (int64_t id : {cfg.image_token_id, cfg.video_token_id, cfg.vision_start_token_id, cfg.vision_end_token_id})
    if ((comp == id).any().item<bool>())
      throw std::invalid_argument("groupLogprobs: a completion contains vision token " + std::to_string(id) +
                                  " (it would need visual features); cut completions at vision tokens first");
  const GroupShape s{prompt.input_ids.size(1), comp.size(0), comp.size(1), t.hidden_size};
  const auto& w = model.weights();
  RestScope rest(model.sharding());

  // Positions of the prompt followed by one completion: completion tokens are text tokens, so every row gets the
  // same ones (the §3.2 walk does not look at their ids).
  QwenInputs full = prompt;
  full.input_ids = at::cat({prompt.input_ids.to(dev).to(at::kLong), comp.narrow(0, 0, 1)}, 1);
  full.attention_mask = at::Tensor();
  at::Tensor pos = model.Rope(full, mode).position_ids.to(dev);  // [3, 1, Lp + T]

  at::Tensor xp = model.Embed(prompt);  // [1, Lp, d]: the vision tower runs once for the group
  at::Tensor xc = at::embedding(w.text.embed, comp);
  const auto dt = xp.scalar_type();
  LayerCtx c;
  c.eps = t.rms_norm_eps;
  c.nh = t.num_attention_heads;
  c.nkv = t.num_key_value_heads;
  c.hd = t.head_dim();
  c.s = s;
  std::tie(c.prompt.cos, c.prompt.sin) = MropeCosSin(t, pos.narrow(2, 0, s.Lp), dt);
  std::tie(c.comp.cos, c.comp.sin) = MropeCosSin(t, pos.narrow(2, s.Lp, s.T), dt);
  const auto li = at::TensorOptions().dtype(at::kLong).device(dev);
  at::Tensor qp = at::arange(0, s.Lp, li).view({s.Lp, 1}), kp = at::arange(0, s.Lp, li).view({1, s.Lp});
  c.mask_p = (kp <= qp).view({1, 1, s.Lp, s.Lp});
  at::Tensor qc = at::arange(s.Lp, s.Lp + s.T, li).view({s.T, 1}), kc = at::arange(0, s.Lp + s.T, li).view({1, s.Lp + s.T});
  c.mask_c = (kc <= qc).view({1, 1, s.T, s.Lp + s.T});

  ModelSharding* sharding = model.sharding();
  at::Tensor X = Pack(xp, xc, s);
  const size_t n = w.text.layers.size();
  for (size_t i = 0; i < n; ++i) {
    const DecoderLayerWeights& L = w.text.layers[i];
    auto fn = [L, c](const at::Tensor& x) { return GroupedLayer(L, c, x); };  // copies: backward may run later
    if (sharding) {
      X = sharding->RunBlock(sharding->text_layer(i), fn, X, i + 1 < n ? &sharding->text_layer(i + 1) : nullptr,
                             i > 0 ? &sharding->text_layer(i - 1) : nullptr);
    } else if (model.gradient_checkpointing()) {
      X = Checkpointed(fn, X, AnyRequiresGrad({L.input_norm, L.q_w, L.q_b, L.k_w, L.k_b, L.v_w, L.v_b, L.o_w, L.post_norm,
                                               L.gate_w, L.up_w, L.down_w}));
    } else {
      X = fn(X);
    }
  }
  auto [hp, hc] = Unpack(X, s);
  hp = RmsNorm(hp, w.text.norm, t.rms_norm_eps);
  hc = RmsNorm(hc, w.text.norm, t.rms_norm_eps);
  // row g's token k is predicted by the state before it: the prompt's last one for k = 0, else completion k - 1
  at::Tensor h = at::cat({hp.narrow(1, s.Lp - 1, 1).expand({s.G, 1, s.d}), hc.narrow(1, 0, s.T - 1)}, 1);
  return ChunkedLogprobs(h, w.text.lm_head, comp, opts);
}

}  // namespace rarft::qwen
