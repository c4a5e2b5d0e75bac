#pragma once
// Link and network addresses. TCP sees only IpAddress and Endpoint, which carry either family,
// so IPv6 can be added without touching the TCP layer.
#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace synack {

struct MacAddress {
  std::array<std::uint8_t, 6> octets{};

  static constexpr MacAddress broadcast() { return {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}; }
  bool is_broadcast() const { return *this == broadcast(); }
  std::string to_string() const;
  bool operator==(const MacAddress&) const = default;
};

struct Ipv4Address {
  std::array<std::uint8_t, 4> octets{};

  static constexpr Ipv4Address from_u32(std::uint32_t v) {
    return {{static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
             static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)}};
  }
  constexpr std::uint32_t to_u32() const {
    return (std::uint32_t{octets[0]} << 24) | (std::uint32_t{octets[1]} << 16) |
           (std::uint32_t{octets[2]} << 8) | std::uint32_t{octets[3]};
  }
  static std::optional<Ipv4Address> parse(std::string_view text);
  std::string to_string() const;
  bool operator==(const Ipv4Address&) const = default;
  // Written out rather than defaulted: the libc++ of Emscripten 3.1.6 (the explorer page's
  // build) has no operator<=> for std::array.
  constexpr std::strong_ordering operator<=>(const Ipv4Address& other) const {
    return to_u32() <=> other.to_u32();
  }
};

// An IPv4 or IPv6 address. IPv4 is held in the first four bytes.
struct IpAddress {
  enum class Family : std::uint8_t { kV4 = 4, kV6 = 6 };

  Family family = Family::kV4;
  std::array<std::uint8_t, 16> bytes{};

  static IpAddress v4(Ipv4Address a) {
    IpAddress ip;
    ip.family = Family::kV4;
    for (int i = 0; i < 4; ++i) ip.bytes[i] = a.octets[i];
    return ip;
  }
  bool is_v4() const { return family == Family::kV4; }
  Ipv4Address as_v4() const { return {{bytes[0], bytes[1], bytes[2], bytes[3]}}; }
  std::size_t length() const { return is_v4() ? 4 : 16; }
  std::string to_string() const;
  bool operator==(const IpAddress&) const = default;
  // Family first, then the bytes in order (see Ipv4Address for why not defaulted).
  std::strong_ordering operator<=>(const IpAddress& other) const {
    if (const auto c = family <=> other.family; c != 0) return c;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      if (const auto c = bytes[i] <=> other.bytes[i]; c != 0) return c;
    }
    return std::strong_ordering::equal;
  }
};

struct Endpoint {
  IpAddress address;
  std::uint16_t port = 0;

  std::string to_string() const;
  bool operator==(const Endpoint&) const = default;
  auto operator<=>(const Endpoint&) const = default;
};

// A connection's identity, always from this stack's point of view.
struct FourTuple {
  Endpoint local;
  Endpoint remote;

  bool operator==(const FourTuple&) const = default;
  auto operator<=>(const FourTuple&) const = default;
};

std::size_t hash_value(const IpAddress& a);
std::size_t hash_value(const FourTuple& t);

}  // namespace synack

template <>
struct std::hash<synack::IpAddress> {
  std::size_t operator()(const synack::IpAddress& a) const noexcept {
    return synack::hash_value(a);
  }
};
template <>
struct std::hash<synack::FourTuple> {
  std::size_t operator()(const synack::FourTuple& t) const noexcept {
    return synack::hash_value(t);
  }
};
