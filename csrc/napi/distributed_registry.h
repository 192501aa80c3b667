// Process groups and flat shards live in id-keyed maps per Node environment (JS thread only). Async work holds a
// shared_ptr, so dispose() during a collective cannot free the object under the worker thread.
#pragma once
#include <napi.h>

#include <memory>

#include "distributed/flat_shard.h"
#include "distributed/process_group.h"

namespace rarft::napi {

std::shared_ptr<dist::Group> GroupArg(const Napi::CallbackInfo& info, size_t i);

}  // namespace rarft::napi
