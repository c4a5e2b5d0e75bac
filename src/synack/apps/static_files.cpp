#include "synack/apps/static_files.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <utility>

#include "synack/apps/http_syntax.hpp"

namespace synack::apps::http {

namespace fs = std::filesystem;

namespace {

constexpr int kBadRequest = 400;
constexpr int kForbidden = 403;
constexpr int kNotFound = 404;

std::optional<int> hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return std::nullopt;
}

// RFC 3986 2.1 percent-decoding of the path; a truncated escape or an encoded NUL is invalid.
std::optional<std::string> percent_decode(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] != '%') {
      out.push_back(path[i]);
      continue;
    }
    if (i + 2 >= path.size()) return std::nullopt;
    const auto high = hex_value(path[i + 1]);
    const auto low = hex_value(path[i + 2]);
    if (!high || !low || (*high == 0 && *low == 0)) return std::nullopt;
    out.push_back(static_cast<char>(*high * 16 + *low));
    i += 2;
  }
  return out;
}

// Joins the decoded path's segments under the root; ".." anywhere is refused outright rather
// than resolved, so no target can climb out lexically.
Expected<fs::path, int> join_under_root(const fs::path& root, std::string_view decoded) {
  fs::path joined = root;
  while (!decoded.empty()) {
    const std::size_t slash = decoded.find('/');
    const std::string_view segment = decoded.substr(0, slash);
    decoded = slash == std::string_view::npos ? std::string_view{} : decoded.substr(slash + 1);
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") return Unexpected{kForbidden};
    joined /= fs::path(std::string(segment));
  }
  return joined;
}

bool is_inside(const fs::path& root, const fs::path& candidate) {
  auto r = root.begin();
  auto c = candidate.begin();
  for (; r != root.end(); ++r, ++c) {
    if (r->empty()) continue;  // a trailing separator on the root
    if (c == candidate.end() || *r != *c) return false;
  }
  return true;
}

}  // namespace

Expected<StaticFile, int> resolve_static_file(const fs::path& canonical_root,
                                              std::string_view target) {
  const std::string_view path = target.substr(0, target.find_first_of("?#"));
  const auto decoded = percent_decode(path);
  if (!decoded) return Unexpected{kBadRequest};
  auto joined = join_under_root(canonical_root, *decoded);
  if (!joined) return Unexpected{joined.error()};

  std::error_code ec;
  fs::path candidate = *joined;
  if (fs::is_directory(candidate, ec)) candidate /= "index.html";
  const fs::file_status status = fs::status(candidate, ec);
  if (ec || !fs::exists(status)) return Unexpected{kNotFound};
  // Symbolic links are followed, but the file they reach must still lie under the root.
  const fs::path resolved = fs::canonical(candidate, ec);
  if (ec) return Unexpected{kNotFound};
  if (!is_inside(canonical_root, resolved)) return Unexpected{kForbidden};
  if (!fs::is_regular_file(status)) return Unexpected{kForbidden};
  const std::uintmax_t size = fs::file_size(resolved, ec);
  if (ec) return Unexpected{kNotFound};
  return StaticFile{resolved, static_cast<std::uint64_t>(size), content_type_for(resolved)};
}

std::string_view content_type_for(const fs::path& path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".txt", "text/plain; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".pdf", "application/pdf"},
      {".pcap", "application/vnd.tcpdump.pcap"},
      {".wasm", "application/wasm"},
  }};
  const std::string extension = path.extension().string();
  for (const auto& [ext, type] : kTypes) {
    if (iequals(ext, extension)) return type;
  }
  return "application/octet-stream";
}

}  // namespace synack::apps::http
