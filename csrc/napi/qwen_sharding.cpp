// N-API bindings for ZeRO-3 sharding of a Qwen model (csrc/qwen/sharding.h). Sharding and finishing a backward
// communicate, so they run on the thread pool; the trainable blocks' flat shards are registered in the same map as
// standalone FlatShards, so TypeScript drives them with the FlatShard wrapper (local slice, gatherNamed, ...).
#include "napi/async_work.h"
#include "napi/distributed_registry.h"
#include "napi/object_map.h"
#include "napi/op.h"
#include "napi/qwen_registry.h"

namespace rarft::napi {
namespace {

using Shards = ObjectMap<dist::FlatShard>;

// {rank, world, localBytes, blocks: [{name, trainableShard: id|null}]}; registers the trainable shards once.
Napi::Value Describe(Napi::Env env, const std::shared_ptr<qwen::QwenModel>& m) {
  qwen::ModelSharding* s = m->sharding();
  Napi::Object o = Napi::Object::New(env);
  o.Set("rank", s->group().rank());
  o.Set("world", s->group().world_size());
  o.Set("localBytes", static_cast<double>(s->LocalBytes()));
  Napi::Array blocks = Napi::Array::New(env);
  uint32_t k = 0;
  for (auto& b : s->blocks()) {
    Napi::Object bo = Napi::Object::New(env);
    bo.Set("name", b->name());
    bo.Set("trainableShard", b->trainable_shard() ? Shards::For(env).Add(env, b->trainable_shard()) : env.Null());
    blocks.Set(k++, bo);
  }
  o.Set("blocks", blocks);
  return o;
}

}  // namespace

// qwenShard(modelId, groupId, trainableNames[], syncFromRoot) -> Promise<description> (see Describe)
RARFT_OP(qwenShard) {
  auto m = ModelArg(info, 0);
  auto g = GroupArg(info, 1);
  auto names = StringListArg(info, 2);
  bool sync = BoolArg(info, 3);
  std::set<std::string> trainable(names.begin(), names.end());
  return PromiseWorker::Start(
      info.Env(), "qwenShard", [m, g, trainable, sync] { m->Shard(g, trainable, sync); },
      [m](Napi::Env env) { return Describe(env, m); });
}

// qwenFinishBackward(modelId) -> Promise<void>: rest's grads reduce-scattered, every binding released (collective).
RARFT_OP(qwenFinishBackward) {
  auto m = ModelArg(info, 0);
  if (!m->sharding()) throw ArgError("finishBackward: the model is not sharded");
  return PromiseWorker::Start(info.Env(), "qwenFinishBackward", [m] { m->sharding()->FinishBackward(); }, nullptr);
}

// qwenReleaseBindings(modelId): drops what a forward kept bound, without communication (skipped step, errors).
RARFT_OP(qwenReleaseBindings) {
  auto m = ModelArg(info, 0);
  if (m->sharding()) m->sharding()->ReleaseAllBindings();
  return info.Env().Undefined();
}

// qwenShardBytes(modelId) -> bytes of parameter slices this rank holds (0 when not sharded)
RARFT_OP(qwenShardBytes) {
  auto m = ModelArg(info, 0);
  return Napi::Number::New(info.Env(), m->sharding() ? static_cast<double>(m->sharding()->LocalBytes()) : 0.0);
}

// qwenShardGathers(modelId) -> [gathers, served by a prefetch] since sharding (tests and profiling)
RARFT_OP(qwenShardGathers) {
  auto m = ModelArg(info, 0);
  if (!m->sharding()) throw ArgError("shardGathers: the model is not sharded");
  auto [g, h] = m->sharding()->GatherCounts();
  Napi::Array a = Napi::Array::New(info.Env(), 2);
  a.Set(0u, static_cast<double>(g));
  a.Set(1u, static_cast<double>(h));
  return a;
}

RARFT_EXPORTS(env, exports) {
#define E(name, n) SetFn(env, exports, #name, name, n);
  E(qwenShard, 4) E(qwenFinishBackward, 1) E(qwenReleaseBindings, 1) E(qwenShardBytes, 1) E(qwenShardGathers, 1)
#undef E
}

}  // namespace rarft::napi
