#include "distributed/process_group.h"

#include <torch/csrc/distributed/c10d/Backend.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/csrc/distributed/c10d/Work.hpp>
#ifdef RARFT_HAVE_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#ifdef RARFT_HAVE_NCCL
#include <c10/cuda/CUDAFunctions.h>
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <cstdlib>
#include <stdexcept>

namespace rarft::dist {
namespace {

std::string Where(const GroupOptions& o) {
  return "rank " + std::to_string(o.rank) + " of " + std::to_string(o.world_size) + ", " + o.backend + ", store " +
         o.master_addr + ":" + std::to_string(o.master_port) + ", timeout " + std::to_string(o.timeout.count()) + " ms";
}

// c10::Error::what() appends a C++ stack trace; users need the message.
std::string Msg(const std::exception& e) {
  if (auto* ce = dynamic_cast<const c10::Error*>(&e)) return ce->what_without_backtrace();
  return e.what();
}

bool IsLoopback(const std::string& addr) {
  return addr == "127.0.0.1" || addr == "localhost" || addr == "::1";
}

c10::intrusive_ptr<c10d::Backend> MakeBackend(const GroupOptions& o, const c10::intrusive_ptr<c10d::Store>& store) {
  if (o.backend == "gloo") {
#ifdef RARFT_HAVE_GLOO
    auto gopts = c10d::ProcessGroupGloo::Options::create(o.timeout);
    // Gloo binds one device (NIC). GLOO_SOCKET_IFNAME wins (as in torch.distributed); a loopback master means all
    // ranks are on this host, so bind loopback rather than whatever the hostname resolves to (often unresolvable in
    // containers); otherwise the hostname's address.
    const char* ifname = std::getenv("GLOO_SOCKET_IFNAME");
    if (ifname && *ifname)
      gopts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
    else if (IsLoopback(o.master_addr))
      gopts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
    else
      gopts->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    return c10::make_intrusive<c10d::ProcessGroupGloo>(store, o.rank, o.world_size, gopts);
#else
    throw std::runtime_error("the addon was built without Gloo (install libgloo-dev and rebuild)");
#endif
  }
  if (o.backend == "nccl") {
#ifdef RARFT_HAVE_NCCL
    c10::cuda::set_device(static_cast<c10::DeviceIndex>(o.local_rank));
    // Without blocking wait, NCCL's Work::wait only orders streams and a timeout is handled by the watchdog aborting
    // the process; with it, wait(timeout) throws like Gloo's, which is the contract of this class. A user's own
    // setting wins.
    setenv("TORCH_NCCL_BLOCKING_WAIT", "1", /*overwrite=*/0);
    auto nopts = c10d::ProcessGroupNCCL::Options::create();
    nopts->timeout = o.timeout;
    return c10::make_intrusive<c10d::ProcessGroupNCCL>(store, o.rank, o.world_size, nopts);
#else
    throw std::runtime_error("the addon was built without NCCL (needs a CUDA libtorch and nccl.h at build time)");
#endif
  }
  throw std::invalid_argument("unknown backend '" + o.backend + "' (expected gloo or nccl)");
}

}  // namespace

ReduceKind ParseReduceKind(const std::string& s) {
  if (s == "sum") return ReduceKind::Sum;
  if (s == "avg") return ReduceKind::Avg;
  if (s == "max") return ReduceKind::Max;
  throw std::invalid_argument("unknown reduce op '" + s + "' (expected sum, avg or max)");
}

Group::Group(const GroupOptions& opts) : opts_(opts) {
  if (opts.world_size < 1) throw std::invalid_argument("world size must be >= 1");
  if (opts.rank < 0 || opts.rank >= opts.world_size)
    throw std::invalid_argument("rank " + std::to_string(opts.rank) + " is outside [0, " + std::to_string(opts.world_size) + ")");
  if (opts.master_port < 1 || opts.master_port > 65535) throw std::invalid_argument("master port must be in [1, 65535]");
  if (opts.timeout.count() <= 0) throw std::invalid_argument("timeout must be > 0 ms");
  try {
    c10d::TCPStoreOptions so;
    so.port = static_cast<std::uint16_t>(opts.master_port);
    so.isServer = opts.rank == 0;
    so.numWorkers = static_cast<std::size_t>(opts.world_size);
    so.waitWorkers = true;  // the server returns only once every rank has connected (or the timeout passed)
    so.timeout = opts.timeout;
    store_ = c10::make_intrusive<c10d::TCPStore>(opts.master_addr, so);
    backend_ = MakeBackend(opts, store_);
  } catch (const std::exception& e) {
    throw std::runtime_error("process group rendezvous failed (" + Where(opts) + "): " + Msg(e));
  }
}

Group::~Group() {
  try {
    Destroy();
  } catch (...) {
  }
}

void Group::CheckUsable(const char* op) const {
  if (destroyed_) throw std::runtime_error(std::string(op) + ": the process group was destroyed");
  std::lock_guard<std::mutex> lock(broken_mu_);
  if (!broken_.empty())
    throw std::runtime_error(std::string(op) + ": the process group is unusable after an earlier failure: " + broken_);
}

// Caller holds mu_. A throw while issuing is an argument check (the collective never started on this rank): report
// it and keep the group usable. A failure while waiting means the ranks are out of step: the group is broken.
template <typename F>
c10::intrusive_ptr<c10d::Work> Group::Issue(const char* op, F&& issue) {
  CheckUsable(op);
  try {
    return issue();
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string(op) + ": " + Msg(e));
  }
}

template <typename F>
void Group::Run(const char* op, F&& issue) {
  std::lock_guard<std::mutex> lock(mu_);
  WaitFor(op, Issue(op, std::forward<F>(issue)));
}

