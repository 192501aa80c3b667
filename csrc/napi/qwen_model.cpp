// N-API bindings for rarft::qwen::QwenModel (csrc/qwen/model.h). Models live in an id-keyed ObjectMap owned by the JS
// thread; async work holds a shared_ptr, so disposing a model while a forward runs is safe. Heavy calls (load, save,
// forward, vision) run on the thread pool via PromiseWorker; layout queries (rope index, window index) are cheap and
// synchronous.
#include <memory>

#include "napi/async_work.h"
#include "napi/object_map.h"
#include "napi/op.h"
#include "napi/qwen_registry.h"
#include "qwen/checkpoint.h"
#include "qwen/generate.h"
#include "qwen/grouped_logprobs.h"
#include "qwen/logprobs.h"
#include "qwen/model.h"

namespace rarft::napi {
namespace {

using qwen::QwenModel;

using Models = ObjectMap<QwenModel>;

qwen::SpgMode SpgArg(const Napi::CallbackInfo& info, size_t i) {
  if (IsMissing(info, i)) return qwen::SpgMode::kFloat;
  std::string s = StringArg(info, i);
  if (s == "float") return qwen::SpgMode::kFloat;
  if (s == "truncate") return qwen::SpgMode::kTruncate;
  throw ArgError(ArgName(i) + " (spgMode) must be 'float' or 'truncate', got '" + s + "'");
}

at::Tensor OptTensorField(Napi::Env env, const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) return at::Tensor();
  if (!v.IsNumber()) throw ArgError(std::string("inputs.") + key + " must be a tensor handle");
  return TensorRegistry::For(env).Get(v.As<Napi::Number>().DoubleValue());
}

qwen::QwenInputs InputsArg(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsObject()) throw ArgError(ArgName(i) + " must be an inputs object");
  auto o = info[i].As<Napi::Object>();
  Napi::Env env = info.Env();
  qwen::QwenInputs in;
  in.input_ids = OptTensorField(env, o, "inputIds");
  if (!in.input_ids.defined()) throw ArgError("inputs.inputIds is required");
  in.attention_mask = OptTensorField(env, o, "attentionMask");
  in.pixel_values = OptTensorField(env, o, "pixelValues");
  in.image_grid_thw = OptTensorField(env, o, "imageGridThw");
  in.pixel_values_videos = OptTensorField(env, o, "pixelValuesVideos");
  in.video_grid_thw = OptTensorField(env, o, "videoGridThw");
  in.second_per_grid_ts = OptTensorField(env, o, "secondPerGridTs");
  in.position_ids = OptTensorField(env, o, "positionIds");
  Napi::Value gs = o.Get("groupSize");
  if (!gs.IsUndefined() && !gs.IsNull()) {
    if (!gs.IsNumber()) throw ArgError("inputs.groupSize must be an integer");
    in.group_size = gs.As<Napi::Number>().Int64Value();
  }
  return in;
}

Napi::Value IntVector(Napi::Env env, const std::vector<int64_t>& v) {
  auto a = Napi::Array::New(env, v.size());
  for (size_t k = 0; k < v.size(); ++k) a.Set(static_cast<uint32_t>(k), Napi::Number::New(env, static_cast<double>(v[k])));
  return a;
}

Napi::Value Field(const Napi::Object& o, const char* key) { return o.Get(key); }
bool Present(const Napi::Value& v) { return !v.IsUndefined() && !v.IsNull(); }
double NumField(const Napi::Object& o, const char* key, double dflt) {
  Napi::Value v = Field(o, key);
  if (!Present(v)) return dflt;
  if (!v.IsNumber()) throw ArgError(std::string("options.") + key + " must be a number");
  return v.As<Napi::Number>().DoubleValue();
}
int64_t IntField(const Napi::Object& o, const char* key, int64_t dflt) {
  double d = NumField(o, key, static_cast<double>(dflt));
  if (d != static_cast<double>(static_cast<int64_t>(d))) throw ArgError(std::string("options.") + key + " must be an integer");
  return static_cast<int64_t>(d);
}
Napi::Object OptionsArg(const Napi::CallbackInfo& info, size_t i) {
  if (IsMissing(info, i)) return Napi::Object::New(info.Env());
  if (!info[i].IsObject()) throw ArgError(ArgName(i) + " must be an options object");
  return info[i].As<Napi::Object>();
}
qwen::SpgMode SpgField(const Napi::Object& o) {
  Napi::Value v = Field(o, "spgMode");
  if (!Present(v)) return qwen::SpgMode::kFloat;
  std::string s = v.IsString() ? v.As<Napi::String>().Utf8Value() : "";
  if (s == "float") return qwen::SpgMode::kFloat;
  if (s == "truncate") return qwen::SpgMode::kTruncate;
  throw ArgError("options.spgMode must be 'float' or 'truncate'");
}

}  // namespace

