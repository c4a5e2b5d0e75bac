#pragma once
// HTTP/1.1 lexical helpers (RFC 9110 section 5.6, RFC 9112 sections 2 and 5), shared by the
// request and response parsers. Everything works on string_views into the caller's buffer and
// never reads outside it.
#include <cstdint>
#include <optional>
#include <string_view>

namespace synack::apps::http {

// tchar (RFC 9110 5.6.2): the characters allowed in tokens such as methods and field names.
bool is_tchar(char c);
bool is_token(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
// Strips optional whitespace (SP / HTAB, RFC 9110 5.6.3) at both ends.
std::string_view trim_ows(std::string_view s);
// Whether a comma-separated list (like Connection) holds `token`, case-insensitively.
bool list_has_token(std::string_view list, std::string_view token);
// 1*DIGIT without sign or whitespace; nullopt on anything else or on overflow.
std::optional<std::uint64_t> parse_decimal(std::string_view s);
// A field value may hold visible characters, SP, HTAB and obs-text, never other controls
// (RFC 9110 5.5): a CR, LF or NUL inside a value is rejected, as the RFC requires.
bool is_valid_field_value(std::string_view value);

struct FieldLine {
  std::string_view name;
  std::string_view value;  // without surrounding whitespace
};
// "name: value". No whitespace is allowed between name and colon (RFC 9112 5.1); a line that
// starts with whitespace is obsolete line folding (RFC 9112 5.2), rejected here.
std::optional<FieldLine> parse_field_line(std::string_view line);

// Splits a head (as framed by HttpHeadFramer) into lines. Lines end in LF with an optional CR
// before it (RFC 9112 2.2 lets a recipient accept a bare LF); a CR anywhere else is invalid.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : rest_(text) {}
  // The next line without its terminator; nullopt when no complete line remains.
  std::optional<std::string_view> next();

 private:
  std::string_view rest_;
};

}  // namespace synack::apps::http
