#include "synack/wire/error.hpp"

namespace synack {

std::string_view to_string(WireError e) {
  switch (e) {
    case WireError::kTruncated:
      return "truncated";
    case WireError::kBadVersion:
      return "bad version";
    case WireError::kBadHeaderLength:
      return "bad header length";
    case WireError::kBadTotalLength:
      return "bad total length";
    case WireError::kBadChecksum:
      return "bad checksum";
    case WireError::kBadOption:
      return "bad option";
    case WireError::kFragment:
      return "fragment";
    case WireError::kUnsupported:
      return "unsupported";
    case WireError::kBadAddress:
      return "bad address";
  }
  return "unknown wire error";
}

}  // namespace synack
