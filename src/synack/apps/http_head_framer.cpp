#include "synack/apps/http_head_framer.hpp"

namespace synack::apps::http {

HeadFramer::Scan HeadFramer::scan(std::string_view buffered) {
  if (head_length_ != 0) return Scan::kComplete;
  for (std::size_t i = scanned_; i < buffered.size(); ++i) {
    if (buffered[i] != '\n') continue;
    std::size_t line_length = i - line_start_;
    if (line_length > 0 && buffered[i - 1] == '\r') --line_length;
    line_start_ = i + 1;
    if (line_length > 0) {
      saw_content_line_ = true;
    } else if (saw_content_line_) {
      scanned_ = i + 1;
      if (scanned_ > max_head_bytes_) return Scan::kTooLarge;
      head_length_ = scanned_;
      return Scan::kComplete;
    }
  }
  scanned_ = buffered.size();
  return scanned_ > max_head_bytes_ ? Scan::kTooLarge : Scan::kIncomplete;
}

void HeadFramer::reset() {
  scanned_ = 0;
  line_start_ = 0;
  saw_content_line_ = false;
  head_length_ = 0;
}

}  // namespace synack::apps::http
