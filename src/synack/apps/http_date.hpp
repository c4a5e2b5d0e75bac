#pragma once
// HTTP's preferred date format (RFC 9110 section 5.6.7, IMF-fixdate):
// "Sun, 06 Nov 1994 08:49:37 GMT". Pure arithmetic on a Unix time handed in: the apps never
// read a clock; whoever runs them (the CLI on a device) converts its own time.
#include <cstdint>
#include <string>

namespace synack::apps::http {

// `unix_seconds`: seconds since 1970-01-01T00:00:00Z (leap seconds ignored, as POSIX does).
std::string imf_fixdate(std::int64_t unix_seconds);

}  // namespace synack::apps::http
