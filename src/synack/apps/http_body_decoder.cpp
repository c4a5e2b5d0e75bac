#include "synack/apps/http_body_decoder.hpp"

#include <algorithm>
#include <cerrno>

namespace synack::apps::http {

namespace {
constexpr std::size_t kMaxSizeDigits = 15;        // 2^60 bytes: no overflow in remaining_
constexpr std::size_t kMaxChunkLineBytes = 4096;  // size and extensions
constexpr std::size_t kMaxTrailerBytes = 8192;

std::optional<int> hex_digit(std::uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return std::nullopt;
}
}  // namespace

BodyDecoder::BodyDecoder(Framing framing, std::uint64_t length)
    : framing_(framing),
      state_(framing == Framing::kNone || (framing == Framing::kLength && length == 0)
                 ? State::kDone
                 : (framing == Framing::kChunked ? State::kSizeStart : State::kData)),
      remaining_(length),
      announced_(length) {}

BodyDecoder BodyDecoder::with_framing(Framing framing, std::uint64_t length) {
  return BodyDecoder(framing, length);
}

BodyDecoder BodyDecoder::for_response(const ResponseHead& head, bool request_was_head) {
  // RFC 9112 6.3 item 1: these responses end with their head, whatever the fields say.
  if (request_was_head || head.status < 200 || head.status == 204 || head.status == 304) {
    return BodyDecoder(Framing::kNone, 0);
  }
  if (head.chunked) return BodyDecoder(Framing::kChunked, 0);
  if (head.content_length) return BodyDecoder(Framing::kLength, *head.content_length);
  return BodyDecoder(Framing::kUntilClose, 0);
}

std::int64_t BodyDecoder::expected_total() const {
  if (framing_ == Framing::kLength) return static_cast<std::int64_t>(announced_);
  if (framing_ == Framing::kNone) return 0;
  return -1;
}

Result<std::size_t> BodyDecoder::feed(Bytes in, FunctionRef<void(Bytes)> sink) {
  switch (framing_) {
    case Framing::kNone:
      return std::size_t{0};
    case Framing::kUntilClose:
      if (!in.empty()) sink(in);
      body_bytes_ += in.size();
      return in.size();
    case Framing::kLength: {
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, in.size()));
      if (n > 0) sink(in.first(n));
      remaining_ -= n;
      body_bytes_ += n;
      if (remaining_ == 0) state_ = State::kDone;
      return n;
    }
    case Framing::kChunked:
      return feed_chunked(in, sink);
  }
  return std::size_t{0};
}

Result<std::size_t> BodyDecoder::feed_chunked(Bytes in, FunctionRef<void(Bytes)> sink) {
  std::size_t used = 0;
  while (used < in.size() && state_ != State::kDone) {
    if (state_ == State::kData) {
      const auto n =
          static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, in.size() - used));
      sink(in.subspan(used, n));
      used += n;
      remaining_ -= n;
      body_bytes_ += n;
      if (remaining_ == 0) state_ = State::kDataCr;
      continue;
    }
    if (auto error = step_framing(in[used])) return Unexpected{Error{EPROTO, std::move(*error)}};
    ++used;
  }
  return used;
}

void BodyDecoder::end_size_line() {
  line_bytes_ = 0;
  // RFC 9112 7.1: the last chunk has size zero and is followed by the trailer section.
  state_ = remaining_ == 0 ? State::kTrailer : State::kData;
}

std::optional<std::string> BodyDecoder::step_framing(std::uint8_t byte) {
  switch (state_) {
    case State::kSizeStart:
    case State::kSize: {
      if (const auto digit = hex_digit(byte)) {
        if (++size_digits_ > kMaxSizeDigits) return "chunk size too large";
        remaining_ = remaining_ * 16 + static_cast<std::uint64_t>(*digit);
        state_ = State::kSize;
        return std::nullopt;
      }
      if (state_ == State::kSizeStart) return "malformed chunk size";
      size_digits_ = 0;
      if (byte == '\r') {
        state_ = State::kSizeLf;
      } else if (byte == '\n') {
        end_size_line();
      } else if (byte == ';' || byte == ' ' || byte == '\t') {
        state_ = State::kExtension;  // chunk extensions are ignored (RFC 9112 7.1.1)
      } else {
        return "malformed chunk size";
      }
      return std::nullopt;
    }
    case State::kExtension:
      if (++line_bytes_ > kMaxChunkLineBytes) return "chunk extension too long";
      if (byte == '\r') {
        state_ = State::kSizeLf;
      } else if (byte == '\n') {
        end_size_line();
      } else if (byte < 0x20 && byte != '\t') {
        return "malformed chunk extension";
      }
      return std::nullopt;
    case State::kSizeLf:
      if (byte != '\n') return "malformed chunk size line";
      end_size_line();
      return std::nullopt;
    case State::kDataCr:
      if (byte == '\r') {
        state_ = State::kDataLf;
      } else if (byte == '\n') {
        state_ = State::kSizeStart;
      } else {
        return "missing CRLF after chunk data";
      }
      return std::nullopt;
    case State::kDataLf:
      if (byte != '\n') return "missing CRLF after chunk data";
      state_ = State::kSizeStart;
      return std::nullopt;
    case State::kTrailer:
      if (++trailer_bytes_ > kMaxTrailerBytes) return "trailer section too large";
      if (byte == '\n') {
        if (line_bytes_ == 0) state_ = State::kDone;  // the empty line ends the message
        line_bytes_ = 0;
      } else if (byte != '\r') {
        ++line_bytes_;
      }
      return std::nullopt;
    case State::kData:
    case State::kDone:
      break;
  }
  return std::nullopt;
}

Status BodyDecoder::finish_at_eof() {
  if (state_ == State::kDone) return {};
  if (framing_ == Framing::kUntilClose) {
    state_ = State::kDone;
    return {};
  }
  if (framing_ == Framing::kLength) {
    return Unexpected{Error{EPROTO, "connection closed after " + std::to_string(body_bytes_) +
                                        " of " + std::to_string(announced_) + " body bytes"}};
  }
  return Unexpected{Error{EPROTO, "connection closed inside chunked body"}};
}

}  // namespace synack::apps::http
