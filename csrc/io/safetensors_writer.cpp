#include "io/safetensors_writer.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>
#include <stdexcept>

#include "io/safetensors.h"
#include "util/exclusive_temp.h"
#include "util/json.h"

namespace rarft::io {

namespace {

[[noreturn]] void Fail(const std::string& path, const std::string& what) {
  throw std::runtime_error(path + ": " + what);
}

size_t BytesOf(const SafetensorsEntry& e) {
  size_t n = at::elementSize(e.dtype);
  for (int64_t d : e.shape) n *= static_cast<size_t>(d);
  return n;
}

std::string ShapeText(at::IntArrayRef s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

}  // namespace

SafetensorsWriter::SafetensorsWriter(std::string path, std::vector<SafetensorsEntry> entries,
                                     const std::map<std::string, std::string>& metadata)
    : path_(std::move(path)), entries_(std::move(entries)) {
  util::Json::Object header;
  size_t offset = 0;
  for (const SafetensorsEntry& e : entries_) {
    if (e.name == "__metadata__") Fail(path_, "'__metadata__' is reserved and cannot name a tensor");
    if (header.count(e.name)) Fail(path_, "duplicate tensor name '" + e.name + "'");
    util::Json::Array shape;
    for (int64_t d : e.shape) {
      if (d < 0) Fail(path_, "negative dimension in '" + e.name + "'");
      shape.emplace_back(d);
    }
    const size_t n = BytesOf(e);
    header[e.name] = util::Json(util::Json::Object{
        {"dtype", util::Json(DtypeToSafetensors(e.dtype))},
        {"shape", util::Json(std::move(shape))},
        {"data_offsets", util::Json(util::Json::Array{util::Json(static_cast<int64_t>(offset)),
                                                      util::Json(static_cast<int64_t>(offset + n))})},
    });
    offset += n;
  }
  if (!metadata.empty()) {
    util::Json::Object meta;
    for (const auto& [k, v] : metadata) meta[k] = util::Json(v);
    header["__metadata__"] = util::Json(std::move(meta));
  }
  std::string text = util::Json(std::move(header)).Dump();
  while ((8 + text.size()) % 8 != 0) text += ' ';  // keep the data section 8-byte aligned, as HF's writer does
  // a fresh, exclusively created temp name: never written through a file or link already there
  const util::ExclusiveTemp temp = util::CreateExclusiveTemp(path_);
  tmp_ = temp.path;
  out_ = ::fdopen(temp.fd, "wb");
  if (!out_) {
    const int err = errno;
    ::close(temp.fd);
    ::unlink(tmp_.c_str());
    Fail(path_, std::string("cannot write temp file ") + tmp_ + ": " + std::strerror(err));
  }
  const uint64_t len = text.size();
  if (std::fwrite(&len, 8, 1, out_) != 1 || std::fwrite(text.data(), 1, text.size(), out_) != text.size()) {
    AbortLocked();
    Fail(path_, "write failed (disk full?)");
  }
}

SafetensorsWriter::~SafetensorsWriter() { AbortLocked(); }

void SafetensorsWriter::Append(const std::string& name, const at::Tensor& t) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!out_) Fail(path_, "append after the writer was finished or aborted");
  if (next_ >= entries_.size()) Fail(path_, "append of '" + name + "' after all " + std::to_string(entries_.size()) + " tensors");
  const SafetensorsEntry& e = entries_[next_];
  if (name != e.name) Fail(path_, "expected tensor '" + e.name + "' next, got '" + name + "'");
  if (t.scalar_type() != e.dtype || t.sizes() != at::IntArrayRef(e.shape))
    Fail(path_, "'" + name + "' is " + std::string(c10::toString(t.scalar_type())) + " " + ShapeText(t.sizes()) +
                    ", the header says " + c10::toString(e.dtype) + " " + ShapeText(e.shape));
  const at::Tensor h = t.detach().to(at::kCPU).contiguous();
  if (h.nbytes() && std::fwrite(h.data_ptr(), 1, h.nbytes(), out_) != h.nbytes()) {
    AbortLocked();
    Fail(path_, "write failed (disk full?)");
  }
  ++next_;
}

void SafetensorsWriter::Finish() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!out_) Fail(path_, "finish after the writer was finished or aborted");
  if (next_ != entries_.size())
    Fail(path_, "finish after " + std::to_string(next_) + " of " + std::to_string(entries_.size()) + " tensors");
  const bool flushed = std::fflush(out_) == 0;
  const bool closed = std::fclose(out_) == 0;
  out_ = nullptr;
  if (!flushed || !closed) {
    ::unlink(tmp_.c_str());
    Fail(path_, "write failed (disk full?)");
  }
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp_.c_str());
    Fail(path_, std::string("rename from temp file failed: ") + std::strerror(err));
  }
}

void SafetensorsWriter::Abort() {
  std::lock_guard<std::mutex> lock(mu_);
  AbortLocked();
}

void SafetensorsWriter::AbortLocked() {
  if (!out_) return;
  std::fclose(out_);
  out_ = nullptr;
  ::unlink(tmp_.c_str());
}

}  // namespace rarft::io
