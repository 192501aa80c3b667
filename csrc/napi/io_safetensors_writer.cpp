// A safetensors file written tensor by tensor from JS (csrc/io/safetensors_writer.h): open with the full list of
// names/dtypes/shapes, append in that order (each write off the JS thread), finish (atomic rename) or abort.
#include "io/safetensors_writer.h"
#include "napi/async_work.h"
#include "napi/object_map.h"
#include "napi/op.h"

namespace rarft::napi {

using Writers = ObjectMap<io::SafetensorsWriter>;

// safetensorsWriterOpen(path, names[], dtypeCodes[], shapes[][], metadata{}) -> id
RARFT_OP(safetensorsWriterOpen) {
  const std::string path = StringArg(info, 0);
  const std::vector<std::string> names = StringListArg(info, 1);
  const std::vector<int64_t> codes = IntListArg(info, 2);
  if (!info[3].IsArray()) throw ArgError("argument 3 must be an array of shapes");
  const Napi::Array shapes = info[3].As<Napi::Array>();
  if (codes.size() != names.size() || shapes.Length() != names.size())
    throw ArgError("names, dtypes and shapes differ in length");
  std::vector<io::SafetensorsEntry> entries;
  for (size_t i = 0; i < names.size(); ++i) {
    const Napi::Value s = shapes.Get(static_cast<uint32_t>(i));
    if (!s.IsArray()) throw ArgError("shape " + std::to_string(i) + " must be an array");
    const Napi::Array a = s.As<Napi::Array>();
    std::vector<int64_t> shape;
    for (uint32_t k = 0; k < a.Length(); ++k) shape.push_back(static_cast<int64_t>(a.Get(k).As<Napi::Number>().DoubleValue()));
    entries.push_back({names[i], static_cast<at::ScalarType>(codes[i]), std::move(shape)});
  }
  std::map<std::string, std::string> meta;
  if (!IsMissing(info, 4)) {
    const Napi::Object o = info[4].As<Napi::Object>();
    const Napi::Array keys = o.GetPropertyNames();
    for (uint32_t k = 0; k < keys.Length(); ++k) {
      const std::string key = keys.Get(k).As<Napi::String>().Utf8Value();
      meta[key] = o.Get(key).As<Napi::String>().Utf8Value();
    }
  }
  return Writers::For(info.Env()).Add(info.Env(), std::make_shared<io::SafetensorsWriter>(path, std::move(entries), meta));
}

// safetensorsWriterAppend(id, name, tensor) -> Promise<void>
RARFT_OP(safetensorsWriterAppend) {
  auto w = Writers::For(info.Env()).Arg(info, 0, "safetensors writer");
  const std::string name = StringArg(info, 1);
  const at::Tensor t = T(2);
  return PromiseWorker::Start(info.Env(), "safetensorsWriterAppend", [w, name, t] { w->Append(name, t); }, nullptr);
}

// safetensorsWriterFinish(id) -> Promise<void>; the id is released either way.
RARFT_OP(safetensorsWriterFinish) {
  auto w = Writers::For(info.Env()).Take(IntArg(info, 0));
  if (!w) throw ArgError("argument 0 is not a live safetensors writer (finished or aborted?)");
  return PromiseWorker::Start(info.Env(), "safetensorsWriterFinish", [w] { w->Finish(); }, nullptr);
}

// safetensorsWriterAbort(id): removes the temp file; a no-op for an id already finished or aborted.
RARFT_OP(safetensorsWriterAbort) {
  if (auto w = Writers::For(info.Env()).Take(IntArg(info, 0))) w->Abort();
  return info.Env().Undefined();
}

RARFT_EXPORTS(env, exports) {
  SetFn(env, exports, "safetensorsWriterOpen", safetensorsWriterOpen, 5);
  SetFn(env, exports, "safetensorsWriterAppend", safetensorsWriterAppend, 3);
  SetFn(env, exports, "safetensorsWriterFinish", safetensorsWriterFinish, 1);
  SetFn(env, exports, "safetensorsWriterAbort", safetensorsWriterAbort, 1);
}

}  // namespace rarft::napi
