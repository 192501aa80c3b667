// safetensors from JS: read a header, load tensors (zero-copy views of the mapped file on CPU), save atomically.
#include "io/safetensors.h"
#include "napi/async_work.h"
#include "napi/op.h"

namespace rarft::napi {
namespace {

// Tensor names and metadata keys come from the file: a key is made from its full length (an embedded NUL would cut
// a C-string key short) and defined as an own property ("__proto__" would otherwise set the object's prototype).
void SetOwn(Napi::Env env, Napi::Object obj, const std::string& key, Napi::Value value) {
  const auto plain = static_cast<napi_property_attributes>(napi_writable | napi_enumerable | napi_configurable);
  obj.DefineProperty(Napi::PropertyDescriptor::Value(Napi::String::New(env, key), value, plain));
}

}  // namespace

// safetensorsHeader(path) -> {tensors: {name: {dtype, shape}}, metadata}
RARFT_OP(safetensorsHeader) {
  auto file = io::SafetensorsFile::Open(StringArg(info, 0));
  Napi::Env env = info.Env();
  auto tensors = Napi::Object::New(env);
  for (const auto& name : file->Names()) {
    const auto& ti = file->Info(name);
    auto o = Napi::Object::New(env);
    o.Set("dtype", ti.dtype_name);
    auto shape = Napi::Array::New(env, ti.shape.size());
    for (uint32_t i = 0; i < ti.shape.size(); ++i) shape.Set(i, Napi::Number::New(env, static_cast<double>(ti.shape[i])));
    o.Set("shape", shape);
    SetOwn(env, tensors, name, o);
  }
  auto meta = Napi::Object::New(env);
  for (const auto& [k, v] : file->Metadata()) SetOwn(env, meta, k, Napi::String::New(env, v));
  auto out = Napi::Object::New(env);
  out.Set("tensors", tensors);
  out.Set("metadata", meta);
  return out;
}

// loadSafetensors(path, names[]|null, device|null) -> Promise<{names: string[], handles: number[], metadata}>
RARFT_OP(loadSafetensors) {
  std::string path = StringArg(info, 0);
  std::optional<std::vector<std::string>> wanted;
  if (!IsMissing(info, 1)) {
    auto arr = info[1].As<Napi::Array>();
    wanted.emplace();
    for (uint32_t i = 0; i < arr.Length(); ++i) wanted->push_back(arr.Get(i).As<Napi::String>().Utf8Value());
  }
  at::Device device = DeviceArg(info, 2);
  struct Result {
    std::vector<std::string> names;
    std::vector<at::Tensor> tensors;
    std::map<std::string, std::string> metadata;
  };
  auto r = std::make_shared<Result>();
  return PromiseWorker::Start(
      info.Env(), "loadSafetensors",
      [r, path, wanted, device] {
        auto file = io::SafetensorsFile::Open(path);
        r->names = wanted ? *wanted : file->Names();
        for (const auto& n : r->names) {
          at::Tensor t = file->Get(n);
          r->tensors.push_back(device.is_cpu() ? t : t.to(device));
        }
        r->metadata = file->Metadata();
      },
      [r](Napi::Env env) -> Napi::Value {
        auto out = Napi::Object::New(env);
        auto names = Napi::Array::New(env, r->names.size());
        for (uint32_t i = 0; i < r->names.size(); ++i) names.Set(i, r->names[i]);
        out.Set("names", names);
        out.Set("handles", WrapTensors(env, r->tensors));
        auto meta = Napi::Object::New(env);
        for (const auto& [k, v] : r->metadata) SetOwn(env, meta, k, Napi::String::New(env, v));
        out.Set("metadata", meta);
        return out;
      });
}

// saveSafetensors(path, names[], handles[], metadata{}) -> Promise<void>
RARFT_OP(saveSafetensors) {
  std::string path = StringArg(info, 0);
  auto names_arr = info[1].As<Napi::Array>();
  auto tensors = TensorListArg(info, 2);
  if (names_arr.Length() != tensors.size()) throw ArgError("names and tensors differ in length");
  std::vector<std::pair<std::string, at::Tensor>> items;
  for (uint32_t i = 0; i < names_arr.Length(); ++i) items.emplace_back(names_arr.Get(i).As<Napi::String>().Utf8Value(), tensors[i]);
  std::map<std::string, std::string> meta;
  if (!IsMissing(info, 3)) {
    auto obj = info[3].As<Napi::Object>();
    auto keys = obj.GetPropertyNames();
    for (uint32_t i = 0; i < keys.Length(); ++i) {
      std::string k = keys.Get(i).As<Napi::String>().Utf8Value();
      Napi::Value v = obj.Get(k);
      if (!v.IsString()) throw ArgError("metadata values must be strings (key '" + k + "')");
      meta[k] = v.As<Napi::String>().Utf8Value();
    }
  }
  return PromiseWorker::Start(info.Env(), "saveSafetensors", [path, items, meta] { io::SaveSafetensors(path, items, meta); }, nullptr);
}

RARFT_EXPORTS(env, exports) {
  SetFn(env, exports, "safetensorsHeader", safetensorsHeader, 1);
  SetFn(env, exports, "loadSafetensors", loadSafetensors, 3);
  SetFn(env, exports, "saveSafetensors", saveSafetensors, 4);
}

}  // namespace rarft::napi
