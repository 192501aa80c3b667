// Long native work (model load, generate, forward/backward, optimizer step, big matmuls) runs on the libuv thread
// pool and resolves a Promise, so the JS event loop stays responsive. Inputs are captured as at::Tensor copies on the
// JS thread before the work starts; outputs are turned into handles on the JS thread when it ends.
#pragma once
#include <napi.h>
#include <ATen/core/grad_mode.h>

#include <functional>
#include <memory>
#include <string>

#include "napi/errors.h"
#include "napi/tensor_registry.h"

namespace rarft::napi {

// Run `work` off the JS thread; then `done` (on the JS thread) builds the resolved value.
// Autograd's grad mode is thread-local, so the caller's mode is carried over to the worker thread.
class PromiseWorker : public Napi::AsyncWorker {
 public:
  using Work = std::function<void()>;
  using Done = std::function<Napi::Value(Napi::Env)>;

  static Napi::Promise Start(Napi::Env env, std::string op, Work work, Done done) {
    auto* w = new PromiseWorker(env, std::move(op), std::move(work), std::move(done));
    Napi::Promise p = w->deferred_.Promise();
    w->Queue();
    return p;
  }

 protected:
  void Execute() override {
    try {
      at::AutoGradMode mode(grad_enabled_);
      work_();
    } catch (const std::exception& e) {
      error_ = DescribeException(e);
      failed_ = true;
    } catch (...) {
      error_ = "unknown native exception";
      failed_ = true;
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    if (failed_) {
      deferred_.Reject(MakeTorchError(env, error_, op_).Value());
      return;
    }
    audit::Restore(audit_);  // results get the device the call was made for (device_audit.h)
    try {
      deferred_.Resolve(done_ ? done_(env) : env.Undefined());
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    } catch (const std::exception& e) {
      deferred_.Reject(MakeTorchError(env, DescribeException(e), op_).Value());
    }
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  PromiseWorker(Napi::Env env, std::string op, Work work, Done done)
      : Napi::AsyncWorker(env, op.c_str()),
        deferred_(Napi::Promise::Deferred::New(env)),
        op_(std::move(op)),
        work_(std::move(work)),
        done_(std::move(done)),
        grad_enabled_(at::GradMode::is_enabled()),
        audit_(audit::Save()) {}

  Napi::Promise::Deferred deferred_;
  std::string op_;
  Work work_;
  Done done_;
  bool grad_enabled_;
  audit::CallRecord audit_;
  bool failed_ = false;
  std::string error_;
};

// Shorthand: run `fn` off-thread, resolve with the tensor it returns (as a handle).
template <typename F>
Napi::Promise AsyncTensor(Napi::Env env, std::string op, F&& fn) {
  auto out = std::make_shared<at::Tensor>();
  return PromiseWorker::Start(
      env, std::move(op), [out, fn = std::forward<F>(fn)]() mutable { *out = fn(); },
      [out](Napi::Env env) { return WrapTensor(env, std::move(*out)); });
}

}  // namespace rarft::napi
