// AdamW over named parameters, pure libtorch (no N-API), with the semantics of torch.optim.AdamW (foreach=False):
//   p <- p * (1 - lr * wd)                         decoupled weight decay
//   m <- b1 m + (1 - b1) g,  v <- b2 v + (1 - b2) g^2
//   p <- p - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
// Low-precision (bf16/fp16) parameters are updated through an fp32 master copy, and the moments are always fp32:
// a 1e-6 step is far below bf16's resolution (~3 significant digits), so updating the bf16 tensor directly would
// round most updates away. After each step the parameter is rewritten from its master.
// Parameters that do not require grad get no state at all (a frozen vision tower costs no optimizer memory).
#pragma once
#include <ATen/ATen.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rarft::optim {

struct AdamWOptions {
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
  // Where master weights and moments live; nullopt = on each parameter's device. "cpu" is DeepSpeed-style offload.
  std::optional<at::Device> state_device;
};

class AdamW {
 public:
  AdamW(std::vector<std::string> names, std::vector<at::Tensor> params, AdamWOptions opts);

  // One update with learning rate `lr`. Parameters without a gradient are skipped (their step count does not move),
  // like torch. Returns how many parameters were updated.
  int64_t Step(double lr);
  // Drops every gradient (set_to_none, torch's default since 2.0).
  void ZeroGrad();
  // Global L2 norm over all gradients (fp32 accumulation); if it exceeds max_norm, every gradient is scaled by
  // max_norm / (norm + 1e-6), as torch.nn.utils.clip_grad_norm_. Returns the pre-clip norm. A non-finite norm is
  // returned without scaling anything, so the caller can skip the step instead of writing NaNs into the weights.
  double ClipGradNorm(double max_norm);
  // The two halves of ClipGradNorm, for a norm that spans several processes (ZeRO: each holds some grads): this
  // optimizer's grad norm (norm of per-tensor fp32 norms, 0 without grads), and an in-place scale of its grads.
  double LocalGradNorm() const;
  void ScaleGrads(double coef);

  // State as named tensors: exp_avg.<name>, exp_avg_sq.<name>, master.<name> (only where a master exists), and
  // step.<name> (int64 scalar). The tensors alias the live state (no copy): save them before the next Step.
  std::vector<std::pair<std::string, at::Tensor>> ExportState() const;
  // Restores state exported by ExportState (values are copied into place; shapes must match). Every trainable
  // parameter's entries must be present; unknown names are an error so a checkpoint of another model is not
  // silently half-loaded.
  void ImportState(const std::vector<std::pair<std::string, at::Tensor>>& state);

  struct ParamInfo {
    std::string name;
    bool trainable;
    int64_t step;
    bool has_master;
  };
  std::vector<ParamInfo> Info() const;
  const AdamWOptions& options() const { return opts_; }

 private:
  struct Slot {
    std::string name;
    at::Tensor param;
    bool trainable = false;
    at::Tensor master;  // undefined when the parameter itself is fp32 on the state device
    at::Tensor exp_avg, exp_avg_sq;
    int64_t step = 0;
  };
  std::vector<Slot> slots_;
  AdamWOptions opts_;
};

}  // namespace rarft::optim
