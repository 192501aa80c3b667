// Native objects that JS refers to by a numeric id (an optimizer, a flat shard, ...): one map per Node environment
// and type, touched only on that environment's JS thread. Async work holds a shared_ptr, so dispose() while the work
// runs cannot free the object under the worker thread.
#pragma once
#include <napi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "napi/args.h"
#include "napi/device_audit.h"

namespace rarft::napi {

template <typename T>
class ObjectMap {
 public:
  static ObjectMap& For(Napi::Env env) {
    if (!tl_map_) {
      tl_map_ = new ObjectMap();
      env.AddCleanupHook([] {
        delete tl_map_;
        tl_map_ = nullptr;
      });
    }
    return *tl_map_;
  }

  // Stores `obj` and returns its id as a JS number. Under the device audit the object keeps the device of the call
  // that made it (device_audit.h).
  Napi::Value Add(Napi::Env env, std::shared_ptr<T> obj) {
    audit::TagObject(obj.get());
    int64_t id = next_++;
    map_.emplace(id, std::move(obj));
    return Napi::Number::New(env, static_cast<double>(id));
  }

  // The object whose id is argument `i`; `what` names the kind in the error ("optimizer", "flat shard").
  std::shared_ptr<T> Arg(const Napi::CallbackInfo& info, size_t i, const char* what) const {
    auto it = map_.find(IntArg(info, i));
    if (it == map_.end()) throw ArgError(ArgName(i) + " is not a live " + what + " (disposed?)");
    return it->second;
  }

  // Removes the id's entry and hands back the object (null if there was none).
  std::shared_ptr<T> Take(int64_t id) {
    auto it = map_.find(id);
    if (it == map_.end()) return nullptr;
    auto obj = std::move(it->second);
    map_.erase(it);
    audit::ForgetObject(obj.get());
    return obj;
  }

 private:
  std::unordered_map<int64_t, std::shared_ptr<T>> map_;
  int64_t next_ = 1;
  static thread_local ObjectMap* tl_map_;
};

template <typename T>
thread_local ObjectMap<T>* ObjectMap<T>::tl_map_ = nullptr;

}  // namespace rarft::napi
