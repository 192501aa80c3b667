#include "qwen/sharding.h"

#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/custom_function.h>

#include <map>
#include <stdexcept>

#include "qwen/checkpoint.h"
#include "qwen/weights.h"

namespace rarft::qwen {
namespace {

std::shared_ptr<dist::FlatShard> MakeShard(const std::shared_ptr<dist::Group>& g,
                                           const std::vector<std::pair<std::string, at::Tensor>>& ps, bool sync,
                                           const at::TensorOptions& opts) {
  if (ps.empty()) return nullptr;
  std::vector<std::string> names;
  std::vector<at::Tensor> ts;
  for (auto& [n, t] : ps) {
    names.push_back(n);
    ts.push_back(t.detach());
  }
  return std::make_shared<dist::FlatShard>(g, names, ts, sync, c10::typeMetaToScalarType(opts.dtype()), opts.device());
}

void PointAt(std::vector<at::Tensor>& params, const std::vector<at::Tensor>& views) {
  at::NoGradGuard ng;
  for (size_t i = 0; i < params.size(); ++i) params[i].set_data(views[i]);
}

void PointAtNothing(std::vector<at::Tensor>& params, const at::TensorOptions& opts) {
  at::NoGradGuard ng;
  for (at::Tensor& p : params) p.set_data(at::empty({0}, opts.requires_grad(false)));
}

}  // namespace

ShardedBlock::ShardedBlock(std::string name, const std::vector<std::pair<std::string, at::Tensor>>& params,
                           const std::set<std::string>& trainable, const std::shared_ptr<dist::Group>& group,
                           bool sync_from_root, at::TensorOptions opts)
    : name_(std::move(name)), opts_(opts) {
  std::vector<std::pair<std::string, at::Tensor>> tr, fr;
  for (auto& p : params) (trainable.count(p.first) ? tr : fr).push_back(p);
  trainable_shard_ = MakeShard(group, tr, sync_from_root, opts_);
  frozen_shard_ = MakeShard(group, fr, sync_from_root, opts_);
  for (auto& [n, t] : tr) trainable_.push_back(t);
  for (auto& [n, t] : fr) frozen_.push_back(t);
  // the full copies (or mapped views) the model loaded are dropped here: only the slices remain
  PointAtNothing(trainable_, opts_);
  PointAtNothing(frozen_, opts_);
  at::NoGradGuard ng;
  for (at::Tensor& t : trainable_) t.requires_grad_(true);
  for (at::Tensor& t : frozen_) t.requires_grad_(false);
}

void ShardedBlock::Prefetch() {
  std::lock_guard<std::mutex> lock(mu_);
  if (refs_ > 0 || prefetched_) return;
  if (trainable_shard_) trainable_shard_->GatherStart();
  if (frozen_shard_) frozen_shard_->GatherStart();
  prefetched_ = true;
}

void ShardedBlock::BindLocked() {
  if (refs_++ > 0) return;
  ++gathers_;
  if (prefetched_) ++prefetch_hits_;
  prefetched_ = false;  // Gather() below consumes a started all-gather
  try {
    if (trainable_shard_) PointAt(trainable_, trainable_shard_->Gather());
    if (frozen_shard_) PointAt(frozen_, frozen_shard_->Gather());
  } catch (...) {
    refs_ = 0;
    ReleaseLocked();
    throw;
  }
}

void ShardedBlock::ReleaseLocked() {
  PointAtNothing(trainable_, opts_);
  PointAtNothing(frozen_, opts_);
  if (trainable_shard_) trainable_shard_->Free();
  if (frozen_shard_) frozen_shard_->Free();
}

void ShardedBlock::Bind() {
  std::lock_guard<std::mutex> lock(mu_);
  BindLocked();
}

void ShardedBlock::Release() {
  std::lock_guard<std::mutex> lock(mu_);
  if (refs_ == 0) return;
  if (--refs_ == 0) ReleaseLocked();
}

void ShardedBlock::ReleaseAll() {
  std::lock_guard<std::mutex> lock(mu_);
  // A prefetch that was never consumed holds the weights as they were: after an optimizer step they are stale.
  if (refs_ == 0 && !prefetched_) return;
  refs_ = 0;
  prefetched_ = false;
  ReleaseLocked();
}

void ShardedBlock::AccumulateGrads(const std::vector<at::Tensor>& grads) {
  if (!trainable_shard_) return;
  if (grads.size() != trainable_.size()) throw std::logic_error("ShardedBlock: grad count differs from the trainable parameters");
  at::NoGradGuard ng;
  const dist::FlatLayout& l = trainable_shard_->layout();
  at::Tensor local_shard = trainable_shard_->shard();
  at::Tensor flat = dist::PackFlat(l, grads, local_shard.scalar_type(), local_shard.device());
  at::Tensor mine = at::empty({l.shard_size}, flat.options());
  // The process group is reached through the shard (same group as every block).
  trainable_shard_->ReduceScatterFlatInto(mine, flat);
  at::Tensor g = local_shard.grad();
  if (g.defined()) g.add_(mine);
  else local_shard.mutable_grad() = mine;
}

void ShardedBlock::AccumulateParamGrads() {
  std::vector<at::Tensor> gs;
  for (at::Tensor& p : trainable_) gs.push_back(p.grad());
  AccumulateGrads(gs);
  DropParamGrads();
}

void ShardedBlock::DropParamGrads() {
  for (at::Tensor& p : trainable_) p.mutable_grad() = at::Tensor();
}

std::vector<std::pair<std::string, at::Tensor>> ShardedBlock::GatherFull() const {
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (const auto& sh : {trainable_shard_, frozen_shard_}) {
    if (!sh) continue;
    auto full = sh->GatherNamed(sh->shard());
    for (size_t i = 0; i < full.size(); ++i) out.emplace_back(sh->layout().names[i], full[i]);
  }
  return out;
}

std::pair<int64_t, int64_t> ShardedBlock::GatherCounts() {
  std::lock_guard<std::mutex> lock(mu_);
  return {gathers_, prefetch_hits_};
}

int64_t ShardedBlock::LocalBytes() const {
  int64_t n = 0;
  for (const auto& sh : {trainable_shard_, frozen_shard_})
    if (sh) n += sh->shard().numel() * static_cast<int64_t>(sh->shard().element_size());
  return n;
}

// ---------------------------------------------------------------------------------------------------------------

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

struct BlockClosure : torch::CustomClassHolder {
  std::function<at::Tensor(const at::Tensor&)> fn;
  ShardedBlock* block = nullptr;  // owned by the model's ModelSharding, which outlives its autograd graphs' use
  ShardedBlock* prev = nullptr;   // the block whose backward comes next: prefetched while this one recomputes
};

// Binds a block for a scope (the matching Release even when fn throws).
struct Bound {
  explicit Bound(ShardedBlock& b) : b_(b) { b_.Bind(); }
  ~Bound() { b_.Release(); }
  ShardedBlock& b_;
};

struct ShardedBlockFn : public torch::autograd::Function<ShardedBlockFn> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& anchor,
                            c10::intrusive_ptr<BlockClosure> c) {
    at::Tensor y;
    {
      Bound bound(*c->block);
      at::NoGradGuard ng;
      y = c->fn(x);
    }
    ctx->save_for_backward({x});
    ctx->saved_data["fn"] = c10::IValue::make_capsule(c);
    return y;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    at::Tensor x = ctx->get_saved_variables()[0];
    auto c = c10::static_intrusive_pointer_cast<BlockClosure>(ctx->saved_data["fn"].toCapsule());
    ShardedBlock& b = *c->block;
    CountCheckpointRecomputation();
    if (c->prev) c->prev->Prefetch();
    std::vector<at::Tensor> param_grads(b.trainable_params().size());
    at::Tensor gx;
    {
      Bound bound(b);
      at::Tensor xd = x.detach().requires_grad_(x.requires_grad());
      at::Tensor y;
      {
        at::AutoGradMode on(true);
        y = c->fn(xd);
      }
      std::vector<at::Tensor> inputs;
      if (x.requires_grad()) inputs.push_back(xd);
      for (const at::Tensor& p : b.trainable_params()) inputs.push_back(p);
      if (!inputs.empty() && y.requires_grad()) {
        auto gs = torch::autograd::grad({y}, inputs, {grads[0]}, /*retain_graph=*/false, /*create_graph=*/false,
                                        /*allow_unused=*/true);
        size_t k = 0;
        if (x.requires_grad()) gx = gs[k++];
        for (size_t i = 0; i < param_grads.size(); ++i) param_grads[i] = gs[k++];
      }
      // Reduce-scatter while the block is still bound: the grads are full-size and freed right after.
      b.AccumulateGrads(param_grads);
    }
    return {gx, at::Tensor(), at::Tensor()};
  }
};

}  // namespace

