// ZeRO-3 style flat parameter shard (model-agnostic). The named parameters are packed, in the given order, into one
// flat buffer padded to a multiple of the world size; rank r keeps only elements [r*S, (r+1)*S) (S = padded/world)
// as `shard`, a leaf that requires grad so an ordinary optimizer (optim::AdamW) updates it in place.
//
//   Gather()  all-gather -> full flat buffer; returns one leaf per parameter that is a VIEW of that buffer (shared
//             storage, original shape, requires_grad), so model code can use them as ordinary weights.
//   ReduceScatterGrads()  packs those leaves' grads flat -> reduce-scatter(sum)/world -> shard.grad (the average of
//             the ranks' gradients, as DDP would give), then drops the per-parameter grads.
//   Free()    releases the full buffer even while views are still referenced: every handed-out view is re-pointed at
//             an empty [0] tensor, so a forgotten handle cannot pin a whole model copy, and a freed parameter used
//             later fails on its shape instead of reading freed memory.
#pragma once
#include <ATen/ATen.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "distributed/process_group.h"

namespace rarft::dist {

struct FlatLayout {
  std::vector<std::string> names;
  std::vector<std::vector<int64_t>> shapes;
  std::vector<int64_t> offsets;  // element offset of each parameter in the flat buffer
  int64_t total = 0;             // sum of numels
  int64_t padded = 0;            // total rounded up to a multiple of world
  int64_t shard_size = 0;        // padded / world
  int world = 1;

  static FlatLayout Of(std::vector<std::string> names, std::vector<std::vector<int64_t>> shapes, int world);
  int64_t numel(size_t i) const;
};

// Packs tensors (layout order) into one flat padded buffer of `dtype` on `device` (missing -> zeros).
at::Tensor PackFlat(const FlatLayout& layout, const std::vector<at::Tensor>& tensors, at::ScalarType dtype, at::Device device);
// Per-parameter views (original shapes) of a flat buffer laid out by `layout`.
std::vector<at::Tensor> UnpackViews(const FlatLayout& layout, const at::Tensor& flat);

class FlatShard {
 public:
  // From full parameters present on every rank. With sync_from_root, rank 0's values are broadcast first (ranks that
  // initialised randomly start identical, as DDP does).
  FlatShard(std::shared_ptr<Group> group, std::vector<std::string> names, const std::vector<at::Tensor>& params,
            bool sync_from_root);
  // The same, converting into `dtype` on `device` while packing (params may differ in dtype: a memory-mapped
  // checkpoint's tensors as stored). Without sync_from_root only this rank's part of each tensor is read.
  FlatShard(std::shared_ptr<Group> group, std::vector<std::string> names, const std::vector<at::Tensor>& params,
            bool sync_from_root, at::ScalarType dtype, at::Device device);
  // From this rank's slice only (a re-sharded checkpoint): no communication.
  FlatShard(std::shared_ptr<Group> group, FlatLayout layout, at::Tensor local_shard);

  const FlatLayout& layout() const { return layout_; }
  at::Tensor shard() const { return shard_; }
  bool gathered() const {
    std::lock_guard<std::mutex> lock(mu_);
    return full_.defined();
  }

  std::vector<at::Tensor> Gather();
  // Issues the all-gather now (a prefetch) without waiting; the next Gather() waits for it instead of gathering.
  // No-op when already gathered or started. Free() waits for a started gather before dropping its buffer.
  void GatherStart();
  void Free();
  // Returns the local averaged grad shard (also set as shard.grad). Parameters without a grad contribute zeros.
  at::Tensor ReduceScatterGrads();
  // out = mean over ranks of this rank's slice of `flat` (a full, padded flat buffer laid out like the shard).
  void ReduceScatterFlatInto(at::Tensor& out, const at::Tensor& flat);
  // Global grad-norm clip over all shards (one all-reduce of the squared local norm). Returns the pre-clip norm; a
  // non-finite norm leaves the grads untouched so the caller can skip the step.
  double ClipGradNorm(double max_norm);
  // All-gathers a flat local tensor laid out like the shard (weights, or an optimizer moment) and returns per-parameter
  // copies in the original shapes. Every rank must call it; all ranks get the result (callers keep rank 0's).
  std::vector<at::Tensor> GatherNamed(const at::Tensor& local);

 private:
  // This rank's slice of `params` (converted to dtype/device); with sync_from_root rank 0's values, else only this
  // rank's part of each tensor is read.
  void InitShard(const std::vector<at::Tensor>& params, bool sync_from_root, at::ScalarType dtype, at::Device device);

  std::shared_ptr<Group> group_;
  FlatLayout layout_;
  at::Tensor shard_;
  at::Tensor full_;                 // defined between Gather (or GatherStart) and Free
  std::shared_ptr<PendingOp> pending_;  // a started, not yet waited gather into full_
  std::vector<at::Tensor> views_;   // the leaves handed out by Gather
  // Gather/Free/ReduceScatterGrads/ClipGradNorm run on pool threads while Free may come from the JS thread: one
  // lock keeps full_/views_ consistent (a Free during an in-flight Gather waits for it instead of racing it).
  mutable std::mutex mu_;
};

// Rank `rank`'s slice (clone) of `tensors` packed flat for `world` ranks: how a full checkpoint is re-sharded.
at::Tensor SliceForRank(const FlatLayout& layout, const std::vector<at::Tensor>& tensors, int rank, at::ScalarType dtype);

}  // namespace rarft::dist