void PendingOp::Wait() {
  if (waited_) return;
  waited_ = true;
  group_->WaitFor(op_, work_);
  work_.reset();
}

void Group::WaitFor(const char* op, const c10::intrusive_ptr<c10d::Work>& work) {
  try {
    // wait(timeout) throws on timeout and rethrows the backend's error (a closed connection from a dead peer).
    if (!work->wait(opts_.timeout)) throw std::runtime_error("timed out");
  } catch (const std::exception& e) {
    std::string msg = std::string(op) + " failed (" + Where(opts_) + "): " + Msg(e) +
                      " -- a peer rank has likely exited or stopped calling collectives in the same order";
    {
      std::lock_guard<std::mutex> lock(broken_mu_);
      if (broken_.empty()) broken_ = msg;
    }
    throw std::runtime_error(msg);
  }
}

void Group::CheckInPlace(const char* op, const at::Tensor& t) const {
  if (!t.defined()) throw std::invalid_argument(std::string(op) + ": undefined tensor");
  if (!t.is_contiguous()) throw std::invalid_argument(std::string(op) + ": the tensor must be contiguous (call .contiguous() first)");
}

void Group::AllReduce(at::Tensor& t, ReduceKind op) {
  CheckInPlace("allReduce", t);
  if (op == ReduceKind::Avg && !at::isFloatingType(t.scalar_type()))
    throw std::invalid_argument("allReduce avg needs a floating-point tensor");
  std::vector<at::Tensor> ts{t};
  c10d::AllreduceOptions o;
  o.reduceOp = op == ReduceKind::Max ? c10d::ReduceOp::MAX : c10d::ReduceOp::SUM;  // Gloo has no AVG: sum, then divide
  o.timeout = opts_.timeout;
  Run("allReduce", [&] { return backend_->allreduce(ts, o); });
  if (op == ReduceKind::Avg) t.div_(opts_.world_size);
}

void Group::Broadcast(at::Tensor& t, int root) {
  CheckInPlace("broadcast", t);
  if (root < 0 || root >= opts_.world_size) throw std::invalid_argument("broadcast root " + std::to_string(root) + " out of range");
  std::vector<at::Tensor> ts{t};
  c10d::BroadcastOptions o;
  o.rootRank = root;
  o.timeout = opts_.timeout;
  Run("broadcast", [&] { return backend_->broadcast(ts, o); });
}

void Group::AllGatherInto(at::Tensor& out, const at::Tensor& local) {
  if (out.numel() != local.numel() * opts_.world_size)
    throw std::invalid_argument("allGather: output has " + std::to_string(out.numel()) + " elements, expected world (" +
                                std::to_string(opts_.world_size) + ") x input (" + std::to_string(local.numel()) + ")");
  if (!out.is_contiguous() || out.scalar_type() != local.scalar_type())
    throw std::invalid_argument("allGather: output must be contiguous with the input's dtype");
  at::Tensor in = local.contiguous();
  c10d::AllgatherOptions o;
  o.timeout = opts_.timeout;
  Run("allGather", [&] { return backend_->_allgather_base(out, in, o); });
}

std::shared_ptr<PendingOp> Group::AllGatherStart(at::Tensor& out, const at::Tensor& local) {
  if (out.numel() != local.numel() * opts_.world_size || !out.is_contiguous() || out.scalar_type() != local.scalar_type())
    throw std::invalid_argument("allGather (prefetch): output must be contiguous, of the input's dtype, world x its size");
  at::Tensor in = local.contiguous();
  c10d::AllgatherOptions o;
  o.timeout = opts_.timeout;
  std::lock_guard<std::mutex> lock(mu_);
  auto work = Issue("allGather (prefetch)", [&] { return backend_->_allgather_base(out, in, o); });
  return std::make_shared<PendingOp>(this, "allGather (prefetch)", std::move(work));
}

void Group::ReduceScatterInto(at::Tensor& out, const at::Tensor& full, ReduceKind op) {
  if (full.numel() != out.numel() * opts_.world_size)
    throw std::invalid_argument("reduceScatter: input has " + std::to_string(full.numel()) + " elements, expected world (" +
                                std::to_string(opts_.world_size) + ") x output (" + std::to_string(out.numel()) + ")");
  if (!out.is_contiguous() || out.scalar_type() != full.scalar_type())
    throw std::invalid_argument("reduceScatter: output must be contiguous with the input's dtype");
  if (op == ReduceKind::Avg && !at::isFloatingType(full.scalar_type()))
    throw std::invalid_argument("reduceScatter avg needs a floating-point tensor");
  at::Tensor in = full.contiguous();
  c10d::ReduceScatterOptions o;
  o.reduceOp = op == ReduceKind::Max ? c10d::ReduceOp::MAX : c10d::ReduceOp::SUM;
  o.timeout = opts_.timeout;
  Run("reduceScatter", [&] { return backend_->_reduce_scatter_base(out, in, o); });
  if (op == ReduceKind::Avg) out.div_(opts_.world_size);
}

void Group::Barrier() {
  c10d::BarrierOptions o;
  o.timeout = opts_.timeout;
  Run("barrier", [&] { return backend_->barrier(o); });
}

void Group::Destroy() {
  std::lock_guard<std::mutex> lock(mu_);
  if (destroyed_) return;
  destroyed_ = true;
  bool broken;
  {
    std::lock_guard<std::mutex> lock(broken_mu_);
    broken = !broken_.empty();
  }
  if (broken) {
    // See the header: joining a backend whose threads may sit in a blocked transport call can hang the exit.
    (void)backend_.release();
    (void)store_.release();
    return;
  }
  if (backend_) backend_->shutdown();
  backend_.reset();
  store_.reset();
}

}  // namespace rarft::dist