ModelSharding::ModelSharding(QwenWeights& w, const std::set<std::string>& trainable, std::shared_ptr<dist::Group> group,
                             bool sync_from_root, at::TensorOptions opts)
    : group_(std::move(group)) {
  // Which block each parameter belongs to, by its legacy name.
  std::map<size_t, std::vector<std::pair<std::string, at::Tensor>>> layers, vblocks;
  std::vector<std::pair<std::string, at::Tensor>> rest;
  auto index_after = [](const std::string& n, const std::string& prefix) -> long {
    if (n.rfind(prefix, 0) != 0) return -1;
    size_t end = n.find('.', prefix.size());
    return std::stol(n.substr(prefix.size(), end - prefix.size()));
  };
  for (auto& [n, t] : w.named) {
    long li = index_after(n, "model.layers."), vi = index_after(n, "visual.blocks.");
    if (li >= 0) layers[static_cast<size_t>(li)].emplace_back(n, t);
    else if (vi >= 0) vblocks[static_cast<size_t>(vi)].emplace_back(n, t);
    else rest.emplace_back(n, t);
  }
  if (layers.size() != w.text.layers.size() || vblocks.size() != w.vision.blocks.size())
    throw std::logic_error("ModelSharding: parameter names do not match the layer counts");
  for (auto& [i, ps] : vblocks)
    vision_.push_back(std::make_shared<ShardedBlock>("visual.blocks." + std::to_string(i), ps, trainable, group_, sync_from_root, opts));
  for (auto& [i, ps] : layers)
    text_.push_back(std::make_shared<ShardedBlock>("model.layers." + std::to_string(i), ps, trainable, group_, sync_from_root, opts));
  rest_ = std::make_shared<ShardedBlock>("rest", rest, trainable, group_, sync_from_root, opts);
  all_ = vision_;
  all_.insert(all_.end(), text_.begin(), text_.end());
  all_.push_back(rest_);
  for (auto& b : all_) any_trainable_ = any_trainable_ || b->has_trainable();
  // A tied LM head is the embedding tensor itself: re-point the typed alias at the same impl (it already is: the
  // typed structs share TensorImpls with `named`), nothing to do.
}

