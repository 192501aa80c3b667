// ZeRO-3 for the Qwen2.5-VL model: every parameter lives as a 1/world slice on each rank, in flat per-block buffers
// (dist::FlatShard), and a block's full parameters exist only while that block runs.
//
// Blocks: each decoder layer, each vision block, and "rest" (embeddings, final norm, LM head, patch embed, merger).
// A block keeps its trainable and frozen parameters in separate flat shards, so the optimizer sees only trainable
// slices (one AdamW "parameter" per block) and frozen weights never get gradients or optimizer state.
//
// The model's parameter tensors stay the same objects (the typed weight structs share their TensorImpl); binding a
// block points them at views of the all-gathered buffer (set_data), releasing points them at an empty [0] tensor
// and drops the buffer, so code that uses a released block fails on a shape instead of reading freed memory.
//
// Training forwards run each layer/block through RunBlock: gather -> forward without keeping activations -> free;
// in backward: gather -> recompute with grad -> local grads -> reduce-scatter (mean over ranks) added to the block's
// trainable shard grad -> free. So sharded training always recomputes layers in backward (activation checkpointing
// is implied: keeping a layer's autograd graph would keep views of its gathered weights alive). "rest" is bound for
// the whole forward + backward (the LM head and embeddings are used at both ends) and finished by FinishBackward.
// Generation binds every block once for the whole rollout (never per decode step: trl#3858).
//
// Every bind/finish is a collective: all ranks must run the same calls in the same order (same batch count, same
// micro-batches); their timeouts turn a mismatch into an error naming the op instead of a hang.
#pragma once
#include <ATen/ATen.h>

#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "distributed/flat_shard.h"
#include "io/safetensors_writer.h"

namespace rarft::qwen {

struct QwenWeights;

class ShardedBlock {
 public:
  // `params` are the model's own tensors (kept, re-pointed); trainable ones are made to require grad.
  // The slices are packed in `opts`' dtype and device (the model's), whatever the given tensors' (a lazy load's
  // memory-mapped views stay in the file's dtype until here).
  ShardedBlock(std::string name, const std::vector<std::pair<std::string, at::Tensor>>& params,
               const std::set<std::string>& trainable, const std::shared_ptr<dist::Group>& group, bool sync_from_root,
               at::TensorOptions opts);

  const std::string& name() const { return name_; }
  // Refcounted: the first Bind all-gathers, the matching last Release frees.
  void Bind();
  void Release();
  void ReleaseAll();  // drops every outstanding reference and any prefetch (end of a backward, errors)
  // Starts this block's all-gather without waiting (the block that runs next), unless it is bound or started.
  void Prefetch();
  bool has_trainable() const { return trainable_shard_ != nullptr; }
  const std::vector<at::Tensor>& trainable_params() const { return trainable_; }
  // Reduce-scatters full-size grads of the trainable params (order of trainable_params(); undefined = zeros) and adds
  // the mean over ranks to the trainable shard's grad.
  void AccumulateGrads(const std::vector<at::Tensor>& grads);
  // The same from the parameters' own .grad (then cleared): for "rest", whose grads accumulate normally.
  void AccumulateParamGrads();
  void DropParamGrads();  // the parameters' own .grad, without communication
  std::shared_ptr<dist::FlatShard> trainable_shard() const { return trainable_shard_; }
  std::shared_ptr<dist::FlatShard> frozen_shard() const { return frozen_shard_; }
  // (name, full tensor) for every parameter, trainable then frozen: a collective; all ranks get them.
  std::vector<std::pair<std::string, at::Tensor>> GatherFull() const;
  int64_t LocalBytes() const;
  // How many times this block was gathered, and how many of those were served by a prefetch.
  std::pair<int64_t, int64_t> GatherCounts();

 private:
  void BindLocked();
  void ReleaseLocked();
  std::string name_;
  std::vector<at::Tensor> trainable_, frozen_;
  at::TensorOptions opts_;  // dtype/device of the slices and of the empty placeholders
  std::shared_ptr<dist::FlatShard> trainable_shard_, frozen_shard_;
  int refs_ = 0;
  bool prefetched_ = false;
  int64_t gathers_ = 0, prefetch_hits_ = 0;
  std::mutex mu_;
};

class ModelSharding {
 public:
  ModelSharding(QwenWeights& w, const std::set<std::string>& trainable, std::shared_ptr<dist::Group> group,
                bool sync_from_root, at::TensorOptions opts);

  ShardedBlock& text_layer(size_t i) { return *text_[i]; }
  ShardedBlock& vision_block(size_t i) { return *vision_[i]; }
  ShardedBlock& rest() { return *rest_; }
  const std::vector<std::shared_ptr<ShardedBlock>>& blocks() const { return all_; }
  const dist::Group& group() const { return *group_; }
  // False for a frozen copy (the GRPO reference): then nothing is kept bound for a backward.
  bool any_trainable() const { return any_trainable_; }

  void BindAll();
  void ReleaseEach();  // one Release per block (pairs with BindAll)
  // After backward: the rest block's grads -> its shard (collective), then every outstanding binding is released.
  void FinishBackward();
  // Drop all bindings without communication (a skipped step, or an error).
  void ReleaseAllBindings();

  // y = fn(x) with `block`'s parameters bound; differentiable (see the file comment). `next` (may be null) is the
  // block that runs after this one in forward; `prev` the one before it, which runs after it in backward: their
  // all-gathers are started while this block computes.
  at::Tensor RunBlock(ShardedBlock& block, const std::function<at::Tensor(const at::Tensor&)>& fn, const at::Tensor& x,
                      ShardedBlock* next = nullptr, ShardedBlock* prev = nullptr);

  // Every parameter in full, in `names` order (collective).
  std::vector<std::pair<std::string, at::Tensor>> GatherFull(const std::vector<std::string>& names) const;
  // Name, dtype and shape of every parameter in the order blocks() and ShardedBlock::GatherFull yield them (the
  // header of a streamed save).
  std::vector<io::SafetensorsEntry> FileEntries() const;
  int64_t LocalBytes() const;
  // Summed over blocks: (gathers, gathers served by a prefetch).
  std::pair<int64_t, int64_t> GatherCounts() const;

 private:
  std::shared_ptr<dist::Group> group_;
  std::vector<std::shared_ptr<ShardedBlock>> text_, vision_, all_;
  std::shared_ptr<ShardedBlock> rest_;
  bool any_trainable_ = false;
};

// Binds "rest" for one model entry point. In grad mode (and when anything is trainable) the binding is kept for the
// backward (FinishBackward releases it); otherwise it is released when the scope ends. Null sharding: a no-op.
class RestScope {
 public:
  explicit RestScope(ModelSharding* s);
  ~RestScope();
  RestScope(const RestScope&) = delete;
  RestScope& operator=(const RestScope&) = delete;

 private:
  ModelSharding* s_;
  bool keep_;
};

}  // namespace rarft::qwen
