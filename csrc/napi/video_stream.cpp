// Bindings of the streaming decode sink (csrc/video/frame_stream.h). The TS side creates the pipe, gives its write end
// to ffmpeg as stdout, closes its own copy of it, and hands the read end to consumeFrames, which owns it from then on.
#include <unistd.h>

#include "napi/op.h"
#include "napi/thread_promise.h"
#include "video/frame_stream.h"

namespace rarft::napi {

// openFramePipe() -> [readFd, writeFd], both close-on-exec.
RARFT_OP(openFramePipe) {
  const video::PipeFds fds = video::OpenFramePipe();
  Napi::Array a = Napi::Array::New(info.Env(), 2);
  a.Set(0u, Napi::Number::New(info.Env(), fds.read_fd));
  a.Set(1u, Napi::Number::New(info.Env(), fds.write_fd));
  return a;
}

// consumeFrames(readFd, srcH, srcW, dstH, dstW, slotSource: number[], pipeFrames, channelsLast, lut: handle | null,
//               patch, temporalPatch, merge) -> Promise<{ frames, pixelValues: handle | null, decoded, bytes, overflow }>
// Reads the pipe to EOF on a thread of its own and closes readFd, also when the arguments are rejected.
RARFT_OP(consumeFrames) {
  const int fd = static_cast<int>(IntArg(info, 0));
  video::FrameStreamSpec spec;
  try {
    spec.src_h = IntArg(info, 1);
    spec.src_w = IntArg(info, 2);
    spec.dst_h = IntArg(info, 3);
    spec.dst_w = IntArg(info, 4);
    spec.slot_source = IntListArg(info, 5);
    spec.pipe_frames = IntArg(info, 6);
    spec.channels_last = BoolArg(info, 7);
    if (!IsMissing(info, 8)) spec.lut = T(8);
    spec.layout = video::PatchLayout{IntArg(info, 9), IntArg(info, 10), IntArg(info, 11)};
  } catch (...) {
    ::close(fd);
    throw;
  }
  auto result = std::make_shared<video::FrameStreamResult>();
  return RunOnOwnThread(
      info.Env(), "consumeFrames", [fd, spec, result] { *result = video::ConsumeFrameStream(fd, spec); },
      [result](Napi::Env env) -> Napi::Value {
        Napi::Object o = Napi::Object::New(env);
        o.Set("frames", WrapTensor(env, result->frames));
        o.Set("pixelValues", result->pixel_values.defined() ? WrapTensor(env, result->pixel_values) : env.Null());
        o.Set("decoded", Napi::Number::New(env, static_cast<double>(result->decoded)));
        o.Set("bytes", Napi::Number::New(env, static_cast<double>(result->bytes)));
        o.Set("overflow", Napi::Boolean::New(env, result->overflow));
        return o;
      });
}

RARFT_EXPORTS(env, exports) {
  SetFn(env, exports, "openFramePipe", openFramePipe, 0);
  SetFn(env, exports, "consumeFrames", consumeFrames, 12);
}

}  // namespace rarft::napi