void ModelSharding::BindAll() {
  size_t done = 0;
  try {
    for (; done < all_.size(); ++done) all_[done]->Bind();
  } catch (...) {
    for (size_t i = 0; i < done; ++i) all_[i]->Release();
    throw;
  }
}

void ModelSharding::ReleaseEach() {
  for (auto& b : all_) b->Release();
}

void ModelSharding::FinishBackward() {
  try {
    rest_->AccumulateParamGrads();
  } catch (...) {
    ReleaseAllBindings();
    throw;
  }
  ReleaseAllBindings();
}

void ModelSharding::ReleaseAllBindings() {
  for (auto& b : all_) b->ReleaseAll();
  rest_->DropParamGrads();
}

at::Tensor ModelSharding::RunBlock(ShardedBlock& block, const std::function<at::Tensor(const at::Tensor&)>& fn,
                                   const at::Tensor& x, ShardedBlock* next, ShardedBlock* prev) {
  Bound bound(block);  // before the prefetch, so issue order is this block then the next on every rank
  if (next) next->Prefetch();
  if (!at::GradMode::is_enabled() || (!x.requires_grad() && !block.has_trainable())) return fn(x);
  auto c = c10::make_intrusive<BlockClosure>();
  c->fn = fn;
  c->block = &block;
  c->prev = prev;
  static thread_local at::Tensor anchor;
  if (!anchor.defined()) anchor = at::empty({0}).requires_grad_(true);
  return ShardedBlockFn::apply(x, anchor, c);
}

std::vector<std::pair<std::string, at::Tensor>> ModelSharding::GatherFull(const std::vector<std::string>& names) const {
  std::map<std::string, at::Tensor> got;
  for (auto& b : all_)
    for (auto& [n, t] : b->GatherFull()) got.emplace(n, t);
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (const std::string& n : names) out.emplace_back(n, got.at(n));
  return out;
}

std::vector<io::SafetensorsEntry> ModelSharding::FileEntries() const {
  std::vector<io::SafetensorsEntry> out;
  for (auto& b : all_)
    for (const auto& sh : {b->trainable_shard(), b->frozen_shard()}) {
      if (!sh) continue;
      const dist::FlatLayout& l = sh->layout();
      for (size_t i = 0; i < l.names.size(); ++i) out.push_back({l.names[i], sh->shard().scalar_type(), l.shapes[i]});
    }
  return out;
}

std::pair<int64_t, int64_t> ModelSharding::GatherCounts() const {
  std::pair<int64_t, int64_t> n{0, 0};
  for (auto& b : all_) {
    auto [g, h] = b->GatherCounts();
    n.first += g;
    n.second += h;
  }
  return n;
}

int64_t ModelSharding::LocalBytes() const {
  int64_t n = 0;
  for (auto& b : all_) n += b->LocalBytes();
  return n;
}

RestScope::RestScope(ModelSharding* s) : s_(s), keep_(s && at::GradMode::is_enabled() && s->any_trainable()) {
  if (s_) s_->rest().Bind();
}

RestScope::~RestScope() {
  if (s_ && !keep_) s_->rest().Release();
}

}  // namespace rarft::qwen
