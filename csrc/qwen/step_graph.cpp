#include "qwen/step_graph.h"

#include <iostream>

#ifdef RARFT_HAVE_CUDA
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace rarft::qwen {

struct StepGraph::Impl {
  bool enabled = false;
  c10::Device device{c10::kCPU};
  int calls = 0;
  bool captured = false;
  bool failed = false;
#ifdef RARFT_HAVE_CUDA
  std::unique_ptr<at::cuda::CUDAGraph> graph;
#endif
};

StepGraph::StepGraph(bool enabled, const c10::Device& device) : impl_(std::make_unique<Impl>()) {
  impl_->enabled = enabled && device.is_cuda();
  impl_->device = device;
}

StepGraph::~StepGraph() = default;

bool StepGraph::replaying() const { return impl_->captured; }

void StepGraph::Run(const std::function<void()>& step) {
  Impl& g = *impl_;
#ifdef RARFT_HAVE_CUDA
  if (g.enabled && !g.failed) {
    if (g.captured) {
      g.graph->replay();
      return;
    }
    if (g.calls++ > 0) {
      try {
        c10::cuda::CUDAGuard device_guard(g.device);
        c10::cuda::device_synchronize();  // capture starts from an idle device (what torch.cuda.graph does)
        g.graph = std::make_unique<at::cuda::CUDAGraph>();
        auto side = c10::cuda::getStreamFromPool(/*isHighPriority=*/false, g.device.index());
        {
          c10::cuda::CUDAStreamGuard stream_guard(side);
          g.graph->capture_begin();
          try {
            step();
          } catch (...) {
            try {
              g.graph->capture_end();
            } catch (...) {
            }
            throw;
          }
          g.graph->capture_end();
        }
        g.captured = true;
        g.graph->replay();  // capture records without running: run this step now
        return;
      } catch (const std::exception& e) {
        g.failed = true;
        g.graph.reset();
        std::cerr << "rarft: decode step not captured as a CUDA graph (" << e.what() << "); running it eagerly\n";
      }
    }
  }
#endif
  step();
}

}  // namespace rarft::qwen
