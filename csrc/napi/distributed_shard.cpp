// N-API bindings for rarft::dist::FlatShard (csrc/distributed/flat_shard.h). Anything that communicates (create with a
// broadcast, gather, reduceScatterGrads, clipGradNorm, gatherNamed) runs on the thread pool; layout queries and the
// pure re-sharding helper (shardSliceForRank) are synchronous.
#include "napi/async_work.h"
#include "napi/distributed_registry.h"
#include "napi/object_map.h"
#include "napi/op.h"

namespace rarft::napi {
namespace {

using Shards = ObjectMap<dist::FlatShard>;

std::shared_ptr<dist::FlatShard> ShardArg(const Napi::CallbackInfo& info, size_t i) {
  auto sh = Shards::For(info.Env()).Arg(info, i, "flat shard");
  audit::ResultsOnObject(sh.get());  // a shard's buffers live on its parameters' device
  return sh;
}

Napi::Value Register(Napi::Env env, std::shared_ptr<dist::FlatShard> sh) { return Shards::For(env).Add(env, std::move(sh)); }

std::vector<std::vector<int64_t>> Shapes(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsArray()) throw ArgError(ArgName(i) + " must be an array of shapes");
  auto arr = info[i].As<Napi::Array>();
  std::vector<std::vector<int64_t>> out;
  for (uint32_t k = 0; k < arr.Length(); ++k) {
    Napi::Value v = arr.Get(k);
    if (!v.IsArray()) throw ArgError(ArgName(i) + "[" + std::to_string(k) + "] must be an array of integers");
    auto a = v.As<Napi::Array>();
    std::vector<int64_t> shape;
    for (uint32_t j = 0; j < a.Length(); ++j) shape.push_back(static_cast<int64_t>(a.Get(j).As<Napi::Number>().DoubleValue()));
    out.push_back(std::move(shape));
  }
  return out;
}

Napi::Value Handles(Napi::Env env, std::shared_ptr<std::vector<at::Tensor>> ts) { return WrapTensors(env, *ts); }

}  // namespace

// shardCreate(groupId, names, params[], syncFromRoot) -> Promise<id>
RARFT_OP(shardCreate) {
  auto g = GroupArg(info, 0);
  auto names = StringListArg(info, 1);
  auto params = TensorListArg(info, 2);
  bool sync = BoolArg(info, 3);
  if (names.size() != params.size()) throw ArgError("names and params differ in length");
  auto out = std::make_shared<std::shared_ptr<dist::FlatShard>>();
  return PromiseWorker::Start(
      info.Env(), "FlatShard.create",
      [g, names, params, sync, out] { *out = std::make_shared<dist::FlatShard>(g, names, params, sync); },
      [out](Napi::Env env) { return Register(env, std::move(*out)); });
}

// shardFromLocal(groupId, names, shapes, localShard) -> id (no communication)
RARFT_OP(shardFromLocal) {
  auto g = GroupArg(info, 0);
  auto layout = dist::FlatLayout::Of(StringListArg(info, 1), Shapes(info, 2), g->world_size());
  return Register(info.Env(), std::make_shared<dist::FlatShard>(g, std::move(layout), T(3)));
}

// shardLayout(id) -> {names, shapes, offsets, total, padded, shardSize, world}
RARFT_OP(shardLayout) {
  const auto& l = ShardArg(info, 0)->layout();
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  Napi::Array names = Napi::Array::New(env), shapes = Napi::Array::New(env), offsets = Napi::Array::New(env);
  for (uint32_t i = 0; i < l.names.size(); ++i) {
    names.Set(i, l.names[i]);
    Napi::Array s = Napi::Array::New(env);
    for (uint32_t j = 0; j < l.shapes[i].size(); ++j) s.Set(j, static_cast<double>(l.shapes[i][j]));
    shapes.Set(i, s);
    offsets.Set(i, static_cast<double>(l.offsets[i]));
  }
  o.Set("names", names);
  o.Set("shapes", shapes);
  o.Set("offsets", offsets);
  o.Set("total", static_cast<double>(l.total));
  o.Set("padded", static_cast<double>(l.padded));
  o.Set("shardSize", static_cast<double>(l.shard_size));
  o.Set("world", l.world);
  return o;
}

