#include "napi/exports.h"

namespace rarft::napi {

std::vector<ExportFn>& ExportBlocks() {
  static std::vector<ExportFn> blocks;  // function-local: safe from static-init order
  return blocks;
}

}  // namespace rarft::napi
