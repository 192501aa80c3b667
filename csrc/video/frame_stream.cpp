#include "video/frame_stream.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "video/huge_pages.h"
#include "video/resize_aa.h"

namespace rarft::video {

namespace {

constexpr int kPipeBytes = 1 << 20;

struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

// Fills the output slots of one pipe frame and tracks which temporal pairs are complete.
class StreamAssembler {
 public:
  explicit StreamAssembler(const FrameStreamSpec& spec) : spec_(spec) {
    const int64_t T = static_cast<int64_t>(spec.slot_source.size());
    slots_of_.resize(spec.pipe_frames);
    for (int64_t j = 0; j < T; ++j) slots_of_.at(spec.slot_source[j]).push_back(j);
    filled_.assign(T, false);
    frames_ = spec.channels_last ? at::empty({T, spec.src_h, spec.src_w, 3}, at::kByte)
                                 : at::empty({T, 3, spec.dst_h, spec.dst_w}, at::kByte);
    slot_bytes_ = static_cast<size_t>(frames_.numel() / std::max<int64_t>(T, 1));
    AdviseHugePages(frames_.data_ptr(), frames_.nbytes());
    if (spec.lut) {
      lut_ = spec.lut->contiguous();
      const int64_t P = spec.layout.patch, TP = spec.layout.temporal_patch;
      groups_ = (T + TP - 1) / TP;
      pixels_ = at::empty({groups_ * (spec.dst_h / P) * (spec.dst_w / P), 3 * TP * P * P}, at::kFloat);
      AdviseHugePages(pixels_.data_ptr(), pixels_.nbytes());
    }
  }

  // One whole frame from the pipe (RGB24, src size), the `k`-th. Everything here runs on this thread alone (plain
  // copies, the resize kernel's caller-thread mode): ATen ops would wake the OpenMP pool per frame, and its spinning
  // workers would take the CPU that ffmpeg is decoding on.
  void Add(int64_t k, const uint8_t* rgb) {
    const std::vector<int64_t>& slots = slots_of_[k];
    if (slots.empty()) return;
    uint8_t* first = Slot(slots[0]);
    if (spec_.channels_last) {
      std::memcpy(first, rgb, slot_bytes_);
    } else if (spec_.src_h == spec_.dst_h && spec_.src_w == spec_.dst_w) {
      const int64_t hw = spec_.src_h * spec_.src_w;
      for (int64_t c = 0; c < 3; ++c)
        for (int64_t i = 0; i < hw; ++i) first[c * hw + i] = rgb[i * 3 + c];
    } else {
      const at::Tensor chw = at::from_blob(const_cast<uint8_t*>(rgb), {1, spec_.src_h, spec_.src_w, 3}, at::kByte)
                                 .permute({0, 3, 1, 2});  // read in place by the kernel
      const at::Tensor resized =
          ResizeBicubicAAU8(chw, spec_.dst_h, spec_.dst_w, ResizeImpl::Auto, ResizeThreads::Caller).contiguous();
      std::memcpy(first, resized.const_data_ptr<uint8_t>(), slot_bytes_);
    }
    for (size_t i = 1; i < slots.size(); ++i) std::memcpy(Slot(slots[i]), first, slot_bytes_);
    for (int64_t j : slots) filled_[j] = true;
    last_slot_ = slots[0];
    PatchifyReadyGroups();
  }

  // End of stream: frames never delivered repeat the last delivered one; then every remaining group.
  void Finish(int64_t delivered) {
    if (delivered == 0) return;
    for (size_t j = 0; j < filled_.size(); ++j)
      if (!filled_[j]) {
        std::memcpy(Slot(static_cast<int64_t>(j)), Slot(last_slot_), slot_bytes_);
        filled_[j] = true;
      }
    PatchifyReadyGroups();
  }

  at::Tensor frames() const { return frames_; }
  at::Tensor pixels() const { return pixels_; }

 private:
  void PatchifyReadyGroups() {
    if (!spec_.lut) return;
    const int64_t T = static_cast<int64_t>(filled_.size()), TP = spec_.layout.temporal_patch;
    auto ready = [&](int64_t g) {
      for (int64_t f = 0; f < TP; ++f)
        if (!filled_[std::min(g * TP + f, T - 1)]) return false;
      return true;
    };
    while (next_group_ < groups_ && ready(next_group_)) {
      PatchifyU8Rows(frames_.data_ptr<uint8_t>(), T, spec_.dst_h, spec_.dst_w, lut_.data_ptr<float>(), spec_.layout,
                     next_group_, next_group_ + 1, pixels_.data_ptr<float>(), /*parallel=*/false);
      ++next_group_;
    }
  }

  uint8_t* Slot(int64_t j) { return frames_.data_ptr<uint8_t>() + j * slot_bytes_; }

  const FrameStreamSpec& spec_;
  std::vector<std::vector<int64_t>> slots_of_;
  std::vector<bool> filled_;
  at::Tensor frames_, pixels_, lut_;
  int64_t groups_ = 0, next_group_ = 0, last_slot_ = 0;
  size_t slot_bytes_ = 0;
};

}  // namespace

PipeFds OpenFramePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2 failed: ") + std::strerror(errno));
  ::fcntl(fds[0], F_SETPIPE_SZ, kPipeBytes);  // best effort: /proc/sys/fs/pipe-max-size may be lower
  return {fds[0], fds[1]};
}

FrameStreamResult ConsumeFrameStream(int fd, const FrameStreamSpec& spec) {
  FdCloser closer{fd};
  TORCH_CHECK(spec.src_h > 0 && spec.src_w > 0 && spec.dst_h > 0 && spec.dst_w > 0, "frame sizes must be positive");
  TORCH_CHECK(spec.pipe_frames > 0 && !spec.slot_source.empty(), "no frames requested");
  for (int64_t s : spec.slot_source)
    TORCH_CHECK(s >= 0 && s < spec.pipe_frames, "slot source ", s, " outside the ", spec.pipe_frames, " pipe frames");
  TORCH_CHECK(!spec.channels_last || (!spec.lut && spec.dst_h == spec.src_h && spec.dst_w == spec.src_w),
              "channels-last output is for unresized frames without pixel values");
  if (spec.lut) {
    const int64_t unit = spec.layout.patch * spec.layout.merge;
    TORCH_CHECK(spec.dst_h % unit == 0 && spec.dst_w % unit == 0, "resized size must be a multiple of ", unit);
    TORCH_CHECK(spec.lut->scalar_type() == at::kFloat && spec.lut->numel() == 3 * 256, "expected a float32 lut [3,256]");
  }
  StreamAssembler assembler(spec);
  const size_t frame_bytes = static_cast<size_t>(spec.src_h * spec.src_w * 3);
  std::unique_ptr<uint8_t[]> frame(new uint8_t[frame_bytes]);
  FrameStreamResult r;
  size_t fill = 0;
  for (;;) {
    const ssize_t n = ::read(fd, frame.get() + fill, frame_bytes - fill);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("reading the decoder's output failed: ") + std::strerror(errno));
    }
    if (n == 0) break;
    r.bytes += n;
    if (r.decoded == spec.pipe_frames) {  // bytes beyond the selected frames: stop (closing the pipe ends ffmpeg)
      r.overflow = true;
      break;
    }
    fill += static_cast<size_t>(n);
    if (fill < frame_bytes) continue;
    assembler.Add(r.decoded++, frame.get());
    fill = 0;
  }
  if (!r.overflow) assembler.Finish(r.decoded);
  r.frames = assembler.frames();
  r.pixel_values = assembler.pixels();
  return r;
}

}  // namespace rarft::video
