#pragma once
// Maps a request target to a regular file under a document root, refusing anything that would
// leave the root: ".." segments (also percent-encoded) and symbolic links that point outside.
// Directories stand for their index.html.
#include <cstdint>
#include <filesystem>
#include <string_view>

#include "synack/core/expected.hpp"

namespace synack::apps::http {

struct StaticFile {
  std::filesystem::path path;  // canonical, inside the root
  std::uint64_t size = 0;
  std::string_view content_type;
};

// `canonical_root` must be canonical (std::filesystem::canonical). Errors are status codes:
// 400 for bad percent-encoding, 403 for a path escaping the root or not a regular file, 404 for
// a missing file (or a directory without index.html).
Expected<StaticFile, int> resolve_static_file(const std::filesystem::path& canonical_root,
                                              std::string_view target);

// The media type for a file name's extension (a few common ones; else octet-stream).
std::string_view content_type_for(const std::filesystem::path& path);

}  // namespace synack::apps::http
