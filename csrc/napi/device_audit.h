// Simulated-GPU device audit: lets a machine without a GPU check where the product puts the tensors of a training
// step. With the audit on (RARFT_SIMULATE_CUDA=<devices> before the addon loads, or `setDeviceAudit`), a binding asked
// for "cuda" or "cuda:k" places the tensor on the CPU and LABELS it cuda:k. Labels follow every op (a result carries
// its inputs' label), and a binding whose tensor inputs carry different labels fails the way libtorch fails on a GPU:
// "Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu! (simulated)".
// A 0-dim CPU tensor may meet a CUDA one, as in libtorch's elementwise ops.
//
// What it checks: which device JS-side code creates tensors on, and which tensors meet in an op, in every step of the
// trainer (the class of bug where `tensor(...)` without a device meets a model output). What it trusts: native code
// that moves its own inputs (model, encoder and optimizer calls declare `ResultsOn(their device)`), which is what the
// `gpu` suite runs on a real GPU. Process groups created for a CUDA device accept only tensors on it, as NCCL does.
//
// All state is per JS thread: each binding call starts with an empty record (Guard calls BeginCall), and an async
// binding's record is saved with it and restored when its results are wrapped on the JS thread.
#pragma once
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <cstdint>
#include <string>

namespace rarft::napi::audit {

using Label = int16_t;  // kCpu, or k >= 0 for (simulated) cuda:k
constexpr Label kCpu = -1;

bool Enabled();
// Turns the simulation on with `devices` simulated GPUs (>= 1), or off (devices = 0). Only before tensors exist: a
// label-less tensor made before would read as cpu.
void Configure(int devices);
int SimulatedDevices();

std::string LabelName(Label l);

// ---- one binding call ----------------------------------------------------------------------------------------------
void BeginCall();
// A device argument: returns where to really put the tensor (the CPU for a simulated GPU) and makes it the label of
// the call's results. Throws for cuda:k with k >= the simulated device count, as libtorch does for a missing GPU.
c10::Device Resolve(const c10::Device& requested);
// A tensor argument with its label: throws if it meets a tensor (or object) on another device in this call.
void NoteInput(Label l, const at::Tensor& t);
// An object argument that must be on the same device as the tensors it meets: a generator (libtorch wants a CUDA
// generator for CUDA draws) or a process group made for a CUDA device (NCCL takes only tensors on its GPU).
void NoteObject(const void* obj, const char* what);
// Native code moves the inputs itself; results are on `l` (a model on its device, an optimizer on its parameters').
void ResultsOn(Label l);
void ResultsOnObject(const void* obj);
// Label for a tensor this call returns.
Label ResultLabel();

// ---- objects (models, encoders, optimizers, generators, groups) carry the label of the call that made them -------
void TagObject(const void* obj);
void TagObject(const void* obj, Label l);
Label ObjectLabel(const void* obj);
void ForgetObject(const void* obj);

// The record of one call, kept by async work between its start and its result.
struct CallRecord {
  Label seen = kCpu;   // the device of the first input that counts
  bool any = false;
  std::string seen_what;  // "tensor", or the kind of object that set `seen`
  bool explicit_result = false;
  Label result = kCpu;
};
CallRecord Save();
void Restore(const CallRecord& r);

}  // namespace rarft::napi::audit
