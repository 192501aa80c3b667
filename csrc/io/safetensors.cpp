#include "io/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "io/safetensors_writer.h"
#include "util/json.h"

namespace rarft::io {
namespace {

constexpr uint64_t kMaxHeaderBytes = 100'000'000;

[[noreturn]] void Fail(const std::string& path, const std::string& what) {
  throw std::runtime_error(path + ": " + what);
}

std::string ShapeStr(const std::vector<int64_t>& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

}  // namespace

at::ScalarType DtypeFromSafetensors(const std::string& n) {
  if (n == "F32") return at::kFloat;
  if (n == "F16") return at::kHalf;
  if (n == "BF16") return at::kBFloat16;
  if (n == "F64") return at::kDouble;
  if (n == "I64") return at::kLong;
  if (n == "I32") return at::kInt;
  if (n == "I16") return at::kShort;
  if (n == "I8") return at::kChar;
  if (n == "U8") return at::kByte;
  if (n == "BOOL") return at::kBool;
  throw std::runtime_error("unsupported safetensors dtype '" + n + "'");
}

std::string DtypeToSafetensors(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return "F32";
    case at::kHalf: return "F16";
    case at::kBFloat16: return "BF16";
    case at::kDouble: return "F64";
    case at::kLong: return "I64";
    case at::kInt: return "I32";
    case at::kShort: return "I16";
    case at::kChar: return "I8";
    case at::kByte: return "U8";
    case at::kBool: return "BOOL";
    default: throw std::runtime_error(std::string("cannot store dtype ") + c10::toString(t) + " in safetensors");
  }
}

std::shared_ptr<SafetensorsFile> SafetensorsFile::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) Fail(path, std::string("cannot open: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    Fail(path, std::string("cannot stat: ") + std::strerror(errno));
  }
  auto file = std::shared_ptr<SafetensorsFile>(new SafetensorsFile());
  file->self_ = file;
  file->path_ = path;
  file->size_ = static_cast<size_t>(st.st_size);
  if (file->size_ < 8) {
    ::close(fd);
    Fail(path, "too small to be a safetensors file (" + std::to_string(file->size_) + " bytes)");
  }
  // Copy-on-write private mapping: tensors may be modified in place without touching the file.
  file->base_ = ::mmap(nullptr, file->size_, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (file->base_ == MAP_FAILED) {
    file->base_ = nullptr;
    Fail(path, std::string("mmap failed: ") + std::strerror(errno));
  }
  uint64_t header_len = 0;
  std::memcpy(&header_len, file->base_, 8);  // little-endian hosts only (x86-64, aarch64)
  if (header_len > file->size_ - 8) Fail(path, "header length " + std::to_string(header_len) + " exceeds the file size");
  // the format's own limit (huggingface/safetensors refuses larger headers): bounds what one header may allocate
  if (header_len > kMaxHeaderBytes)
    Fail(path, "header length " + std::to_string(header_len) + " exceeds the format's limit of " + std::to_string(kMaxHeaderBytes) + " bytes");
  file->data_start_ = 8 + header_len;
  std::string header(static_cast<const char*>(file->base_) + 8, header_len);
  util::Json j;
  try {
    j = util::Json::Parse(header);
  } catch (const std::exception& e) {
    Fail(path, std::string("bad header: ") + e.what());
  }
  if (!j.IsObject()) Fail(path, "header is not a JSON object");
  size_t data_size = file->size_ - file->data_start_;
  for (const auto& [name, v] : j.AsObject()) {
    if (name == "__metadata__") {
      if (v.IsObject())
        for (const auto& [k, mv] : v.AsObject()) file->metadata_[k] = mv.IsString() ? mv.AsString() : mv.Dump();
      continue;
    }
    try {
      TensorInfo info;
      info.dtype_name = v["dtype"].AsString();
      info.dtype = DtypeFromSafetensors(info.dtype_name);
      for (const auto& d : v["shape"].AsArray()) {
        info.shape.push_back(d.AsInt());
        if (info.shape.back() < 0) throw std::runtime_error("negative dimension in shape " + ShapeStr(info.shape));
      }
      const auto& off = v["data_offsets"].AsArray();
      if (off.size() != 2) throw std::runtime_error("data_offsets must have 2 entries");
      info.begin = static_cast<size_t>(off[0].AsInt());
      info.end = static_cast<size_t>(off[1].AsInt());
      // an overflowing element count could wrap around to the byte span given and map a huge tensor over a few bytes
      uint64_t want = at::elementSize(info.dtype);
      for (auto d : info.shape)
        if (__builtin_mul_overflow(want, static_cast<uint64_t>(d), &want))
          throw std::runtime_error("shape " + ShapeStr(info.shape) + " overflows a 64-bit byte count");
      if (info.end < info.begin || info.end > data_size)
        throw std::runtime_error("data_offsets [" + std::to_string(info.begin) + ", " + std::to_string(info.end) +
                                 "] outside the data section of " + std::to_string(data_size) + " bytes");
      if (info.end - info.begin != want)
        throw std::runtime_error("holds " + std::to_string(info.end - info.begin) + " bytes but " + info.dtype_name +
                                 " " + ShapeStr(info.shape) + " needs " + std::to_string(want));
      file->infos_.emplace(name, std::move(info));
    } catch (const std::exception& e) {
      Fail(path, "tensor '" + name + "': " + e.what());
    }
  }
  return file;
}

SafetensorsFile::~SafetensorsFile() {
  if (base_) ::munmap(base_, size_);
}

std::vector<std::string> SafetensorsFile::Names() const {
  std::vector<std::pair<size_t, std::string>> v;
  for (const auto& [n, i] : infos_) v.emplace_back(i.begin, n);
  std::sort(v.begin(), v.end());
  std::vector<std::string> out;
  for (auto& p : v) out.push_back(p.second);
  return out;
}

const TensorInfo& SafetensorsFile::Info(const std::string& name) const {
  auto it = infos_.find(name);
  if (it == infos_.end()) Fail(path_, "no tensor named '" + name + "'");
  return it->second;
}

at::Tensor SafetensorsFile::Get(const std::string& name) const {
  const TensorInfo& info = Info(name);
  auto* ptr = static_cast<uint8_t*>(base_) + data_start_ + info.begin;
  auto opts = at::TensorOptions().dtype(info.dtype);
  size_t align = at::elementSize(info.dtype);
  if (reinterpret_cast<uintptr_t>(ptr) % align != 0) {
    at::Tensor t = at::empty(info.shape, opts);
    if (t.nbytes()) std::memcpy(t.data_ptr(), ptr, t.nbytes());
    return t;
  }
  // The deleter holds the file (and so the mapping) alive for as long as any tensor views it.
  auto keep = self_.lock();
  return at::from_blob(ptr, info.shape, [keep](void*) mutable { keep.reset(); }, opts);
}

void SaveSafetensors(const std::string& path, const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                     const std::map<std::string, std::string>& metadata) {
  std::vector<SafetensorsEntry> entries;
  entries.reserve(tensors.size());
  for (const auto& [name, t] : tensors) entries.push_back({name, t.scalar_type(), t.sizes().vec()});
  SafetensorsWriter writer(path, std::move(entries), metadata);
  for (const auto& [name, t] : tensors) writer.Append(name, t);
  writer.Finish();
}

}  // namespace rarft::io
