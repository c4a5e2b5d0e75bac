#include "synack/core/error.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ostream>

namespace synack {

std::string Error::message() const {
  const std::string reason = std::strerror(code);
  return context.empty() ? reason : context + ": " + reason;
}

std::ostream& operator<<(std::ostream& out, const Error& error) {
  return out << error.message();
}

Error errno_error(std::string what) {
  return Error{errno, std::move(what)};
}

void check_failed(const char* file, int line, const char* message) {
  std::fprintf(stderr, "%s:%d: broken precondition: %s\n", file, line, message);
  std::abort();
}

}  // namespace synack
