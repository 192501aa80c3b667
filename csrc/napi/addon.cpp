// Module entry: runs every RARFT_EXPORTS block of every binding file.
#include <napi.h>

#include "napi/exports.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  for (auto& block : rarft::napi::ExportBlocks()) block(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(rarft, Init)