// The model moves its inputs to its device and returns results there (device audit: results on the model's device).
std::shared_ptr<QwenModel> ModelArg(const Napi::CallbackInfo& info, size_t i) {
  auto m = Models::For(info.Env()).Arg(info, i, "Qwen model");
  audit::ResultsOnObject(m.get());
  return m;
}

// qwenLoad(dir, dtypeCode, device, lazy?) -> Promise<id>
static Napi::Value qwenLoad(const Napi::CallbackInfo& info) {
  return Guard(info, "qwenLoad", [&]() -> Napi::Value {
    std::string dir = StringArg(info, 0);
    at::ScalarType dt = OptDtypeArg(info, 1).value_or(at::kFloat);
    at::Device dev = DeviceArg(info, 2);
    bool lazy = !IsMissing(info, 3) && BoolArg(info, 3);
    auto out = std::make_shared<std::shared_ptr<QwenModel>>();
    return PromiseWorker::Start(
        info.Env(), "qwenLoad", [=]() { *out = QwenModel::Load(dir, dt, dev, lazy); },
        [out](Napi::Env env) { return Models::For(env).Add(env, std::move(*out)); });
  });
}

RARFT_OP(qwenFree) { return Napi::Boolean::New(info.Env(), Models::For(info.Env()).Take(IntArg(info, 0)) != nullptr); }

// qwenSave(id, dir) -> Promise<void>
static Napi::Value qwenSave(const Napi::CallbackInfo& info) {
  return Guard(info, "qwenSave", [&]() -> Napi::Value {
    auto m = ModelArg(info, 0);
    std::string dir = StringArg(info, 1);
    return PromiseWorker::Start(info.Env(), "qwenSave", [m, dir]() { m->Save(dir); }, nullptr);
  });
}

// qwenInfo(id) -> {configJson, parameterCount, names, dtype, device}
RARFT_OP(qwenInfo) {
  auto m = ModelArg(info, 0);
  Napi::Env env = info.Env();
  auto o = Napi::Object::New(env);
  o.Set("configJson", m->config().raw_json);
  o.Set("parameterCount", Napi::Number::New(env, static_cast<double>(m->ParameterCount())));
  auto names = Napi::Array::New(env, m->weights().named.size());
  for (size_t k = 0; k < m->weights().named.size(); ++k) names.Set(static_cast<uint32_t>(k), m->weights().named[k].first);
  o.Set("names", names);
  o.Set("dtype", Napi::Number::New(env, static_cast<int>(m->dtype())));
  o.Set("device", m->device().str());
  return o;
}

// qwenSetGradientCheckpointing(id, on)
RARFT_OP(qwenSetGradientCheckpointing) {
  ModelArg(info, 0)->SetGradientCheckpointing(BoolArg(info, 1));
  return info.Env().Undefined();
}

// qwenCheckpointRecomputations() -> number of checkpointed blocks recomputed so far (process-wide)
RARFT_OP(qwenCheckpointRecomputations) {
  return Napi::Number::New(info.Env(), static_cast<double>(qwen::CheckpointRecomputations()));
}

// qwenParameters(id) -> handles (the live parameter tensors, checkpoint order; share storage with the model)
RARFT_OP(qwenParameters) {
  auto m = ModelArg(info, 0);
  std::vector<at::Tensor> ts;
  for (auto& [n, t] : m->weights().named) ts.push_back(t);
  return RetList(info, ts);
}

// qwenForward(id, inputs, spgMode) -> Promise<logits handle>
static Napi::Value qwenForward(const Napi::CallbackInfo& info) {
  return Guard(info, "qwenForward", [&]() -> Napi::Value {
    auto m = ModelArg(info, 0);
    auto in = InputsArg(info, 1);
    auto mode = SpgArg(info, 2);
    return AsyncTensor(info.Env(), "qwenForward", [m, in, mode]() { return m->Forward(in, mode); });
  });
}

// qwenHidden(id, inputs, spgMode) -> Promise<final-normed hidden [B, L, d]>
static Napi::Value qwenHidden(const Napi::CallbackInfo& info) {
  return Guard(info, "qwenHidden", [&]() -> Napi::Value {
    auto m = ModelArg(info, 0);
    auto in = InputsArg(info, 1);
    auto mode = SpgArg(info, 2);
    return AsyncTensor(info.Env(), "qwenHidden", [m, in, mode]() { return m->Hidden(in, mode); });
  });
}

