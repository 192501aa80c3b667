// N-API bindings for rarft::dist::Group (csrc/distributed/process_group.h). Rendezvous and every collective run on the thread
// pool (PromiseWorker): they block until all ranks arrive or the timeout passes, and must not block the event loop.
// Collectives write in place (allReduce, broadcast) or return a new handle (allGather, reduceScatter).

#include "napi/async_work.h"
#include "napi/distributed_registry.h"
#include "napi/object_map.h"
#include "napi/op.h"

namespace rarft::napi {
namespace {

using Groups = ObjectMap<dist::Group>;

std::string StrField(const Napi::Object& o, const char* key, const std::string& dflt) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) return dflt;
  if (!v.IsString()) throw ArgError(std::string("options.") + key + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}

int64_t IntField(const Napi::Object& o, const char* key, int64_t dflt) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) return dflt;
  if (!v.IsNumber()) throw ArgError(std::string("options.") + key + " must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (d != static_cast<double>(static_cast<int64_t>(d))) throw ArgError(std::string("options.") + key + " must be an integer");
  return static_cast<int64_t>(d);
}

Napi::Value Undefined(Napi::Env env) { return env.Undefined(); }

}  // namespace

std::shared_ptr<dist::Group> GroupArg(const Napi::CallbackInfo& info, size_t i) {
  auto g = Groups::For(info.Env()).Arg(info, i, "process group");
  audit::NoteObject(g.get(), "process group");  // a group made for cuda:k takes only tensors on cuda:k, as NCCL does
  return g;
}

// distBackends() -> {gloo, nccl}: what this build can create.
RARFT_OP(distBackends) {
  Napi::Object o = Napi::Object::New(info.Env());
#ifdef RARFT_HAVE_GLOO
  o.Set("gloo", true);
#else
  o.Set("gloo", false);
#endif
#ifdef RARFT_HAVE_NCCL
  o.Set("nccl", true);
#else
  o.Set("nccl", false);
#endif
  return o;
}

// distInit({backend, rank, worldSize, localRank, masterAddr, masterPort, timeoutMs, device?}) -> Promise<id>
// `device`: where the group's tensors live (the device audit holds collectives to it; NCCL needs this rank's GPU).
RARFT_OP(distInit) {
  if (!info[0].IsObject()) throw ArgError("argument 0 must be an options object");
  auto o = info[0].As<Napi::Object>();
  dist::GroupOptions opts;
  opts.backend = StrField(o, "backend", "gloo");
  opts.rank = static_cast<int>(IntField(o, "rank", 0));
  opts.world_size = static_cast<int>(IntField(o, "worldSize", 1));
  opts.local_rank = static_cast<int>(IntField(o, "localRank", 0));
  opts.master_addr = StrField(o, "masterAddr", "127.0.0.1");
  opts.master_port = static_cast<int>(IntField(o, "masterPort", 29500));
  opts.timeout = std::chrono::milliseconds(IntField(o, "timeoutMs", 30 * 60 * 1000));
  std::string device = StrField(o, "device", "cpu");
  try {
    audit::Resolve(at::Device(device));
  } catch (const c10::Error&) {
    throw ArgError("options.device: not a device: '" + device + "'");
  }
  auto out = std::make_shared<std::shared_ptr<dist::Group>>();
  return PromiseWorker::Start(
      info.Env(), "distInit", [opts, out] { *out = std::make_shared<dist::Group>(opts); },
      [out](Napi::Env env) { return Groups::For(env).Add(env, std::move(*out)); });
}

// distAllReduce(id, tensor, 'sum'|'avg'|'max') -> Promise<void>, in place
RARFT_OP(distAllReduce) {
  auto g = GroupArg(info, 0);
  at::Tensor t = T(1);
  auto op = dist::ParseReduceKind(StringArg(info, 2));
  return PromiseWorker::Start(info.Env(), "allReduce", [g, t, op]() mutable { g->AllReduce(t, op); }, Undefined);
}

// distBroadcast(id, tensor, root) -> Promise<void>, in place
RARFT_OP(distBroadcast) {
  auto g = GroupArg(info, 0);
  at::Tensor t = T(1);
  int root = static_cast<int>(IntArg(info, 2));
  return PromiseWorker::Start(info.Env(), "broadcast", [g, t, root]() mutable { g->Broadcast(t, root); }, Undefined);
}

// distAllGather(id, tensor) -> Promise<handle>: 1-D, world * numel, rank r's values at [r*n, (r+1)*n)
RARFT_OP(distAllGather) {
  auto g = GroupArg(info, 0);
  at::Tensor t = T(1);
  return AsyncTensor(info.Env(), "allGather", [g, t] {
    at::Tensor out = at::empty({t.numel() * g->world_size()}, t.options().requires_grad(false));
    g->AllGatherInto(out, t.detach().reshape({-1}));
    return out;
  });
}

// distReduceScatter(id, flat, op) -> Promise<handle>: 1-D, numel / world
RARFT_OP(distReduceScatter) {
  auto g = GroupArg(info, 0);
  at::Tensor t = T(1);
  auto op = dist::ParseReduceKind(StringArg(info, 2));
  if (t.numel() % g->world_size() != 0)
    throw ArgError("reduceScatter: " + std::to_string(t.numel()) + " elements do not split evenly over " +
                   std::to_string(g->world_size()) + " ranks (pad to a multiple of the world size)");
  return AsyncTensor(info.Env(), "reduceScatter", [g, t, op] {
    at::Tensor out = at::empty({t.numel() / g->world_size()}, t.options().requires_grad(false));
    g->ReduceScatterInto(out, t.detach().reshape({-1}), op);
    return out;
  });
}

RARFT_OP(distBarrier) {
  auto g = GroupArg(info, 0);
  return PromiseWorker::Start(info.Env(), "barrier", [g] { g->Barrier(); }, Undefined);
}

// distDestroy(id) -> Promise<void>. The id is retired at once; the backend is released off-thread (it may wait for
// an in-flight collective to finish or time out).
RARFT_OP(distDestroy) {
  auto g = Groups::For(info.Env()).Take(IntArg(info, 0));
  if (!g) {  // already destroyed: a no-op, like dispose()
    auto d = Napi::Promise::Deferred::New(info.Env());
    d.Resolve(info.Env().Undefined());
    return d.Promise();
  }
  return PromiseWorker::Start(info.Env(), "destroy", [g] { g->Destroy(); }, Undefined);
}

RARFT_EXPORTS(env, exports) {
#define E(name, n) SetFn(env, exports, #name, name, n);
  E(distBackends, 0) E(distInit, 1) E(distAllReduce, 3) E(distBroadcast, 3) E(distAllGather, 2) E(distReduceScatter, 3) E(distBarrier, 1)
  E(distDestroy, 1)
#undef E
}

}  // namespace rarft::napi
