#pragma once
// Reason phrases for the status codes these apps send (RFC 9110 section 15, RFC 6585 5).
#include <string_view>

namespace synack::apps::http {

std::string_view reason_phrase(int status);

}  // namespace synack::apps::http
