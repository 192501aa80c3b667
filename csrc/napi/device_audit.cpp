#include "napi/device_audit.h"

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

namespace rarft::napi::audit {
namespace {

std::atomic<int> g_devices{0};  // simulated GPUs; 0 = audit off
thread_local CallRecord tl_call;

std::mutex g_objects_mutex;
std::unordered_map<const void*, Label>& Objects() {
  static auto* m = new std::unordered_map<const void*, Label>();  // never destroyed: used from exit-time cleanup hooks
  return *m;
}

[[noreturn]] void ThrowMix(const std::string& first_what, Label first, const std::string& what, Label other) {
  if (first_what == "tensor" && what == "tensor")
    throw std::runtime_error("Expected all tensors to be on the same device, but found at least two devices, " +
                             LabelName(first) + " and " + LabelName(other) + "! (simulated by the device audit)");
  throw std::runtime_error("a " + first_what + " on " + LabelName(first) + " met a " + what + " on " + LabelName(other) +
                           " (simulated by the device audit: libtorch refuses this on a GPU)");
}

void Meet(Label l, const std::string& what) {
  if (!tl_call.any) {
    tl_call.any = true;
    tl_call.seen = l;
    tl_call.seen_what = what;
  } else if (tl_call.seen != l) {
    ThrowMix(tl_call.seen_what, tl_call.seen, what, l);
  }
}

}  // namespace

bool Enabled() { return g_devices.load(std::memory_order_relaxed) > 0; }

void Configure(int devices) {
  if (devices < 0 || devices > 64) throw std::invalid_argument("simulated device count must be 0..64");
  g_devices.store(devices, std::memory_order_relaxed);
}

int SimulatedDevices() { return g_devices.load(std::memory_order_relaxed); }

std::string LabelName(Label l) { return l == kCpu ? "cpu" : "cuda:" + std::to_string(l); }

void BeginCall() {
  if (Enabled()) tl_call = CallRecord{};
}

c10::Device Resolve(const c10::Device& requested) {
  if (!Enabled()) return requested;
  Label l = kCpu;
  if (requested.is_cuda()) {
    int k = requested.has_index() ? requested.index() : 0;
    if (k >= SimulatedDevices())
      throw std::runtime_error("CUDA error: invalid device ordinal (cuda:" + std::to_string(k) + "; the device audit simulates " +
                               std::to_string(SimulatedDevices()) + " GPU(s))");
    l = static_cast<Label>(k);
  } else if (!requested.is_cpu()) {
    throw std::runtime_error("the device audit simulates cpu and cuda only, got " + requested.str());
  }
  tl_call.explicit_result = true;
  tl_call.result = l;
  return c10::Device(c10::kCPU);
}

void NoteInput(Label l, const at::Tensor& t) {
  if (!Enabled() || tl_call.explicit_result) return;
  if (l == kCpu && t.defined() && t.dim() == 0) return;  // a CPU scalar may meet a CUDA tensor, as in libtorch
  Meet(l, "tensor");
}

void NoteObject(const void* obj, const char* what) {
  if (!Enabled() || tl_call.explicit_result) return;
  Meet(ObjectLabel(obj), what);
}

void ResultsOn(Label l) {
  if (!Enabled()) return;
  tl_call.explicit_result = true;
  tl_call.result = l;
}

void ResultsOnObject(const void* obj) {
  if (Enabled()) ResultsOn(ObjectLabel(obj));
}

Label ResultLabel() {
  if (!Enabled()) return kCpu;
  if (tl_call.explicit_result) return tl_call.result;
  return tl_call.any ? tl_call.seen : kCpu;
}

void TagObject(const void* obj) {
  if (Enabled()) TagObject(obj, ResultLabel());
}

void TagObject(const void* obj, Label l) {
  std::lock_guard<std::mutex> lock(g_objects_mutex);
  Objects()[obj] = l;
}

Label ObjectLabel(const void* obj) {
  std::lock_guard<std::mutex> lock(g_objects_mutex);
  auto it = Objects().find(obj);
  return it == Objects().end() ? kCpu : it->second;
}

void ForgetObject(const void* obj) {
  std::lock_guard<std::mutex> lock(g_objects_mutex);
  Objects().erase(obj);
}

CallRecord Save() { return tl_call; }
void Restore(const CallRecord& r) { tl_call = r; }

}  // namespace rarft::napi::audit