// qwenEmbed(id, inputs) -> Promise<inputs_embeds [B, L, d]>
static Napi::Value qwenEmbed(const Napi::CallbackInfo& info) {
  return Guard(info, "qwenEmbed", [&]() -> Napi::Value {
    auto m = ModelArg(info, 0);
    auto in = InputsArg(info, 1);
    return AsyncTensor(info.Env(), "qwenEmbed", [m, in]() { return m->Embed(in); });
  });
}

// qwenVisionFeatures(id, pixelValues, gridThw, trace: boolean) -> Promise<[features, patchEmbed?, ...blocks?]>
static Napi::Value qwenVisionFeatures(const Napi::CallbackInfo& info) {
  return Guard(info, "qwenVisionFeatures", [&]() -> Napi::Value {
    auto m = ModelArg(info, 0);
    at::Tensor pv = TensorArg(info, 1), grid = TensorArg(info, 2);
    bool trace = !IsMissing(info, 3) && BoolArg(info, 3);
    auto out = std::make_shared<std::vector<at::Tensor>>();
    return PromiseWorker::Start(
        info.Env(), "qwenVisionFeatures",
        [=]() {
          qwen::VisionTrace tr;
          at::Tensor f = m->VisionFeatures(pv, grid, trace ? &tr : nullptr);
          out->push_back(f);
          if (trace) {
            out->push_back(tr.patch_embed);
            for (auto& b : tr.blocks) out->push_back(b);
          }
        },
        [out](Napi::Env env) { return WrapTensors(env, *out); });
  });
}

// qwenRopeIndex(id, inputs, spgMode) -> [positionIds, ropeDeltas]
RARFT_OP(qwenRopeIndex) {
  auto m = ModelArg(info, 0);
  // positions are returned on the input ids' device, not the model's (rope_index.cpp)
  if (info[1].IsObject() && info[1].As<Napi::Object>().Get("inputIds").IsNumber())
    audit::ResultsOn(TensorRegistry::For(info.Env()).LabelOf(info[1].As<Napi::Object>().Get("inputIds").As<Napi::Number>().DoubleValue()));
  auto r = m->Rope(InputsArg(info, 1), SpgArg(info, 2));
  return WrapTensors(info.Env(), {r.position_ids, r.rope_deltas});
}

// qwenVisionLayout(id, gridThw) -> {windowIndex, cuWindow, cuFull, rotAngles (handle)}
RARFT_OP(qwenVisionLayout) {
  auto m = ModelArg(info, 0);
  audit::ResultsOn(audit::kCpu);  // rotAngles are built on the CPU
  auto grids = qwen::GridsFromTensor(TensorArg(info, 1), m->config().vision, "grid_thw");
  auto wi = qwen::ComputeWindowIndex(grids, m->config().vision);
  Napi::Env env = info.Env();
  auto o = Napi::Object::New(env);
  o.Set("windowIndex", IntVector(env, wi.window_index));
  o.Set("cuWindow", IntVector(env, wi.cu_window));
  o.Set("cuFull", IntVector(env, wi.cu_full));
  o.Set("rotAngles", WrapTensor(env, qwen::VisionRotaryAngles(grids, m->config().vision, at::Device(at::kCPU))));
  return o;
}

// Both log-prob bindings: (id, inputs, completion, {chunk, entropy, temperature, spgMode}) -> Promise<[logp, entropy?]>.
using LogprobFn = std::pair<at::Tensor, at::Tensor> (*)(const QwenModel&, const qwen::QwenInputs&, const at::Tensor&,
                                                       qwen::SpgMode, const qwen::LogprobOptions&);
static Napi::Value LogprobBinding(const Napi::CallbackInfo& info, const char* name, LogprobFn fn) {
  return Guard(info, name, [&]() -> Napi::Value {
    auto m = ModelArg(info, 0);
    auto in = InputsArg(info, 1);
    at::Tensor completion = TensorArg(info, 2);
    auto o = OptionsArg(info, 3);
    qwen::LogprobOptions opts;
    opts.chunk = IntField(o, "chunk", opts.chunk);
    opts.temperature = NumField(o, "temperature", opts.temperature);
    Napi::Value e = Field(o, "entropy");
    opts.entropy = Present(e) && e.ToBoolean().Value();
    auto mode = SpgField(o);
    auto out = std::make_shared<std::vector<at::Tensor>>();
    return PromiseWorker::Start(
        info.Env(), name,
        [=]() {
          auto [lp, ent] = fn(*m, in, completion, mode, opts);
          out->push_back(lp);
          if (ent.defined()) out->push_back(ent);
        },
        [out](Napi::Env env) { return WrapTensors(env, *out); });
  });
}

// qwenLogprobs(id, inputs with the completion as their last T columns, completion [B, T], opts)
static Napi::Value qwenLogprobs(const Napi::CallbackInfo& info) {
  return LogprobBinding(info, "qwenLogprobs", &qwen::SequenceLogprobs);
}

