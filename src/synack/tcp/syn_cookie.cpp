#include "synack/tcp/syn_cookie.hpp"

#include <cstring>

namespace synack {

namespace {

constexpr std::uint32_t kMssBits = 3;
constexpr std::uint32_t kSlotBits = 2;
constexpr std::uint32_t kMacShift = kMssBits + kSlotBits;
constexpr std::uint32_t kSlotMask = (1u << kSlotBits) - 1;
constexpr std::uint32_t kMssMask = (1u << kMssBits) - 1;
constexpr std::uint32_t kNoWindowScale = 15;
constexpr std::uint32_t kSackBit = 1u << 4;
constexpr std::uint32_t kEcnBit = 1u << 5;

static_assert(kSynCookieMssTable.size() == (1u << kMssBits), "the MSS index fills its bits");
static_assert(kSlotBits >= 2 && (1u << kSlotBits) > kSynCookieMaxAge,
              "the slot bits must tell every accepted age apart");

void put32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}

// SipHash-2-4 over (4-tuple, peer ISN, slot, MSS index), truncated to the MAC's 27 bits.
std::uint32_t cookie_mac(const SecretKey& key, const FourTuple& tuple, SeqNum peer_isn,
                         std::uint32_t slot, std::uint32_t mss_index) {
  std::uint8_t extra[4 + 4 + 1];
  put32(extra, peer_isn.raw());
  put32(extra + 4, slot);
  extra[8] = static_cast<std::uint8_t>(mss_index);
  const auto h = static_cast<std::uint32_t>(
      keyed_tuple_hash(key, tuple, std::span<const std::uint8_t>{extra}));
  return h >> kMacShift;
}

}  // namespace

std::uint8_t syn_cookie_mss_index(std::uint16_t peer_mss) {
  std::uint8_t index = kSynCookieMssTable.size() - 1;
  while (index > 0 && kSynCookieMssTable[index] > peer_mss) --index;
  return index;
}

std::uint32_t syn_cookie_slot(Instant now) {
  return static_cast<std::uint32_t>(to_micros(now) / to_micros(kSynCookiePeriod));
}

SeqNum encode_syn_cookie(const SecretKey& key, const FourTuple& tuple, SeqNum peer_isn,
                         std::uint16_t peer_mss, Instant now) {
  const std::uint32_t slot = syn_cookie_slot(now);
  const std::uint32_t mss_index = syn_cookie_mss_index(peer_mss);
  const std::uint32_t mac = cookie_mac(key, tuple, peer_isn, slot, mss_index);
  return SeqNum{(mac << kMacShift) | ((slot & kSlotMask) << kMssBits) | mss_index};
}

std::optional<std::uint16_t> check_syn_cookie(const SecretKey& key, const FourTuple& tuple,
                                              SeqNum peer_isn, SeqNum cookie, Instant now) {
  const std::uint32_t bits = cookie.raw();
  const std::uint32_t mss_index = bits & kMssMask;
  const std::uint32_t slot_low = (bits >> kMssBits) & kSlotMask;
  const std::uint32_t current = syn_cookie_slot(now);
  // The newest slot at or before `current` whose low bits match.
  const std::uint32_t age = (current - slot_low) & kSlotMask;
  if (age > kSynCookieMaxAge || age > current) return std::nullopt;
  const std::uint32_t slot = current - age;
  if ((bits >> kMacShift) != cookie_mac(key, tuple, peer_isn, slot, mss_index)) {
    return std::nullopt;
  }
  return kSynCookieMssTable[mss_index];
}

std::uint32_t syn_cookie_option_bits(const SynCookieOptions& options) {
  std::uint32_t bits =
      options.window_scale ? std::min<std::uint32_t>(*options.window_scale, 14) : kNoWindowScale;
  if (options.sack_permitted) bits |= kSackBit;
  if (options.ecn) bits |= kEcnBit;
  return bits;
}

std::uint32_t syn_cookie_tsval(std::uint32_t tsval_now, const SynCookieOptions& options) {
  const std::uint32_t bits = syn_cookie_option_bits(options);
  std::uint32_t tsval = (tsval_now & ~kSynCookieTsMask) | bits;
  if (bits > (tsval_now & kSynCookieTsMask)) tsval -= kSynCookieTsMask + 1;
  return tsval;
}

SynCookieOptions syn_cookie_options_from_tsecr(std::uint32_t tsecr) {
  const std::uint32_t scale = tsecr & 0xf;
  SynCookieOptions options;
  if (scale != kNoWindowScale) options.window_scale = static_cast<std::uint8_t>(scale);
  options.sack_permitted = (tsecr & kSackBit) != 0;
  options.ecn = (tsecr & kEcnBit) != 0;
  return options;
}

}  // namespace synack
