// A safetensors file written tensor by tensor: the header (names, dtypes, shapes, hence every offset) is fixed up
// front, then the tensors are appended in that order as they become available. The caller can hold one tensor at a
// time instead of the whole file's worth: rank 0 of a ZeRO-3 run writes the full optimizer state (12 bytes per
// parameter, ~90 GB for 7B) one gathered block at a time. Same atomicity as SaveSafetensors: everything goes to a
// temp file that is renamed into place by Finish(); a writer destroyed before that removes its temp file.
#pragma once
#include <ATen/ATen.h>

#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace rarft::io {

struct SafetensorsEntry {
  std::string name;
  at::ScalarType dtype;
  std::vector<int64_t> shape;
};

class SafetensorsWriter {
 public:
  // Throws naming the path on a duplicate or reserved name, or when the temp file cannot be created.
  SafetensorsWriter(std::string path, std::vector<SafetensorsEntry> entries,
                    const std::map<std::string, std::string>& metadata = {});
  ~SafetensorsWriter();
  SafetensorsWriter(const SafetensorsWriter&) = delete;
  SafetensorsWriter& operator=(const SafetensorsWriter&) = delete;

  // Writes the next entry's bytes (any device/layout; copied to contiguous CPU). Throws unless `name` is the next
  // entry and `t` has its dtype and shape.
  void Append(const std::string& name, const at::Tensor& t);
  // All entries written: flush, close, rename into place.
  void Finish();
  // Drops the temp file (also what the destructor does when Finish never ran).
  void Abort();

  const std::vector<SafetensorsEntry>& entries() const { return entries_; }

 private:
  void AbortLocked();

  std::mutex mu_;  // appends may come from worker threads; one at a time, in order
  std::string path_, tmp_;
  std::vector<SafetensorsEntry> entries_;
  size_t next_ = 0;
  std::FILE* out_ = nullptr;
};

}  // namespace rarft::io
