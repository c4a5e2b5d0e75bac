#include "so_flags.hpp"

#include <charconv>

namespace synack::packetdrill {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Applies one key=value pair; false with `error` set when it is not understood.
bool apply_pair(std::string_view key, std::string_view value, SoFlags& flags, bool& have_local,
                std::string& error) {
  if (key == "local_ip") {
    auto address = Ipv4Address::parse(value);
    if (!address) {
      error = "local_ip: not an IPv4 address: " + std::string(value);
      return false;
    }
    flags.local_ip = *address;
    have_local = true;
    return true;
  }
  if (key == "mtu") {
    std::size_t mtu = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), mtu);
    // 576 is the smallest datagram every IPv4 host must accept (RFC 791).
    if (ec != std::errc{} || end != value.data() + value.size() || mtu < 576 || mtu > 65535) {
      error = "mtu: expected 576..65535, got " + std::string(value);
      return false;
    }
    flags.mtu = mtu;
    return true;
  }
  if (key == "cc") {
    if (value != "reno" && value != "cubic") {
      error = "cc: expected reno or cubic, got " + std::string(value);
      return false;
    }
    flags.congestion_control = std::string(value);
    return true;
  }
  error = "unknown flag: " + std::string(key);
  return false;
}

}  // namespace

std::optional<SoFlags> parse_so_flags(const char* text, std::string& error) {
  SoFlags flags;
  bool have_local = false;
  std::string_view rest = text ? std::string_view(text) : std::string_view();
  while (!rest.empty()) {
    const auto semicolon = rest.find(';');
    const std::string_view pair = trim(rest.substr(0, semicolon));
    rest = semicolon == std::string_view::npos ? std::string_view() : rest.substr(semicolon + 1);
    if (pair.empty()) continue;
    const auto equals = pair.find('=');
    if (equals == std::string_view::npos) {
      error = "expected key=value, got " + std::string(pair);
      return std::nullopt;
    }
    if (!apply_pair(trim(pair.substr(0, equals)), trim(pair.substr(equals + 1)), flags, have_local,
                    error)) {
      return std::nullopt;
    }
  }
  if (!have_local) {
    error = "local_ip=A.B.C.D is required (packetdrill's --local_ip)";
    return std::nullopt;
  }
  return flags;
}

}  // namespace synack::packetdrill
