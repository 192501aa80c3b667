#include "distributed/flat_shard.h"

#include <ATen/core/grad_mode.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

namespace rarft::dist {

FlatLayout FlatLayout::Of(std::vector<std::string> names, std::vector<std::vector<int64_t>> shapes, int world) {
  if (names.size() != shapes.size()) throw std::invalid_argument("FlatLayout: names and shapes differ in length");
  if (names.empty()) throw std::invalid_argument("FlatLayout: no parameters");
  if (world < 1) throw std::invalid_argument("FlatLayout: world size must be >= 1");
  std::set<std::string> seen;
  FlatLayout l;
  l.world = world;
  for (size_t i = 0; i < names.size(); ++i) {
    if (!seen.insert(names[i]).second) throw std::invalid_argument("FlatLayout: duplicate parameter name '" + names[i] + "'");
    int64_t n = 1;
    for (int64_t d : shapes[i]) {
      if (d < 0) throw std::invalid_argument("FlatLayout: negative dimension in '" + names[i] + "'");
      n *= d;
    }
    l.offsets.push_back(l.total);
    l.total += n;
  }
  l.names = std::move(names);
  l.shapes = std::move(shapes);
  l.padded = (l.total + world - 1) / world * world;
  l.shard_size = l.padded / world;
  return l;
}

int64_t FlatLayout::numel(size_t i) const {
  int64_t n = 1;
  for (int64_t d : shapes[i]) n *= d;
  return n;
}

namespace {
// Elements [lo, hi) of the flat padded buffer of `tensors` laid out by `layout`, reading only the parts of `tensors` that fall in
// that range: with memory-mapped inputs (a checkpoint's weights or optimizer state) a rank then touches 1/world of the
// file instead of all of it, and no full block buffer is allocated.
at::Tensor PackRange(const FlatLayout& layout, const std::vector<at::Tensor>& tensors, int64_t lo, int64_t hi,
                     at::ScalarType dtype, at::Device device) {
  if (tensors.size() != layout.names.size()) throw std::invalid_argument("PackFlat: tensor count differs from the layout");
  at::NoGradGuard no_grad;
  at::Tensor out = at::zeros({hi - lo}, at::TensorOptions().dtype(dtype).device(device));
  for (size_t i = 0; i < tensors.size(); ++i) {
    const at::Tensor& t = tensors[i];
    if (!t.defined()) continue;
    const int64_t off = layout.offsets[i], n = layout.numel(i);
    if (t.numel() != n)
      throw std::invalid_argument("PackFlat: '" + layout.names[i] + "' has " + std::to_string(t.numel()) +
                                  " elements, the layout expects " + std::to_string(n));
    const int64_t a = std::max(lo, off), b = std::min(hi, off + n);
    if (a < b) out.narrow(0, a - lo, b - a).copy_(t.reshape({-1}).narrow(0, a - off, b - a));
  }
  return out;
}
}  // namespace

at::Tensor PackFlat(const FlatLayout& layout, const std::vector<at::Tensor>& tensors, at::ScalarType dtype, at::Device device) {
  return PackRange(layout, tensors, 0, layout.padded, dtype, device);
}

std::vector<at::Tensor> UnpackViews(const FlatLayout& layout, const at::Tensor& flat) {
  std::vector<at::Tensor> out;
  out.reserve(layout.names.size());
  for (size_t i = 0; i < layout.names.size(); ++i)
    out.push_back(flat.narrow(0, layout.offsets[i], layout.numel(i)).view(layout.shapes[i]));
  return out;
}


at::Tensor SliceForRank(const FlatLayout& layout, const std::vector<at::Tensor>& tensors, int rank, at::ScalarType dtype) {
  if (rank < 0 || rank >= layout.world) throw std::invalid_argument("SliceForRank: rank out of range");
  at::Device dev = at::kCPU;
  for (const auto& t : tensors)
    if (t.defined()) dev = t.device();
  const int64_t lo = rank * layout.shard_size;
  return PackRange(layout, tensors, lo, lo + layout.shard_size, dtype, dev);
}

namespace {
std::vector<std::vector<int64_t>> ShapesOf(const std::vector<at::Tensor>& ts) {
  std::vector<std::vector<int64_t>> s;
  for (const auto& t : ts) s.push_back(t.sizes().vec());
  return s;
}
}  // namespace

FlatShard::FlatShard(std::shared_ptr<Group> group, std::vector<std::string> names, const std::vector<at::Tensor>& params,
                     bool sync_from_root)
    : group_(std::move(group)), layout_(FlatLayout::Of(std::move(names), ShapesOf(params), group_->world_size())) {
  at::ScalarType dtype = params.at(0).scalar_type();
  at::Device dev = params[0].device();
  for (size_t i = 0; i < params.size(); ++i) {
    if (params[i].scalar_type() != dtype || params[i].device() != dev)
      throw std::invalid_argument("FlatShard: '" + layout_.names[i] + "' differs in dtype or device from '" + layout_.names[0] +
                                  "' (one FlatShard per dtype/device)");
  }
  InitShard(params, sync_from_root, dtype, dev);
}

FlatShard::FlatShard(std::shared_ptr<Group> group, std::vector<std::string> names, const std::vector<at::Tensor>& params,
                     bool sync_from_root, at::ScalarType dtype, at::Device device)
    : group_(std::move(group)), layout_(FlatLayout::Of(std::move(names), ShapesOf(params), group_->world_size())) {
  InitShard(params, sync_from_root, dtype, device);
}

void FlatShard::InitShard(const std::vector<at::Tensor>& params, bool sync_from_root, at::ScalarType dtype, at::Device device) {
  if (!at::isFloatingType(dtype)) throw std::invalid_argument("FlatShard: parameters must be floating point");
  at::NoGradGuard no_grad;
  const int64_t lo = group_->rank() * layout_.shard_size;
  if (sync_from_root && group_->world_size() > 1) {
    at::Tensor full = PackFlat(layout_, params, dtype, device);
    group_->Broadcast(full, 0);
    shard_ = full.narrow(0, lo, layout_.shard_size).clone();
  } else {
    shard_ = PackRange(layout_, params, lo, lo + layout_.shard_size, dtype, device);  // only this rank's part is read
  }
  shard_.requires_grad_(true);
}

FlatShard::FlatShard(std::shared_ptr<Group> group, FlatLayout layout, at::Tensor local_shard)
    : group_(std::move(group)), layout_(std::move(layout)) {
  if (layout_.world != group_->world_size())
    throw std::invalid_argument("FlatShard: the layout is for " + std::to_string(layout_.world) + " ranks, the group has " +
                                std::to_string(group_->world_size()));
  if (local_shard.dim() != 1 || local_shard.numel() != layout_.shard_size)
    throw std::invalid_argument("FlatShard: the local shard must be 1-D with " + std::to_string(layout_.shard_size) + " elements");
  shard_ = local_shard.detach().clone();
  shard_.requires_grad_(true);
}

void FlatShard::GatherStart() {
  at::NoGradGuard no_grad;
  std::lock_guard<std::mutex> lock(mu_);
  if (full_.defined()) return;
  full_ = at::empty({layout_.padded}, shard_.options().requires_grad(false));
  try {
    pending_ = group_->AllGatherStart(full_, shard_.detach());
  } catch (...) {
    full_ = at::Tensor();
    throw;
  }
}

std::vector<at::Tensor> FlatShard::Gather() {
  at::NoGradGuard no_grad;
  bool prefetched;
  {
    std::lock_guard<std::mutex> lock(mu_);
    prefetched = pending_ != nullptr;
  }
  if (gathered() && !prefetched) Free();  // a second gather replaces the first (the old views are invalidated)
  std::lock_guard<std::mutex> lock(mu_);
  if (pending_) {
    auto p = std::move(pending_);
    try {
      p->Wait();
    } catch (...) {
      full_ = at::Tensor();
      throw;
    }
  } else {
    full_ = at::empty({layout_.padded}, shard_.options().requires_grad(false));
    group_->AllGatherInto(full_, shard_.detach());
  }
  views_.clear();
  for (at::Tensor& v : UnpackViews(layout_, full_)) {
    at::Tensor leaf = v.detach();  // shares full_'s storage; a leaf of its own so grads accumulate per parameter
    leaf.requires_grad_(true);
    views_.push_back(leaf);
  }
  return views_;
}

void FlatShard::Free() {
  std::lock_guard<std::mutex> lock(mu_);
  if (pending_) {  // the backend may still be writing into full_: let it finish (errors surface at the next use)
    auto p = std::move(pending_);
    try {
      p->Wait();
    } catch (...) {
    }
  }
  if (!full_.defined()) return;
  // JS (or model code) may still hold the views. Each handed-out leaf is re-pointed at an empty [0] tensor of its
  // dtype: its TensorImpl no longer references full_'s storage, so dropping full_ frees the bytes now, and a late use
  // fails on a shape mismatch instead of reading freed memory (releasing the storage under live views - FSDP's
  // resize-to-0 - segfaults here when a freed view is read).
  at::NoGradGuard no_grad;
  for (at::Tensor& v : views_) v.set_data(at::empty({0}, v.options().requires_grad(false)));
  full_ = at::Tensor();
  views_.clear();
}

at::Tensor FlatShard::ReduceScatterGrads() {
  std::lock_guard<std::mutex> lock(mu_);
  if (views_.empty()) throw std::runtime_error("reduceScatterGrads: no gathered parameters (call gather() before backward, and free() after)");
  at::NoGradGuard no_grad;
  std::vector<at::Tensor> grads;
  for (at::Tensor& v : views_) grads.push_back(v.grad());
  at::Tensor flat = PackFlat(layout_, grads, shard_.scalar_type(), shard_.device());
  for (at::Tensor& v : views_) v.mutable_grad() = at::Tensor();  // their bytes are in `flat` now
  at::Tensor local = at::empty({layout_.shard_size}, flat.options());
  group_->ReduceScatterInto(local, flat, ReduceKind::Avg);
  shard_.mutable_grad() = local;
  return local;
}

void FlatShard::ReduceScatterFlatInto(at::Tensor& out, const at::Tensor& flat) {
  if (flat.numel() != layout_.padded || out.numel() != layout_.shard_size)
    throw std::invalid_argument("reduceScatter: flat buffer or output size does not match the shard layout");
  at::NoGradGuard no_grad;
  group_->ReduceScatterInto(out, flat, ReduceKind::Avg);
}

double FlatShard::ClipGradNorm(double max_norm) {
  if (!(max_norm > 0)) throw std::invalid_argument("clipGradNorm: maxNorm must be > 0");
  std::lock_guard<std::mutex> lock(mu_);
  at::NoGradGuard no_grad;
  at::Tensor g = shard_.grad();
  at::Tensor sq = g.defined() ? g.to(at::kFloat).pow(2).sum().reshape({1}) : at::zeros({1}, shard_.options().dtype(at::kFloat));
  group_->AllReduce(sq, ReduceKind::Sum);
  double norm = std::sqrt(sq.item<double>());
  if (!std::isfinite(norm)) return norm;
  double coef = max_norm / (norm + 1e-6);
  if (coef < 1.0 && g.defined()) g.mul_(coef);
  return norm;
}

std::vector<at::Tensor> FlatShard::GatherNamed(const at::Tensor& local) {
  if (local.numel() != layout_.shard_size)
    throw std::invalid_argument("gatherNamed: the local tensor has " + std::to_string(local.numel()) + " elements, the shard " +
                                std::to_string(layout_.shard_size));
  at::NoGradGuard no_grad;
  at::Tensor full = at::empty({layout_.padded}, local.options().requires_grad(false));
  group_->AllGatherInto(full, local.detach().reshape({-1}));
  std::vector<at::Tensor> out;
  for (at::Tensor& v : UnpackViews(layout_, full)) out.push_back(v.clone());
  return out;
}

}  // namespace rarft::dist
