#include "synack/apps/http_request.hpp"

#include "synack/apps/http_syntax.hpp"

namespace synack::apps::http {

namespace {

constexpr int kBadRequest = 400;

// "HTTP/1.1" -> minor 1. Nullopt if not HTTP-version syntax at all (RFC 9112 2.3); -1 for a
// well-formed version with a major other than 1.
std::optional<int> parse_version(std::string_view v) {
  if (v.size() != 8 || v.substr(0, 5) != "HTTP/" || v[6] != '.') return std::nullopt;
  const char major = v[5];
  const char minor = v[7];
  if (major < '0' || major > '9' || minor < '0' || minor > '9') return std::nullopt;
  if (major != '1') return -1;
  return minor - '0';
}

// origin-form (RFC 9112 3.2.1): absolute-path [ "?" query ], visible ASCII only.
bool is_origin_form(std::string_view target) {
  if (target.empty() || target.front() != '/') return false;
  for (const char c : target) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return false;
  }
  return true;
}

struct RequestLine {
  std::string_view method;
  std::string_view target;
  std::string_view version;
};

// method SP request-target SP HTTP-version, single spaces (RFC 9112 3).
std::optional<RequestLine> split_request_line(std::string_view line) {
  const std::size_t first = line.find(' ');
  if (first == std::string_view::npos) return std::nullopt;
  const std::size_t second = line.find(' ', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  if (line.find(' ', second + 1) != std::string_view::npos) return std::nullopt;
  return RequestLine{line.substr(0, first), line.substr(first + 1, second - first - 1),
                     line.substr(second + 1)};
}

struct FieldSummary {
  int host_count = 0;
  bool connection_close = false;
  bool connection_keep_alive = false;
  std::optional<std::uint64_t> content_length;
  bool content_length_conflict = false;
  bool transfer_encoding = false;
};

bool note_field(const FieldLine& f, FieldSummary& s) {
  if (iequals(f.name, "Host")) {
    ++s.host_count;
  } else if (iequals(f.name, "Connection")) {
    s.connection_close |= list_has_token(f.value, "close");
    s.connection_keep_alive |= list_has_token(f.value, "keep-alive");
  } else if (iequals(f.name, "Content-Length")) {
    const auto n = parse_decimal(f.value);
    if (!n) return false;  // RFC 9112 6.3 item 5: invalid Content-Length is unrecoverable
    if (s.content_length && *s.content_length != *n) s.content_length_conflict = true;
    s.content_length = n;
  } else if (iequals(f.name, "Transfer-Encoding")) {
    s.transfer_encoding = true;
  }
  return true;
}

}  // namespace

Expected<Request, int> parse_request_head(std::string_view head) {
  LineReader lines(head);
  auto line = lines.next();
  // RFC 9112 2.2: a server SHOULD ignore at least one empty line before the request-line.
  while (line && line->empty()) line = lines.next();
  if (!line) return Unexpected{kBadRequest};
  if (line->find('\r') != std::string_view::npos) return Unexpected{kBadRequest};
  const auto parts = split_request_line(*line);
  if (!parts || !is_token(parts->method) || !is_origin_form(parts->target)) {
    return Unexpected{kBadRequest};
  }
  const auto minor = parse_version(parts->version);
  if (!minor) return Unexpected{kBadRequest};
  if (*minor < 0) return Unexpected{505};

  FieldSummary fields;
  while (auto field_line = lines.next()) {
    if (field_line->empty()) break;  // the head's terminating empty line
    const auto field = parse_field_line(*field_line);
    if (!field || !note_field(*field, fields)) return Unexpected{kBadRequest};
  }
  // RFC 9112 3.2: a 1.1 request without exactly one Host field gets 400.
  if (fields.host_count > 1 || (*minor >= 1 && fields.host_count == 0)) {
    return Unexpected{kBadRequest};
  }
  if (fields.content_length_conflict) return Unexpected{kBadRequest};
  // RFC 9112 6.1: a server that does not understand a transfer coding answers 501; this
  // server implements none for requests (GET and HEAD carry no body).
  if (fields.transfer_encoding) return Unexpected{501};

  Request r;
  r.method = std::string(parts->method);
  r.target = std::string(parts->target);
  r.version_minor = *minor;
  r.keep_alive = *minor >= 1 ? !fields.connection_close
                             : fields.connection_keep_alive && !fields.connection_close;
  r.content_length = fields.content_length.value_or(0);
  return r;
}

}  // namespace synack::apps::http
