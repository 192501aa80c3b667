// Temp files for atomic writes (write a temp file, then rename it over the final name), created so that nothing
// already at the temp path is ever written through: a fresh random name per call, opened O_CREAT|O_EXCL|O_NOFOLLOW,
// so a file or symlink planted there (e.g. at <name>.tmp, pointing elsewhere) makes the open fail instead of
// redirecting the write.
#pragma once
#include <string>

namespace rarft::util {

struct ExclusiveTemp {
  int fd = -1;
  std::string path;
};

// Creates `<final_path>.tmp-<pid>-<random>` for writing (mode 0644 before umask); throws std::runtime_error naming
// `final_path` when no such file can be created.
ExclusiveTemp CreateExclusiveTemp(const std::string& final_path);

}  // namespace rarft::util
