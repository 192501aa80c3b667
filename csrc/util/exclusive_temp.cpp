#include "util/exclusive_temp.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <stdexcept>

namespace rarft::util {

ExclusiveTemp CreateExclusiveTemp(const std::string& final_path) {
  std::random_device rd;
  int err = 0;
  std::string tried;
  // EEXIST on a fresh 64-bit random name means someone planted that exact name: retry a few names, then give up
  for (int attempt = 0; attempt < 8; ++attempt) {
    char suffix[48];
    const unsigned long long r = (static_cast<unsigned long long>(rd()) << 32) ^ rd();
    std::snprintf(suffix, sizeof suffix, ".tmp-%d-%016llx", static_cast<int>(::getpid()), r);
    ExclusiveTemp t;
    t.path = final_path + suffix;
    t.fd = ::open(t.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (t.fd >= 0) return t;
    err = errno;
    tried = t.path;
    if (err != EEXIST) break;
  }
  throw std::runtime_error(final_path + ": cannot write temp file " + tried + ": " + std::strerror(err));
}

}  // namespace rarft::util
