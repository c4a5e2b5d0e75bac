#include "synack/core/entropy.hpp"

#include <cerrno>
#include <cstddef>

#if defined(__linux__)
#include <sys/random.h>
#else
#include <unistd.h>
#endif

namespace synack {

int fill_with_os_entropy(std::span<std::uint8_t> out) {
  std::size_t filled = 0;
  while (filled < out.size()) {
#if defined(__linux__)
    const auto n = ::getrandom(out.data() + filled, out.size() - filled, 0);
#else
    // getentropy gives at most 256 bytes per call.
    const std::size_t chunk = out.size() - filled < 256 ? out.size() - filled : 256;
    const auto n = ::getentropy(out.data() + filled, chunk) == 0 ? static_cast<long>(chunk) : -1;
#endif
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    filled += static_cast<std::size_t>(n);
  }
  return 0;
}

}  // namespace synack
