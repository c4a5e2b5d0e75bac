#pragma once
// The --so_flags string packetdrill passes to the adapter: `key=value` pairs separated by
// semicolons, e.g. "local_ip=192.168.0.1;mtu=1500;cc=reno".
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "synack/wire/address.hpp"

namespace synack::packetdrill {

struct SoFlags {
  Ipv4Address local_ip;  // required: packetdrill's --local_ip, where scripts send their packets
  std::size_t mtu = 1500;
  std::string congestion_control = "cubic";  // "reno" or "cubic", as TcpConfig defaults
};

// nullopt (with `error` set) for a missing local_ip, an unknown key or a bad value.
std::optional<SoFlags> parse_so_flags(const char* text, std::string& error);

}  // namespace synack::packetdrill
