#pragma once
// How a testbed host is configured: its stack (TCP settings, secrets, a driver queue deep enough
// that floods and bursts are never cut by it) and its one raw-IP interface (no ARP, so every
// timing is TCP's own).
#include <cstddef>
#include <cstdint>
#include <optional>

#include "synack/stack/stack.hpp"

namespace synack::testbed {

// Frames a host may queue toward its link in one poll.
inline constexpr std::size_t kDeepOutputQueue = 4096;

// Which host of a testbed: seeds its secrets apart from the other hosts'.
enum class HostRole : std::uint64_t { client = 1, server = 2 };

// The stack of one host: `secrets` when given, else secrets derived from `seed` and `role`
// (reproducible per seed, different per host).
StackConfig stack_config(const TcpConfig& tcp, std::uint64_t seed, HostRole role,
                         std::optional<TcpSecrets> secrets = std::nullopt,
                         std::size_t output_queue_capacity = kDeepOutputQueue);

// Secrets with every byte of the ISN key `fill`, the timestamp key `fill + 1`, the cookie key
// `fill + 2`: fixed, so a test can compute a cookie or ISN the stack will use.
TcpSecrets fixed_secrets(std::uint8_t fill);

// A raw-IP interface. A prefix of 15 puts all of 198.18.0.0/15 on the link, so a server answers
// spoofed sources out of it (the attacker topologies).
InterfaceConfig raw_interface(Ipv4Address address, std::uint8_t prefix_length = 24);

}  // namespace synack::testbed
