#pragma once
// Finds where an HTTP message head (start line and header fields) ends in a stream that arrives
// in pieces: the first empty line after a non-empty one (RFC 9112 section 2.1). It remembers
// how far it has looked, so a head delivered one byte per segment is scanned once, not once per
// segment, and it gives up once the head outgrows a bound (RFC 9112 2.3 lets a server answer an
// oversized head with 431, RFC 6585 section 5).
#include <cstddef>
#include <string_view>

namespace synack::apps::http {

class HeadFramer {
 public:
  enum class Scan { kIncomplete, kComplete, kTooLarge };

  explicit HeadFramer(std::size_t max_head_bytes) : max_head_bytes_(max_head_bytes) {}

  // `buffered` is everything received since the head began (it only ever grows between calls
  // until reset()). On kComplete, head_length() bytes of it form the head.
  Scan scan(std::string_view buffered);
  std::size_t head_length() const { return head_length_; }
  // Ready for the next message, whose bytes start the caller's buffer again.
  void reset();

 private:
  std::size_t max_head_bytes_;
  std::size_t scanned_ = 0;
  std::size_t line_start_ = 0;
  bool saw_content_line_ = false;
  std::size_t head_length_ = 0;
};

}  // namespace synack::apps::http
