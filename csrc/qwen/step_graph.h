// Replays one decode step as a CUDA graph: the first call runs the step eagerly (cuBLAS/cuDNN handles and workspaces
// get made outside capture), the second captures it on a side stream and replays it, later calls only replay. A step
// that cannot be captured (an op that syncs or copies from the host) falls back to eager for the rest of the call, with
// one line on stderr; the results are the same either way. Without CUDA in the build, or when not enabled, every call
// is eager. The step must read and write only tensors whose addresses stay fixed (decode_step.h).
#pragma once
#include <functional>
#include <memory>

#include <c10/core/Device.h>

namespace rarft::qwen {

class StepGraph {
 public:
  StepGraph(bool enabled, const c10::Device& device);
  ~StepGraph();
  StepGraph(const StepGraph&) = delete;
  StepGraph& operator=(const StepGraph&) = delete;
  void Run(const std::function<void()>& step);
  bool replaying() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rarft::qwen
