#include "optim/adamw.h"

#include <ATen/core/grad_mode.h>

#include <cmath>
#include <set>
#include <stdexcept>

namespace rarft::optim {

AdamW::AdamW(std::vector<std::string> names, std::vector<at::Tensor> params, AdamWOptions opts) : opts_(opts) {
  if (names.size() != params.size()) throw std::invalid_argument("AdamW: names and params differ in length");
  if (!(opts.beta1 >= 0 && opts.beta1 < 1)) throw std::invalid_argument("AdamW: beta1 must be in [0, 1)");
  if (!(opts.beta2 >= 0 && opts.beta2 < 1)) throw std::invalid_argument("AdamW: beta2 must be in [0, 1)");
  if (!(opts.eps >= 0)) throw std::invalid_argument("AdamW: eps must be >= 0");
  if (!(opts.weight_decay >= 0)) throw std::invalid_argument("AdamW: weight_decay must be >= 0");
  std::set<std::string> seen;
  at::NoGradGuard no_grad;
  slots_.reserve(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    if (!seen.insert(names[i]).second) throw std::invalid_argument("AdamW: duplicate parameter name '" + names[i] + "'");
    const at::Tensor& p = params[i];
    if (!p.defined()) throw std::invalid_argument("AdamW: parameter '" + names[i] + "' is undefined");
    Slot s;
    s.name = names[i];
    s.param = p;
    s.trainable = p.requires_grad();
    if (s.trainable) {
      if (!at::isFloatingType(p.scalar_type()))
        throw std::invalid_argument("AdamW: parameter '" + names[i] + "' is not floating point");
      at::Device dev = opts_.state_device.value_or(p.device());
      auto f32 = at::TensorOptions().dtype(at::kFloat).device(dev);
      if (p.scalar_type() != at::kFloat || dev != p.device()) s.master = p.detach().to(f32, /*non_blocking=*/false, /*copy=*/true);
      s.exp_avg = at::zeros(p.sizes(), f32);
      s.exp_avg_sq = at::zeros(p.sizes(), f32);
    }
    slots_.push_back(std::move(s));
  }
}

int64_t AdamW::Step(double lr) {
  if (!std::isfinite(lr) || lr < 0) throw std::invalid_argument("AdamW.step: lr must be finite and >= 0");
  at::NoGradGuard no_grad;
  int64_t updated = 0;
  for (Slot& s : slots_) {
    if (!s.trainable) continue;
    const at::Tensor& g0 = s.param.grad();
    if (!g0.defined()) continue;
    at::Tensor w = s.master.defined() ? s.master : s.param;
    at::Tensor g = g0.to(w.device(), at::kFloat);
    s.step += 1;
    const double bc1 = 1.0 - std::pow(opts_.beta1, static_cast<double>(s.step));
    const double bc2 = 1.0 - std::pow(opts_.beta2, static_cast<double>(s.step));
    if (opts_.weight_decay != 0) w.mul_(1.0 - lr * opts_.weight_decay);
    s.exp_avg.lerp_(g, 1.0 - opts_.beta1);
    s.exp_avg_sq.mul_(opts_.beta2).addcmul_(g, g, 1.0 - opts_.beta2);
    at::Tensor denom = (s.exp_avg_sq.sqrt() / std::sqrt(bc2)).add_(opts_.eps);
    w.addcdiv_(s.exp_avg, denom, -lr / bc1);
    if (s.master.defined()) s.param.copy_(s.master);  // rounds fp32 -> bf16 once, from the exact master
    ++updated;
  }
  return updated;
}

void AdamW::ZeroGrad() {
  for (Slot& s : slots_)
    if (s.param.grad().defined()) s.param.mutable_grad() = at::Tensor();
}

double AdamW::LocalGradNorm() const {
  at::NoGradGuard no_grad;
  std::vector<at::Tensor> grads;
  for (const Slot& s : slots_)
    if (s.param.grad().defined()) grads.push_back(s.param.grad());
  if (grads.empty()) return 0.0;
  // Per-tensor norms in fp32, gathered on the first grad's device, then the norm of norms (torch's algorithm).
  std::vector<at::Tensor> norms;
  at::Device dev = grads[0].device();
  for (const at::Tensor& g : grads) norms.push_back(at::linalg_vector_norm(g, 2, {}, false, at::kFloat).to(dev));
  return at::linalg_vector_norm(at::stack(norms), 2).item<double>();
}

void AdamW::ScaleGrads(double coef) {
  at::NoGradGuard no_grad;
  for (Slot& s : slots_)
    if (s.param.grad().defined()) s.param.mutable_grad().mul_(coef);
}

double AdamW::ClipGradNorm(double max_norm) {
  if (!(max_norm > 0)) throw std::invalid_argument("AdamW.clipGradNorm: max_norm must be > 0");
  const double total = LocalGradNorm();
  if (!std::isfinite(total)) return total;
  const double coef = max_norm / (total + 1e-6);
  if (coef < 1.0) ScaleGrads(coef);
  return total;
}

std::vector<std::pair<std::string, at::Tensor>> AdamW::ExportState() const {
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (const Slot& s : slots_) {
    if (!s.trainable) continue;
    out.emplace_back("exp_avg." + s.name, s.exp_avg);
    out.emplace_back("exp_avg_sq." + s.name, s.exp_avg_sq);
    if (s.master.defined()) out.emplace_back("master." + s.name, s.master);
    out.emplace_back("step." + s.name, at::scalar_tensor(s.step, at::kLong));
  }
  return out;
}

void AdamW::ImportState(const std::vector<std::pair<std::string, at::Tensor>>& state) {
  std::map<std::string, at::Tensor> byName;
  for (const auto& [k, v] : state) byName[k] = v;
  at::NoGradGuard no_grad;
  auto take = [&](const std::string& key, const at::Tensor& dst) {
    auto it = byName.find(key);
    if (it == byName.end()) throw std::invalid_argument("AdamW.importState: missing '" + key + "'");
    if (!it->second.sizes().equals(dst.sizes()))
      throw std::invalid_argument("AdamW.importState: '" + key + "' has shape " + c10::str(it->second.sizes()) +
                                  ", expected " + c10::str(dst.sizes()));
    const_cast<at::Tensor&>(dst).copy_(it->second);
    byName.erase(it);
  };
  for (Slot& s : slots_) {
    if (!s.trainable) continue;
    take("exp_avg." + s.name, s.exp_avg);
    take("exp_avg_sq." + s.name, s.exp_avg_sq);
    if (s.master.defined()) {
      take("master." + s.name, s.master);
      s.param.copy_(s.master);  // the saved bf16 weights are the rounded master anyway; keep them identical
    }
    auto it = byName.find("step." + s.name);
    if (it == byName.end()) throw std::invalid_argument("AdamW.importState: missing 'step." + s.name + "'");
    s.step = it->second.item<int64_t>();
    byName.erase(it);
  }
  if (!byName.empty())
    throw std::invalid_argument("AdamW.importState: unknown entry '" + byName.begin()->first +
                                "' (a frozen or absent parameter: was the state saved from another model?)");
}

std::vector<AdamW::ParamInfo> AdamW::Info() const {
  std::vector<ParamInfo> out;
  for (const Slot& s : slots_) out.push_back({s.name, s.trainable, s.step, s.master.defined()});
  return out;
}

}  // namespace rarft::optim
