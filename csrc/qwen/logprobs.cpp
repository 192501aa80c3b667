#include "qwen/logprobs.h"

#include <torch/csrc/autograd/custom_function.h>

#include <stdexcept>

namespace rarft::qwen {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// One chunk's fp32 logits, scaled by 1/temperature.
at::Tensor ChunkLogits(const at::Tensor& h, const at::Tensor& w, double temp) {
  at::Tensor z = at::matmul(h, w.t()).to(at::kFloat);
  return temp == 1.0 ? z : z / temp;
}

struct ChunkedLogprobFn : public torch::autograd::Function<ChunkedLogprobFn> {
  static variable_list forward(AutogradContext* ctx, const at::Tensor& hidden, const at::Tensor& w,
                               const at::Tensor& targets, int64_t chunk, bool entropy, double temp) {
    at::NoGradGuard ng;
    const int64_t B = hidden.size(0), T = hidden.size(1);
    at::Tensor lp = at::empty({B, T}, hidden.options().dtype(at::kFloat));
    at::Tensor ent = entropy ? at::empty({B, T}, lp.options()) : at::empty({0}, lp.options());
    for (int64_t s = 0; s < T; s += chunk) {
      const int64_t c = std::min(chunk, T - s);
      at::Tensor z = ChunkLogits(hidden.narrow(1, s, c), w, temp);  // [B, c, V]
      at::Tensor lse = at::logsumexp(z, -1);
      lp.narrow(1, s, c).copy_(z.gather(-1, targets.narrow(1, s, c).unsqueeze(-1)).squeeze(-1) - lse);
      if (entropy) ent.narrow(1, s, c).copy_(lse - (at::softmax(z, -1) * z).sum(-1));
    }
    ctx->save_for_backward({hidden, w, targets});
    ctx->saved_data["chunk"] = chunk;
    ctx->saved_data["entropy"] = entropy;
    ctx->saved_data["temp"] = temp;
    if (entropy) ctx->saved_data["ent"] = ent;
    return {lp, ent};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const at::Tensor &hidden = saved[0], &w = saved[1], &targets = saved[2];
    const int64_t chunk = ctx->saved_data["chunk"].toInt();
    const bool entropy = ctx->saved_data["entropy"].toBool();
    const double temp = ctx->saved_data["temp"].toDouble();
    const int64_t T = hidden.size(1);
    at::Tensor g_lp = grads[0].defined() ? grads[0] : at::Tensor();
    at::Tensor g_ent = entropy && grads[1].defined() && grads[1].numel() ? grads[1] : at::Tensor();
    const bool need_h = ctx->needs_input_grad(0), need_w = ctx->needs_input_grad(1);
    at::Tensor gh = need_h ? at::zeros_like(hidden) : at::Tensor();
    at::Tensor gw = need_w ? at::zeros(w.sizes(), w.options().dtype(at::kFloat)) : at::Tensor();
    at::Tensor ent = entropy ? ctx->saved_data["ent"].toTensor() : at::Tensor();
    for (int64_t s = 0; s < T; s += chunk) {
      const int64_t c = std::min(chunk, T - s);
      at::Tensor h = hidden.narrow(1, s, c);
      // In place where possible: at most two [B, c, V] fp32 blocks are alive at once (log-probs and probs/gradient).
      at::Tensor logp;
      {
        at::Tensor z = ChunkLogits(h, w, temp);
        logp = at::log_softmax(z, -1);
      }  // z freed here
      at::Tensor gz = logp.exp();  // p; becomes the gradient w.r.t. z in place
      if (g_ent.defined()) {
        // H = -Σ p log p  =>  dH/dz_j = -p_j (log p_j + H): the term is built in logp's storage
        at::Tensor g = g_ent.narrow(1, s, c).to(at::kFloat).unsqueeze(-1);
        logp.add_(ent.narrow(1, s, c).unsqueeze(-1)).mul_(gz).mul_(g);
      }
      if (g_lp.defined()) {
        // d logp_t / dz = onehot(t) - p
        at::Tensor g = g_lp.narrow(1, s, c).to(at::kFloat).unsqueeze(-1);
        gz.mul_(g.neg());
        gz.scatter_add_(-1, targets.narrow(1, s, c).unsqueeze(-1), g);
        if (g_ent.defined()) gz.sub_(logp);
      } else if (g_ent.defined()) {
        gz = logp.neg_();
      } else {
        gz.zero_();
      }
      logp = at::Tensor();
      if (temp != 1.0) gz.div_(temp);
      at::Tensor gzc = gz.to(hidden.scalar_type());
      if (need_h) gh.narrow(1, s, c).copy_(at::matmul(gzc, w));
      if (need_w) gw += at::matmul(gz.reshape({-1, gz.size(-1)}).t(), h.reshape({-1, h.size(-1)}).to(at::kFloat));
    }
    return {gh, need_w ? gw.to(w.scalar_type()) : at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(),
            at::Tensor()};
  }
};

}  // namespace

