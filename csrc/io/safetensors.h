// safetensors files (HF's weight format): an 8-byte little-endian header length, a JSON header
// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}, then the raw tensor bytes.
// Reading maps the file (MAP_PRIVATE, copy-on-write) and returns tensors that view the mapping without copying; each
// tensor keeps the mapping alive. Writing goes to a temp file that is renamed into place, so a crash never leaves a
// half-written file under the final name.
#pragma once
#include <ATen/ATen.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rarft::io {

struct TensorInfo {
  at::ScalarType dtype;
  std::string dtype_name;  // as written in the file, e.g. "BF16"
  std::vector<int64_t> shape;
  size_t begin = 0, end = 0;  // byte offsets within the data section
};

class SafetensorsFile {
 public:
  // Throws std::runtime_error naming the path on any malformed header, unknown dtype or out-of-bounds offsets.
  static std::shared_ptr<SafetensorsFile> Open(const std::string& path);
  ~SafetensorsFile();

  const std::string& path() const { return path_; }
  std::vector<std::string> Names() const;  // in file order (sorted by data offset)
  bool Has(const std::string& name) const { return infos_.count(name) > 0; }
  const TensorInfo& Info(const std::string& name) const;  // throws naming the tensor and file
  // A CPU tensor viewing the mapped bytes (copied only when the bytes are misaligned for the dtype).
  at::Tensor Get(const std::string& name) const;
  const std::map<std::string, std::string>& Metadata() const { return metadata_; }

 private:
  SafetensorsFile() = default;
  std::string path_;
  void* base_ = nullptr;
  size_t size_ = 0;
  size_t data_start_ = 0;
  std::map<std::string, TensorInfo> infos_;
  std::map<std::string, std::string> metadata_;
  std::weak_ptr<SafetensorsFile> self_;
};

// Writes tensors (any device/dtype/layout; copied to contiguous CPU) atomically to `path`.
void SaveSafetensors(const std::string& path, const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                     const std::map<std::string, std::string>& metadata = {});

// "F32" <-> at::kFloat etc.
at::ScalarType DtypeFromSafetensors(const std::string& name);
std::string DtypeToSafetensors(at::ScalarType t);

}  // namespace rarft::io
