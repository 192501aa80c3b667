// A process group over libtorch's c10d: TCPStore rendezvous (rank 0 hosts the store) and a Gloo (CPU) or NCCL (CUDA,
// only when built with RARFT_HAVE_NCCL) backend. Every collective is synchronous from the caller's view and bounded
// by the group's timeout: the backend gets the timeout in its options AND Work::wait gets it, so a dead or stuck peer
// surfaces as an exception naming the op, the rank and the timeout instead of a hang.
//
// Ordering: c10d requires every rank to issue collectives in the same order. Calls are serialized by a mutex here, and
// the TS wrapper chains its Promises so the order is the JS call order.
#pragma once
#include <ATen/ATen.h>
#include <torch/csrc/distributed/c10d/Work.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

namespace c10d {
class Backend;
class Store;
}  // namespace c10d

namespace rarft::dist {

enum class ReduceKind { Sum, Avg, Max };
ReduceKind ParseReduceKind(const std::string& s);

struct GroupOptions {
  std::string backend = "gloo";  // "gloo" | "nccl"
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  std::chrono::milliseconds timeout{std::chrono::minutes(30)};
};

class Group;

// A collective issued but not yet completed (a ZeRO prefetch: the next block's all-gather runs on the backend's
// threads while this block computes). Wait() must be called before the output is read; it applies the group's
// timeout and marks the group broken on failure, like a synchronous collective.
class PendingOp {
 public:
  PendingOp(Group* g, const char* op, c10::intrusive_ptr<c10d::Work> work) : group_(g), op_(op), work_(std::move(work)) {}
  void Wait();
  bool done() const { return waited_; }

 private:
  Group* group_;
  const char* op_;
  c10::intrusive_ptr<c10d::Work> work_;
  bool waited_ = false;
};

class Group {
 public:
  // Rendezvous + backend creation; throws (with the address and timeout in the message) if peers do not show up.
  explicit Group(const GroupOptions& opts);
  ~Group();
  Group(const Group&) = delete;
  Group& operator=(const Group&) = delete;

  int rank() const { return opts_.rank; }
  int world_size() const { return opts_.world_size; }
  const std::string& backend_name() const { return opts_.backend; }
  std::chrono::milliseconds timeout() const { return opts_.timeout; }

  // In place on `t` (every rank passes the same shape/dtype).
  void AllReduce(at::Tensor& t, ReduceKind op);
  void Broadcast(at::Tensor& t, int root);
  // out.numel() == world * local.numel(); rank r's `local` lands at out[r*n, (r+1)*n).
  void AllGatherInto(at::Tensor& out, const at::Tensor& local);
  // The same, issued now and completed by the returned op's Wait() (issue order is what ranks must agree on).
  std::shared_ptr<PendingOp> AllGatherStart(at::Tensor& out, const at::Tensor& local);
  // full.numel() == world * out.numel(); out = reduce over ranks of full[rank*n, (rank+1)*n).
  void ReduceScatterInto(at::Tensor& out, const at::Tensor& full, ReduceKind op);
  void Barrier();
  // Releases the backend and the store. After a failed collective the backend's threads may still be blocked in a
  // transport call, and joining them would hang: the broken backend is intentionally leaked instead.
  void Destroy();
  bool destroyed() const { return destroyed_; }

 private:
  friend class PendingOp;
  template <typename F>
  void Run(const char* op, F&& issue);
  template <typename F>
  c10::intrusive_ptr<c10d::Work> Issue(const char* op, F&& issue);
  void WaitFor(const char* op, const c10::intrusive_ptr<c10d::Work>& work);
  void CheckUsable(const char* op) const;
  void CheckInPlace(const char* op, const at::Tensor& t) const;

  GroupOptions opts_;
  c10::intrusive_ptr<c10d::Store> store_;
  c10::intrusive_ptr<c10d::Backend> backend_;
  std::mutex mu_;
  bool destroyed_ = false;
  std::string broken_;  // first failure; every later call reports it (guarded by broken_mu_: prefetch waits run unlocked)
  mutable std::mutex broken_mu_;
};

}  // namespace rarft::dist