// qwenGroupLogprobs(id, promptInputs (one row), completion [G, T], opts): the shared-prefix form (grouped_logprobs.h)
static Napi::Value qwenGroupLogprobs(const Napi::CallbackInfo& info) {
  return LogprobBinding(info, "qwenGroupLogprobs", &qwen::GroupedSequenceLogprobs);
}

// qwenGenerate(id, inputs, {maxNewTokens, temperature, topK, topP, seed, stopIds, padId, spgMode, numReturnSequences})
//   -> Promise<[tokens, lengths, logprobs]>
static Napi::Value qwenGenerate(const Napi::CallbackInfo& info) {
  return Guard(info, "qwenGenerate", [&]() -> Napi::Value {
    auto m = ModelArg(info, 0);
    auto in = InputsArg(info, 1);
    auto o = OptionsArg(info, 2);
    qwen::GenerateOptions opts;
    opts.max_new_tokens = IntField(o, "maxNewTokens", opts.max_new_tokens);
    opts.temperature = NumField(o, "temperature", opts.temperature);
    opts.top_k = IntField(o, "topK", opts.top_k);
    opts.top_p = NumField(o, "topP", opts.top_p);
    opts.pad_id = IntField(o, "padId", opts.pad_id);
    opts.num_return_sequences = IntField(o, "numReturnSequences", 1);
    opts.repetition_penalty = NumField(o, "repetitionPenalty", 1.0);
    opts.kv_bucket = IntField(o, "kvBucket", 0);
    opts.stop_check_every = IntField(o, "stopCheckEvery", 0);
    if (Present(Field(o, "staticDecode"))) opts.static_decode = Field(o, "staticDecode").ToBoolean().Value();
    if (Present(Field(o, "cudaGraphs"))) opts.cuda_graphs = Field(o, "cudaGraphs").ToBoolean().Value();
    if (Present(Field(o, "seed"))) opts.seed = static_cast<uint64_t>(IntField(o, "seed", 0));
    Napi::Value stops = Field(o, "stopIds");
    if (Present(stops)) {
      if (!stops.IsArray()) throw ArgError("options.stopIds must be an array of integers");
      auto a = stops.As<Napi::Array>();
      for (uint32_t k = 0; k < a.Length(); ++k) opts.stop_ids.push_back(static_cast<int64_t>(a.Get(k).As<Napi::Number>().DoubleValue()));
    }
    opts.spg_mode = SpgField(o);
    if (opts.temperature < 0 || opts.top_p <= 0 || opts.top_p > 1 || opts.top_k < 0 || !(opts.repetition_penalty > 0))
      throw ArgError("options: need temperature >= 0, 0 < topP <= 1, topK >= 0, repetitionPenalty > 0");
    if (opts.kv_bucket < 0 || opts.stop_check_every < 0) throw ArgError("options: kvBucket and stopCheckEvery must be >= 0 (0 = auto)");
    auto out = std::make_shared<qwen::GenerateResult>();
    return PromiseWorker::Start(
        info.Env(), "qwenGenerate", [=]() { *out = qwen::Generate(*m, in, opts); },
        [out](Napi::Env env) { return WrapTensors(env, {out->tokens, out->lengths, out->logprobs}); });
  });
}

RARFT_EXPORTS(env, exports) {
  SetFn(env, exports, "qwenLogprobs", qwenLogprobs, 4);
  SetFn(env, exports, "qwenGroupLogprobs", qwenGroupLogprobs, 4);
  SetFn(env, exports, "qwenGenerate", qwenGenerate, 3);
  SetFn(env, exports, "qwenLoad", qwenLoad, 4);
  SetFn(env, exports, "qwenFree", qwenFree, 1);
  SetFn(env, exports, "qwenSave", qwenSave, 2);
  SetFn(env, exports, "qwenInfo", qwenInfo, 1);
  SetFn(env, exports, "qwenParameters", qwenParameters, 1);
  SetFn(env, exports, "qwenSetGradientCheckpointing", qwenSetGradientCheckpointing, 2);
  SetFn(env, exports, "qwenCheckpointRecomputations", qwenCheckpointRecomputations, 0);
  SetFn(env, exports, "qwenForward", qwenForward, 3);
  SetFn(env, exports, "qwenHidden", qwenHidden, 3);
  SetFn(env, exports, "qwenEmbed", qwenEmbed, 2);
  SetFn(env, exports, "qwenVisionFeatures", qwenVisionFeatures, 4);
  SetFn(env, exports, "qwenRopeIndex", qwenRopeIndex, 3);
  SetFn(env, exports, "qwenVisionLayout", qwenVisionLayout, 2);
}

}  // namespace rarft::napi