// shardLocal(id) -> handle of the local shard (same storage: the optimizer updates it in place)
RARFT_OP(shardLocal) { return Ret(info, ShardArg(info, 0)->shard()); }

RARFT_OP(shardGathered) { return Napi::Boolean::New(info.Env(), ShardArg(info, 0)->gathered()); }

// shardGather(id) -> Promise<handle[]> (one leaf view per parameter)
RARFT_OP(shardGather) {
  auto sh = ShardArg(info, 0);
  auto out = std::make_shared<std::vector<at::Tensor>>();
  return PromiseWorker::Start(
      info.Env(), "FlatShard.gather", [sh, out] { *out = sh->Gather(); }, [out](Napi::Env env) { return Handles(env, out); });
}

RARFT_OP(shardFree) {
  ShardArg(info, 0)->Free();
  return info.Env().Undefined();
}

// shardReduceScatterGrads(id) -> Promise<handle> (the averaged local grad shard, also set as the shard's grad)
RARFT_OP(shardReduceScatterGrads) {
  auto sh = ShardArg(info, 0);
  return AsyncTensor(info.Env(), "FlatShard.reduceScatterGrads", [sh] { return sh->ReduceScatterGrads(); });
}

// shardClipGradNorm(id, maxNorm) -> Promise<number>
RARFT_OP(shardClipGradNorm) {
  auto sh = ShardArg(info, 0);
  double max_norm = NumberArg(info, 1);
  auto norm = std::make_shared<double>(0);
  return PromiseWorker::Start(
      info.Env(), "FlatShard.clipGradNorm", [sh, max_norm, norm] { *norm = sh->ClipGradNorm(max_norm); },
      [norm](Napi::Env env) { return Napi::Number::New(env, *norm); });
}

// shardGatherNamed(id, localFlat) -> Promise<handle[]> (per-parameter full tensors, original shapes)
RARFT_OP(shardGatherNamed) {
  auto sh = ShardArg(info, 0);
  at::Tensor local = T(1);
  auto out = std::make_shared<std::vector<at::Tensor>>();
  return PromiseWorker::Start(
      info.Env(), "FlatShard.gatherNamed", [sh, local, out] { *out = sh->GatherNamed(local); },
      [out](Napi::Env env) { return Handles(env, out); });
}

// shardSliceForRank(names, tensors[], world, rank, dtype) -> handle (pure: re-sharding a full checkpoint)
RARFT_OP(shardSliceForRank) {
  auto names = StringListArg(info, 0);
  auto ts = TensorListArg(info, 1);
  if (names.size() != ts.size()) throw ArgError("names and tensors differ in length");
  std::vector<std::vector<int64_t>> shapes;
  for (const auto& t : ts) shapes.push_back(t.sizes().vec());
  auto layout = dist::FlatLayout::Of(names, shapes, static_cast<int>(IntArg(info, 2)));
  return Ret(info, dist::SliceForRank(layout, ts, static_cast<int>(IntArg(info, 3)), DtypeArg(info, 4)));
}

RARFT_OP(shardDispose) {
  if (auto sh = Shards::For(info.Env()).Take(IntArg(info, 0))) sh->Free();
  return info.Env().Undefined();
}

RARFT_EXPORTS(env, exports) {
#define E(name, n) SetFn(env, exports, #name, name, n);
  E(shardCreate, 4) E(shardFromLocal, 4) E(shardLayout, 1) E(shardLocal, 1) E(shardGathered, 1) E(shardGather, 1) E(shardFree, 1)
  E(shardReduceScatterGrads, 1) E(shardClipGradNorm, 2) E(shardGatherNamed, 2) E(shardSliceForRank, 5) E(shardDispose, 1)
#undef E
}

}  // namespace rarft::napi
