// N-API bindings for rarft::optim::AdamW (csrc/optim/adamw.h). Optimizers live in an id-keyed map owned by the JS
// thread; step and clipGradNorm run on the thread pool holding a shared_ptr, so freeing the id mid-step is safe.
#include <memory>

#include "napi/async_work.h"
#include "napi/object_map.h"
#include "napi/op.h"
#include "optim/adamw.h"

namespace rarft::napi {
namespace {

using Optimizers = ObjectMap<optim::AdamW>;

std::shared_ptr<optim::AdamW> OptimArg(const Napi::CallbackInfo& info, size_t i) {
  auto opt = Optimizers::For(info.Env()).Arg(info, i, "optimizer");
  audit::ResultsOnObject(opt.get());  // state import copies into place; exports are on the parameters' device
  return opt;
}

double OptField(const Napi::Object& o, const char* key, double dflt) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) return dflt;
  if (!v.IsNumber()) throw ArgError(std::string("options.") + key + " must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

}  // namespace

// adamwCreate(names: string[], params: handle[], {beta1, beta2, eps, weightDecay, stateDevice?}) -> id
RARFT_OP(adamwCreate) {
  auto names = StringListArg(info, 0);
  auto params = TensorListArg(info, 1);
  optim::AdamWOptions opts;
  if (!IsMissing(info, 2)) {
    if (!info[2].IsObject()) throw ArgError("argument 2 must be an options object");
    auto o = info[2].As<Napi::Object>();
    opts.beta1 = OptField(o, "beta1", opts.beta1);
    opts.beta2 = OptField(o, "beta2", opts.beta2);
    opts.eps = OptField(o, "eps", opts.eps);
    opts.weight_decay = OptField(o, "weightDecay", opts.weight_decay);
    Napi::Value sd = o.Get("stateDevice");
    if (sd.IsString()) opts.state_device = at::Device(sd.As<Napi::String>().Utf8Value());
  }
  auto opt = std::make_shared<optim::AdamW>(std::move(names), std::move(params), opts);
  return Optimizers::For(info.Env()).Add(info.Env(), std::move(opt));
}

RARFT_OP(adamwFree) { return Napi::Boolean::New(info.Env(), Optimizers::For(info.Env()).Take(IntArg(info, 0)) != nullptr); }

// adamwStep(id, lr) -> Promise<number updated>
RARFT_OP(adamwStep) {
  auto opt = OptimArg(info, 0);
  double lr = NumberArg(info, 1);
  auto n = std::make_shared<int64_t>(0);
  return PromiseWorker::Start(
      info.Env(), "adamwStep", [opt, lr, n] { *n = opt->Step(lr); },
      [n](Napi::Env env) { return Napi::Number::New(env, static_cast<double>(*n)); });
}

// adamwClipGradNorm(id, maxNorm) -> Promise<number pre-clip norm>
RARFT_OP(adamwClipGradNorm) {
  auto opt = OptimArg(info, 0);
  double max_norm = NumberArg(info, 1);
  auto norm = std::make_shared<double>(0);
  return PromiseWorker::Start(
      info.Env(), "adamwClipGradNorm", [opt, max_norm, norm] { *norm = opt->ClipGradNorm(max_norm); },
      [norm](Napi::Env env) { return Napi::Number::New(env, *norm); });
}

// adamwLocalGradNorm(id) -> Promise<number>: this optimizer's grad norm (a ZeRO rank combines them across ranks)
RARFT_OP(adamwLocalGradNorm) {
  auto opt = OptimArg(info, 0);
  auto norm = std::make_shared<double>(0);
  return PromiseWorker::Start(
      info.Env(), "adamwLocalGradNorm", [opt, norm] { *norm = opt->LocalGradNorm(); },
      [norm](Napi::Env env) { return Napi::Number::New(env, *norm); });
}

// adamwScaleGrads(id, coef) -> Promise<void>
RARFT_OP(adamwScaleGrads) {
  auto opt = OptimArg(info, 0);
  double coef = NumberArg(info, 1);
  return PromiseWorker::Start(info.Env(), "adamwScaleGrads", [opt, coef] { opt->ScaleGrads(coef); }, nullptr);
}

RARFT_OP(adamwZeroGrad) {
  OptimArg(info, 0)->ZeroGrad();
  return info.Env().Undefined();
}

// adamwExportState(id) -> {names: string[], tensors: handle[]}
RARFT_OP(adamwExportState) {
  auto state = OptimArg(info, 0)->ExportState();
  Napi::Env env = info.Env();
  Napi::Array names = Napi::Array::New(env, state.size());
  std::vector<at::Tensor> ts;
  for (uint32_t i = 0; i < state.size(); ++i) {
    names.Set(i, state[i].first);
    ts.push_back(state[i].second);
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("names", names);
  out.Set("tensors", WrapTensors(env, ts));
  return out;
}

// adamwImportState(id, names: string[], tensors: handle[])
RARFT_OP(adamwImportState) {
  auto opt = OptimArg(info, 0);
  auto names = StringListArg(info, 1);
  auto ts = TensorListArg(info, 2);
  if (names.size() != ts.size()) throw ArgError("names and tensors differ in length");
  std::vector<std::pair<std::string, at::Tensor>> state;
  for (size_t i = 0; i < names.size(); ++i) state.emplace_back(names[i], ts[i]);
  opt->ImportState(state);
  return info.Env().Undefined();
}

// adamwInfo(id) -> [{name, trainable, step, hasMaster}]
RARFT_OP(adamwInfo) {
  auto rows = OptimArg(info, 0)->Info();
  Napi::Env env = info.Env();
  Napi::Array out = Napi::Array::New(env, rows.size());
  for (uint32_t i = 0; i < rows.size(); ++i) {
    Napi::Object r = Napi::Object::New(env);
    r.Set("name", rows[i].name);
    r.Set("trainable", rows[i].trainable);
    r.Set("step", static_cast<double>(rows[i].step));
    r.Set("hasMaster", rows[i].has_master);
    out.Set(i, r);
  }
  return out;
}

RARFT_EXPORTS(env, exports) {
#define E(name, n) SetFn(env, exports, #name, name, n);
  E(adamwCreate, 3) E(adamwFree, 1) E(adamwStep, 2) E(adamwClipGradNorm, 2) E(adamwZeroGrad, 1) E(adamwExportState, 1)
  E(adamwImportState, 3) E(adamwInfo, 1) E(adamwLocalGradNorm, 1) E(adamwScaleGrads, 2)
#undef E
}

}  // namespace rarft::napi
