#pragma once
// SYN cookies (RFC 4987 section 3.6): under a SYN flood the listener keeps no state for a SYN
// and instead encodes what it must remember in its ISN, so the returning ACK (ACK = ISN + 1)
// proves the client exists and lets the connection be rebuilt from that ACK alone.
//
// ISN layout (like Linux and FreeBSD syncookies, bits from the most significant):
//   [ 27-bit MAC | 2-bit time slot | 3-bit MSS index ]
// The slot is the low two bits of a coarse clock that ticks every 64 s; the MAC is SipHash-2-4
// under the cookie key over the 4-tuple, the peer's ISN, the full slot number and the MSS index,
// so a cookie cannot be forged, moved to another 4-tuple or replayed once its slot is older than
// two periods. Options that do not fit (window scale, SACK-permitted, ECN) travel in the low
// bits of our timestamp value when the SYN had timestamps; without timestamps they are lost,
// as with Linux's cookies.
#include <array>
#include <cstdint>
#include <optional>

#include "synack/core/seq_num.hpp"
#include "synack/core/time.hpp"
#include "synack/tcp/isn.hpp"
#include "synack/wire/address.hpp"

namespace synack {

// MSS values a cookie can carry: Linux's IPv4 table {536, 1300, 1440, 1460} (the values most
// clients send) plus 256 for tiny links, 1220 (IPv6 minimum MTU), 1380 (tunnels) and 8960
// (jumbo frames). A peer's MSS is rounded down to the nearest entry.
inline constexpr std::array<std::uint16_t, 8> kSynCookieMssTable = {256,  536,  1220, 1300,
                                                                    1380, 1440, 1460, 8960};
// The coarse clock's period; a cookie is accepted up to two periods after its slot.
inline constexpr Duration kSynCookiePeriod = seconds(64);
inline constexpr std::uint32_t kSynCookieMaxAge = 2;  // periods

// The index of the largest table entry not above `peer_mss` (index 0 for anything smaller).
std::uint8_t syn_cookie_mss_index(std::uint16_t peer_mss);
// The coarse clock: whole periods since the epoch.
std::uint32_t syn_cookie_slot(Instant now);

// Our ISN for a SYN from `tuple` (local = us) with sequence number `peer_isn`.
SeqNum encode_syn_cookie(const SecretKey& key, const FourTuple& tuple, SeqNum peer_isn,
                         std::uint16_t peer_mss, Instant now);
// Checks the cookie in a returning ACK (`cookie` = SEG.ACK - 1, `peer_isn` = SEG.SEQ - 1): the
// MSS it encodes when its slot is at most two periods old and its MAC matches, else nullopt.
std::optional<std::uint16_t> check_syn_cookie(const SecretKey& key, const FourTuple& tuple,
                                              SeqNum peer_isn, SeqNum cookie, Instant now);

// The options a SYN offered that a cookie keeps in the low bits of our TSval.
struct SynCookieOptions {
  std::optional<std::uint8_t> window_scale;  // peer's shift (0..14), nullopt: not offered
  bool sack_permitted = false;
  bool ecn = false;  // the SYN asked for ECN (ECE and CWR, RFC 3168 section 6.1.1)
  bool operator==(const SynCookieOptions&) const = default;
};
inline constexpr std::uint32_t kSynCookieTsBits = 6;
inline constexpr std::uint32_t kSynCookieTsMask = (1u << kSynCookieTsBits) - 1;

// The 6 option bits: window scale in the low 4 (15 = none), then SACK-permitted, then ECN.
std::uint32_t syn_cookie_option_bits(const SynCookieOptions& options);
// Our TSval for the cookie SYN-ACK: `tsval_now` with its low bits replaced by the option bits,
// moved back one step if that put it ahead of `tsval_now`, so later TSvals of the connection
// (same clock and offset) never go backwards (RFC 7323 section 5.4 monotonicity).
std::uint32_t syn_cookie_tsval(std::uint32_t tsval_now, const SynCookieOptions& options);
// The options from the TSecr of the returning ACK (every bit pattern decodes: 15 means no
// window scale; the cookie's MAC, checked first, is what authenticates the ACK).
SynCookieOptions syn_cookie_options_from_tsecr(std::uint32_t tsecr);

}  // namespace synack