std::pair<at::Tensor, at::Tensor> ChunkedLogprobs(const at::Tensor& hidden, const at::Tensor& lm_head,
                                                  const at::Tensor& targets, const LogprobOptions& opts) {
  if (hidden.dim() != 3 || targets.dim() != 2 || hidden.size(0) != targets.size(0) || hidden.size(1) != targets.size(1))
    throw std::invalid_argument("logprobs: hidden [B, T, d] and targets [B, T] disagree: hidden " +
                                c10::str(hidden.sizes()) + ", targets " + c10::str(targets.sizes()));
  if (lm_head.dim() != 2 || lm_head.size(1) != hidden.size(2))
    throw std::invalid_argument("logprobs: lm_head expected [V, " + std::to_string(hidden.size(2)) + "], found " +
                                c10::str(lm_head.sizes()));
  if (opts.chunk <= 0 || !(opts.temperature > 0)) throw std::invalid_argument("logprobs: chunk and temperature must be > 0");
  at::Tensor t = targets.to(hidden.device()).to(at::kLong);
  if (t.numel() && (t.min().item<int64_t>() < 0 || t.max().item<int64_t>() >= lm_head.size(0)))
    throw std::invalid_argument("logprobs: target token id out of range [0, " + std::to_string(lm_head.size(0)) + ")");
  auto out = ChunkedLogprobFn::apply(hidden, lm_head, t, opts.chunk, opts.entropy, opts.temperature);
  return {out[0], opts.entropy ? out[1] : at::Tensor()};
}

std::pair<at::Tensor, at::Tensor> SequenceLogprobs(const QwenModel& model, const QwenInputs& in,
                                                   const at::Tensor& completion, SpgMode mode,
                                                   const LogprobOptions& opts) {
  if (completion.dim() != 2 || !in.input_ids.defined() || in.input_ids.dim() != 2 ||
      completion.size(0) != in.input_ids.size(0) || completion.size(1) >= in.input_ids.size(1) || completion.size(1) < 1)
    throw std::invalid_argument("logprobs: completion tokens must be [B, T] with 1 <= T < L for input_ids [B, L]; got "
                                "completion " + c10::str(completion.sizes()) + ", input_ids " +
                                c10::str(in.input_ids.sizes()));
  const int64_t L = in.input_ids.size(1), T = completion.size(1);
  at::Tensor tail = in.input_ids.narrow(1, L - T, T).to(at::kLong).to(completion.device());
  if (!at::equal(tail, completion.to(at::kLong)))
    throw std::invalid_argument("logprobs: the completion tokens must be the last T columns of input_ids");
  RestScope rest(model.sharding());  // the LM head (sharded: part of "rest") is used after Hidden returns
  at::Tensor h = model.Hidden(in, mode).narrow(1, L - T - 1, T);
  return ChunkedLogprobs(h, model.weights().text.lm_head, completion.to(h.device()), opts);
}

}  // namespace rarft::qwen
