// N-API bindings for the SBERT encoder (csrc/sbert/). Encoders live in a per-environment ObjectMap; JS holds the
// id (lib/sbert/encoder.ts wraps it with dispose()). Async work holds its own shared_ptr to the encoder, so a
// dispose() during an encode frees the weights only when that encode ends.
#include <memory>

#include "io/safetensors.h"
#include "napi/async_work.h"
#include "napi/object_map.h"
#include "napi/op.h"
#include "sbert/bert_encoder.h"

namespace rarft::napi {
namespace {

using sbert::BertEncoder;

using Encoders = ObjectMap<BertEncoder>;

std::shared_ptr<BertEncoder> EncoderArg(const Napi::CallbackInfo& info, size_t i) {
  auto enc = Encoders::For(info.Env()).Arg(info, i, "SBERT encoder");
  audit::ResultsOnObject(enc.get());  // Encode moves ids and mask to the encoder's device
  return enc;
}

// The config object made by lib/sbert/config.ts; every field is required so the two sides never disagree.
sbert::BertConfig ConfigArg(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsObject()) throw ArgError(ArgName(i) + " must be an SBERT config object");
  Napi::Object o = info[i].As<Napi::Object>();
  auto num = [&](const char* key) {
    Napi::Value v = o.Get(key);
    if (!v.IsNumber()) throw ArgError(ArgName(i) + "." + key + " must be a number");
    return v.As<Napi::Number>().DoubleValue();
  };
  auto integer = [&](const char* key) {
    double d = num(key);
    if (d != static_cast<double>(static_cast<int64_t>(d))) throw ArgError(ArgName(i) + "." + key + " must be an integer");
    return static_cast<int64_t>(d);
  };
  sbert::BertConfig c;
  c.hidden_size = integer("hiddenSize");
  c.num_layers = integer("numLayers");
  c.num_heads = integer("numHeads");
  c.intermediate_size = integer("intermediateSize");
  c.max_position_embeddings = integer("maxPositionEmbeddings");
  c.type_vocab_size = integer("typeVocabSize");
  c.vocab_size = integer("vocabSize");
  c.layer_norm_eps = num("layerNormEps");
  c.pad_token_id = integer("padTokenId");
  c.relative_attention_num_buckets = integer("relativeAttentionNumBuckets");
  Napi::Value arch = o.Get("arch"), pooling = o.Get("pooling"), normalize = o.Get("normalize");
  if (!arch.IsString()) throw ArgError(ArgName(i) + ".arch must be a string");
  c.arch = sbert::ArchFromName(arch.As<Napi::String>().Utf8Value());
  if (!pooling.IsString()) throw ArgError(ArgName(i) + ".pooling must be a string");
  if (!normalize.IsBoolean()) throw ArgError(ArgName(i) + ".normalize must be a boolean");
  c.pooling = sbert::PoolingFromName(pooling.As<Napi::String>().Utf8Value());
  c.normalize = normalize.As<Napi::Boolean>().Value();
  sbert::Validate(c);
  return c;
}

}  // namespace

// sbertLoad(safetensorsPath, config, device?) -> Promise<id>
RARFT_OP(sbertLoad) {
  std::string path = StringArg(info, 0);
  sbert::BertConfig config = ConfigArg(info, 1);
  at::Device device = DeviceArg(info, 2);
  auto out = std::make_shared<std::shared_ptr<BertEncoder>>();
  return PromiseWorker::Start(
      info.Env(), "sbertLoad",
      [=]() {
        auto file = io::SafetensorsFile::Open(path);
        auto lookup = [&](const std::string& name) { return file->Has(name) ? file->Get(name) : at::Tensor(); };
        *out = BertEncoder::FromWeights(config, lookup, device);
      },
      [out](Napi::Env env) { return Encoders::For(env).Add(env, std::move(*out)); });
}

// sbertEncode(id, ids [B, L] int, mask [B, L] int) -> Promise<handle of [B, hidden] float32 on the encoder's device>
RARFT_OP(sbertEncode) {
  auto enc = EncoderArg(info, 0);
  at::Tensor ids = T(1), mask = T(2);
  return AsyncTensor(info.Env(), "sbertEncode", [enc, ids, mask]() { return enc->Encode(ids, mask); });
}

// sbertHidden(id, ids, mask) -> Promise<handle of [B, L, hidden]>: last-layer token states, for tests/debugging.
RARFT_OP(sbertHidden) {
  auto enc = EncoderArg(info, 0);
  at::Tensor ids = T(1), mask = T(2);
  return AsyncTensor(info.Env(), "sbertHidden", [enc, ids, mask]() { return enc->Hidden(ids, mask); });
}

// sbertInfo(id) -> { parameters, hiddenSize, device }
RARFT_OP(sbertInfo) {
  auto enc = EncoderArg(info, 0);
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("parameters", Napi::Number::New(info.Env(), static_cast<double>(enc->ParameterCount())));
  o.Set("hiddenSize", Napi::Number::New(info.Env(), static_cast<double>(enc->config().hidden_size)));
  o.Set("device", Napi::String::New(info.Env(), enc->device().str()));
  return o;
}

// sbertDispose(id) -> false if it was already disposed
RARFT_OP(sbertDispose) {
  return Napi::Boolean::New(info.Env(), Encoders::For(info.Env()).Take(IntArg(info, 0)) != nullptr);
}

RARFT_EXPORTS(env, exports) {
  SetFn(env, exports, "sbertLoad", sbertLoad, 3);
  SetFn(env, exports, "sbertEncode", sbertEncode, 3);
  SetFn(env, exports, "sbertHidden", sbertHidden, 3);
  SetFn(env, exports, "sbertInfo", sbertInfo, 1);
  SetFn(env, exports, "sbertDispose", sbertDispose, 1);
}

}  // namespace rarft::napi
