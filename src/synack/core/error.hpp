#pragma once
// The one error convention of every layer: an operation that can fail returns Result<T> (a value
// or an Error) or Status (nothing or an Error); nothing throws.
//
// An Error is an errno value - what a program branches on, the same codes a POSIX socket gives
// (EAGAIN, ECONNRESET, ENODEV, ...) - and, where a person will read it, what was being done
// ("open /dev/net/tun for tap9"). Hot paths (send, recv) leave the context empty, so an error
// costs no allocation. message() is what to print: "open /dev/net/tun for tap9: No such device".
//
// Broken preconditions are bugs, not errors: an id the callee never issued, an interface joined
// twice. They stop the program with a message (SYNACK_CHECK), in every build type.
// Packet parsing keeps its own reasons (wire/error.hpp): every rejected packet is counted by
// reason, and no person or program has to handle it.
#include <iosfwd>
#include <string>
#include <utility>

#include "synack/core/expected.hpp"

namespace synack {

struct Error {
  int code = 0;         // an errno value
  std::string context;  // what was being done, for a person; may be empty

  Error() = default;
  Error(int errno_value) : code(errno_value) {}  // NOLINT: Unexpected{EAGAIN} reads best
  Error(int errno_value, std::string what) : code(errno_value), context(std::move(what)) {}

  // "context: strerror(code)", or strerror(code) alone.
  std::string message() const;

  // Programs compare the code: `r.error() == EAGAIN`.
  friend bool operator==(const Error& e, int errno_value) { return e.code == errno_value; }
  friend bool operator==(const Error& a, const Error& b) { return a.code == b.code; }
};

// Prints message(), so test failures and logs say what happened.
std::ostream& operator<<(std::ostream& out, const Error& error);

template <typename T>
using Result = Expected<T, Error>;
using Status = Expected<void, Error>;

// Error{errno, what}: for the call that just failed and set errno.
Error errno_error(std::string what);

// Stops the program with `message` and the source location: a broken precondition (a bug in
// the caller), never a run-time condition.
[[noreturn]] void check_failed(const char* file, int line, const char* message);

}  // namespace synack

#define SYNACK_CHECK(condition, message) \
  ((condition) ? static_cast<void>(0) : ::synack::check_failed(__FILE__, __LINE__, message))
