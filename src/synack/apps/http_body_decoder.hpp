#pragma once
// Finds a response body's bytes and its end (RFC 9112 section 6.3): no body (1xx, 204, 304 and
// answers to HEAD), Content-Length, chunked transfer coding (RFC 9112 section 7.1), or "until
// the server closes". It decodes in place, handing the caller spans of the bytes it was fed, so
// it never copies or buffers body data, and it accepts input split at any byte.
#include <cstdint>
#include <optional>
#include <string>

#include "synack/apps/http_response_head.hpp"
#include "synack/core/bytes.hpp"
#include "synack/core/error.hpp"
#include "synack/core/function_ref.hpp"

namespace synack::apps::http {

class BodyDecoder {
 public:
  enum class Framing { kNone, kLength, kChunked, kUntilClose };

  static BodyDecoder for_response(const ResponseHead& head, bool request_was_head = false);
  static BodyDecoder with_framing(Framing framing, std::uint64_t length = 0);

  // Takes received bytes and passes body data to `sink`. Returns how many bytes of `in`
  // belonged to the message (bytes after the body's end are not consumed), or an error for
  // malformed chunked framing.
  Result<std::size_t> feed(Bytes in, FunctionRef<void(Bytes)> sink);
  // The connection ended: nullopt if that completes the body, else what was missing.
  Status finish_at_eof();

  bool complete() const { return state_ == State::kDone; }
  Framing framing() const { return framing_; }
  std::uint64_t body_bytes() const { return body_bytes_; }
  // The announced length, or -1 if the body's length is not known in advance.
  std::int64_t expected_total() const;

 private:
  enum class State {
    kSizeStart,
    kSize,
    kExtension,
    kSizeLf,
    kData,
    kDataCr,
    kDataLf,
    kTrailer,
    kDone,
  };
  BodyDecoder(Framing framing, std::uint64_t length);
  Result<std::size_t> feed_chunked(Bytes in, FunctionRef<void(Bytes)> sink);
  // One byte of chunked framing outside chunk data; an error text if it is invalid.
  std::optional<std::string> step_framing(std::uint8_t byte);
  void end_size_line();

  Framing framing_;
  State state_;
  std::uint64_t remaining_ = 0;  // Content-Length bytes, or the current chunk's data bytes
  std::uint64_t announced_ = 0;
  std::uint64_t body_bytes_ = 0;
  std::size_t size_digits_ = 0;
  std::size_t line_bytes_ = 0;     // bytes of the current size or trailer line
  std::size_t trailer_bytes_ = 0;  // bytes of the whole trailer section
};

}  // namespace synack::apps::http
