// The decoder's output consumed natively: ffmpeg writes RGB24 frames into a pipe, and one native thread reads them
// straight into place, resizes each frame as soon as it is whole (the same kernel as resizeBicubicAA) and, when asked,
// normalises + patchifies each temporal pair as soon as both of its frames are in. Nothing crosses the JS thread per
// frame, and when ffmpeg exits only the last frame's resize and pair remain: the whole video path costs little more
// than the decode itself (docs/video.md, "Streaming decode").
#pragma once
#include <ATen/ATen.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "video/patchify.h"

namespace rarft::video {

// A pipe for ffmpeg's stdout: both ends close-on-exec (only the child that gets the write end dup'ed onto its stdout
// keeps it), the buffer enlarged to 1 MiB where the kernel allows (fewer wake-ups per frame). Throws on failure.
struct PipeFds {
  int read_fd;
  int write_fd;
};
PipeFds OpenFramePipe();

struct FrameStreamSpec {
  int64_t src_h = 0, src_w = 0;       // frames on the pipe: RGB24, rows of src_w*3 bytes
  int64_t dst_h = 0, dst_w = 0;       // resized size (equal to src: no resize)
  std::vector<int64_t> slot_source;   // output frame j <- the slot_source[j]-th frame on the pipe
  int64_t pipe_frames = 0;            // frames expected on the pipe (more is an overflow)
  bool channels_last = false;         // keep frames as delivered, [T,H,W,3] (no resize, no pixel values)
  std::optional<at::Tensor> lut;      // [3,256] float32: also produce pixel values (patchify.h)
  PatchLayout layout;
};

struct FrameStreamResult {
  at::Tensor frames;        // [T,3,dst_h,dst_w] uint8 ([T,H,W,3] if channels_last), T = slot_source.size()
  at::Tensor pixel_values;  // [rows, 1176] float32 when spec.lut was given, else undefined
  int64_t decoded = 0;      // whole frames read from the pipe
  int64_t bytes = 0;        // bytes read (a partial last frame shows as bytes % frame size)
  bool overflow = false;    // the pipe carried more than pipe_frames frames (reading stopped there)
};

// Reads `fd` to EOF (and closes it). Frames the pipe never delivered (a corrupt tail) are filled with the last
// delivered frame, as the TS decoder pads; with no frame at all the outputs are left unfilled (the caller fails).
FrameStreamResult ConsumeFrameStream(int fd, const FrameStreamSpec& spec);

}  // namespace rarft::video
