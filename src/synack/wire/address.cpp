#include "synack/wire/address.hpp"

#include <charconv>
#include <cstdio>

namespace synack {

std::string MacAddress::to_string() const {
  char text[sizeof "00:00:00:00:00:00"];
  std::snprintf(text, sizeof text, "%02x:%02x:%02x:%02x:%02x:%02x", octets[0], octets[1], octets[2],
                octets[3], octets[4], octets[5]);
  return text;
}

std::optional<Ipv4Address> Ipv4Address::parse(std::string_view text) {
  Ipv4Address out;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  for (int i = 0; i < 4; ++i) {
    if (i > 0) {
      if (p == end || *p != '.') return std::nullopt;
      ++p;
    }
    unsigned value = 0;
    auto [next, ec] = std::from_chars(p, end, value);
    if (ec != std::errc{} || next == p || next - p > 3 || value > 255) return std::nullopt;
    out.octets[i] = static_cast<std::uint8_t>(value);
    p = next;
  }
  if (p != end) return std::nullopt;
  return out;
}

std::string Ipv4Address::to_string() const {
  char text[sizeof "255.255.255.255"];
  std::snprintf(text, sizeof text, "%u.%u.%u.%u", octets[0], octets[1], octets[2], octets[3]);
  return text;
}

std::string IpAddress::to_string() const {
  if (is_v4()) return as_v4().to_string();
  std::string out;
  for (int i = 0; i < 16; i += 2) {
    if (i) out += ':';
    char group[sizeof "ffff"];
    std::snprintf(group, sizeof group, "%x", static_cast<unsigned>((bytes[i] << 8) | bytes[i + 1]));
    out += group;
  }
  return out;
}

std::string Endpoint::to_string() const {
  if (address.is_v4()) return address.to_string() + ':' + std::to_string(port);
  return '[' + address.to_string() + "]:" + std::to_string(port);
}

namespace {
std::size_t mix(std::size_t h, std::uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h;
}
std::uint64_t fold(const std::array<std::uint8_t, 16>& b) {
  std::uint64_t lo = 0, hi = 0;
  for (int i = 0; i < 8; ++i) lo = (lo << 8) | b[i];
  for (int i = 8; i < 16; ++i) hi = (hi << 8) | b[i];
  return lo * 0x9e3779b97f4a7c15ULL ^ hi;
}
}  // namespace

std::size_t hash_value(const IpAddress& a) {
  return mix(static_cast<std::size_t>(a.family), fold(a.bytes));
}

std::size_t hash_value(const FourTuple& t) {
  std::size_t h = hash_value(t.local.address);
  h = mix(h, hash_value(t.remote.address));
  return mix(h, (std::uint64_t{t.local.port} << 16) | t.remote.port);
}

}  // namespace synack
