// Native work that mostly WAITS on another process (reading a decoder's pipe until it exits) runs on a thread of its
// own instead of libuv's pool: the pool has 4 threads by default, shared with fs and every other PromiseWorker, so
// `rarft-data preprocess --jobs 8` would otherwise hold it for whole decodes. The result comes back to the JS thread
// through a thread-safe function; errors become rejected promises exactly as in async_work.h.
#pragma once
#include <napi.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "napi/errors.h"

namespace rarft::napi {

struct ThreadJob {
  std::function<void()> work;
  std::function<Napi::Value(Napi::Env)> done;
  Napi::Promise::Deferred deferred;
  std::string op;
  bool failed = false;
  std::string error;
  audit::CallRecord audit = audit::Save();  // the starting call's device record, for the results (device_audit.h)
};

inline void SettleThreadJob(Napi::Env env, Napi::Function, std::nullptr_t*, ThreadJob* job) {
  std::unique_ptr<ThreadJob> owned(job);
  if (env == nullptr) return;  // the environment is being torn down: nobody is waiting any more
  Napi::HandleScope scope(env);
  audit::Restore(job->audit);
  if (job->failed) {
    job->deferred.Reject(MakeTorchError(env, job->error, job->op).Value());
    return;
  }
  try {
    job->deferred.Resolve(job->done(env));
  } catch (const Napi::Error& e) {
    job->deferred.Reject(e.Value());
  } catch (const std::exception& e) {
    job->deferred.Reject(MakeTorchError(env, DescribeException(e), job->op).Value());
  }
}

using ThreadJobTsfn = Napi::TypedThreadSafeFunction<std::nullptr_t, ThreadJob, SettleThreadJob>;

// Runs `work` on a new thread; `done` then builds the resolved value on the JS thread. The pending thread-safe
// function keeps the event loop alive until the work ends, so a process cannot exit under a running job.
inline Napi::Promise RunOnOwnThread(Napi::Env env, std::string op, std::function<void()> work,
                                    std::function<Napi::Value(Napi::Env)> done) {
  auto* job = new ThreadJob{std::move(work), std::move(done), Napi::Promise::Deferred::New(env), op};
  Napi::Promise promise = job->deferred.Promise();
  ThreadJobTsfn tsfn = ThreadJobTsfn::New(env, op, 0, 1);
  std::thread([job, tsfn]() mutable {
    try {
      job->work();
    } catch (const std::exception& e) {
      job->error = DescribeException(e);
      job->failed = true;
    } catch (...) {
      job->error = "unknown native exception";
      job->failed = true;
    }
    if (tsfn.BlockingCall(job) != napi_ok) delete job;
    tsfn.Release();
  }).detach();
  return promise;
}

}  // namespace rarft::napi
