// SYN cookie encoding and checking (syn_cookie.hpp) as pure functions: layout, MAC, age limit,
// MSS table and the option bits in the timestamp.
#include "synack/tcp/syn_cookie.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <cstring>

namespace synack {
namespace {

SecretKey key_of(std::uint8_t fill) {
  SecretKey k;
  k.fill(fill);
  return k;
}

FourTuple tuple_for(std::uint16_t remote_port) {
  return FourTuple{Endpoint{IpAddress::v4(Ipv4Address{{198, 18, 0, 2}}), 80},
                   Endpoint{IpAddress::v4(Ipv4Address{{198, 18, 0, 1}}), remote_port}};
}

// Slot 10 of the 64 s clock, one second in.
const Instant kT0 = from_micros(64'000'000LL * 10 + 1'000'000);

TEST(SynCookie, MssIndexRoundsDownToTheTable) {
  EXPECT_EQ(kSynCookieMssTable[syn_cookie_mss_index(1460)], 1460);
  EXPECT_EQ(kSynCookieMssTable[syn_cookie_mss_index(1459)], 1440);
  EXPECT_EQ(kSynCookieMssTable[syn_cookie_mss_index(536)], 536);
  EXPECT_EQ(kSynCookieMssTable[syn_cookie_mss_index(1299)], 1220);
  EXPECT_EQ(kSynCookieMssTable[syn_cookie_mss_index(9000)], 8960);
  EXPECT_EQ(kSynCookieMssTable[syn_cookie_mss_index(100)], 256);  // smallest entry
  EXPECT_EQ(kSynCookieMssTable[syn_cookie_mss_index(65535)], 8960);
}

TEST(SynCookie, SlotTicksEvery64Seconds) {
  EXPECT_EQ(syn_cookie_slot(from_micros(0)), 0u);
  EXPECT_EQ(syn_cookie_slot(from_micros(63'999'999)), 0u);
  EXPECT_EQ(syn_cookie_slot(from_micros(64'000'000)), 1u);
  EXPECT_EQ(syn_cookie_slot(kT0), 10u);
}

TEST(SynCookie, LayoutMatchesAnIndependentSipHash) {
  // The expected value is computed here from libsodium and the documented layout, not by the
  // code under test: MAC over family, local address (16), remote address (16), local port,
  // remote port, peer ISN, full slot (big endian), MSS index; little-endian 64-bit output,
  // low 32 bits, top 27 of them.
  const SecretKey key = key_of(0x5a);
  const FourTuple t = tuple_for(40000);
  const SeqNum peer_isn{0x01020304};
  std::uint8_t m[46] = {};
  m[0] = static_cast<std::uint8_t>(t.local.address.family);
  std::memcpy(m + 1, t.local.address.bytes.data(), 16);
  std::memcpy(m + 17, t.remote.address.bytes.data(), 16);
  m[33] = 0;
  m[34] = 80;
  m[35] = 40000 >> 8;
  m[36] = 40000 & 0xff;
  m[37] = 1, m[38] = 2, m[39] = 3, m[40] = 4;   // peer ISN
  m[41] = 0, m[42] = 0, m[43] = 0, m[44] = 10;  // slot 10
  m[45] = 6;                                    // 1460 is index 6
  std::uint8_t out[8];
  crypto_shorthash_siphash24(out, m, sizeof m, key.data());
  const std::uint32_t low =
      out[0] | (out[1] << 8) | (out[2] << 16) | (static_cast<std::uint32_t>(out[3]) << 24);
  const std::uint32_t expected = ((low >> 5) << 5) | ((10u & 3u) << 3) | 6u;
  EXPECT_EQ(encode_syn_cookie(key, t, peer_isn, 1460, kT0).raw(), expected);
}

TEST(SynCookie, ValidCookieGivesBackTheMss) {
  const SecretKey key = key_of(1);
  const FourTuple t = tuple_for(40000);
  const SeqNum cookie = encode_syn_cookie(key, t, SeqNum{777}, 1440, kT0);
  EXPECT_EQ(check_syn_cookie(key, t, SeqNum{777}, cookie, kT0), std::optional<std::uint16_t>{1440});
  EXPECT_EQ(check_syn_cookie(key, t, SeqNum{777}, cookie, kT0 + seconds(1)), 1440);
}

TEST(SynCookie, AcceptedForTwoPeriodsThenRejected) {
  const SecretKey key = key_of(1);
  const FourTuple t = tuple_for(40000);
  const SeqNum cookie = encode_syn_cookie(key, t, SeqNum{777}, 1460, kT0);
  const Instant slot10 = from_micros(64'000'000LL * 10);
  EXPECT_EQ(check_syn_cookie(key, t, SeqNum{777}, cookie,
                             slot10 + seconds(64) * 2 + microseconds(63'999'999)),
            1460);  // last instant of slot 12
  EXPECT_FALSE(check_syn_cookie(key, t, SeqNum{777}, cookie, slot10 + seconds(64) * 3));
  EXPECT_FALSE(check_syn_cookie(key, t, SeqNum{777}, cookie, slot10 + seconds(64) * 4));
  // Four periods later the slot bits match again, but the MAC over the full slot does not.
  EXPECT_FALSE(check_syn_cookie(key, t, SeqNum{777}, cookie, kT0 + seconds(64) * 4));
  // A cookie from the future (slot 11 seen at slot 10) is not accepted either.
  const SeqNum later = encode_syn_cookie(key, t, SeqNum{777}, 1460, kT0 + seconds(64));
  EXPECT_FALSE(check_syn_cookie(key, t, SeqNum{777}, later, kT0));
}

TEST(SynCookie, AnyChangeOfTupleIsnKeyOrBitsIsRejected) {
  const SecretKey key = key_of(1);
  const FourTuple t = tuple_for(40000);
  const SeqNum cookie = encode_syn_cookie(key, t, SeqNum{777}, 1460, kT0);
  EXPECT_FALSE(check_syn_cookie(key, tuple_for(40001), SeqNum{777}, cookie, kT0));
  EXPECT_FALSE(check_syn_cookie(key, t, SeqNum{778}, cookie, kT0));
  EXPECT_FALSE(check_syn_cookie(key_of(2), t, SeqNum{777}, cookie, kT0));
  for (int bit = 0; bit < 32; ++bit) {
    const SeqNum flipped{cookie.raw() ^ (1u << bit)};
    EXPECT_FALSE(check_syn_cookie(key, t, SeqNum{777}, flipped, kT0)) << "bit " << bit;
  }
}

TEST(SynCookie, ForgeriesAlmostNeverPass) {
  // A blind attacker guessing cookies: 27 MAC bits, so about 1 in 134 million guesses passes.
  const SecretKey key = key_of(3);
  const FourTuple t = tuple_for(40000);
  int accepted = 0;
  for (std::uint32_t guess = 0; guess < 200'000; ++guess) {
    accepted += check_syn_cookie(key, t, SeqNum{1}, SeqNum{guess * 2654435761u}, kT0) ? 1 : 0;
  }
  EXPECT_EQ(accepted, 0);
}

TEST(SynCookie, OptionBitsRoundTripThroughTheTimestamp) {
  for (int scale = -1; scale <= 14; ++scale) {
    for (int sack = 0; sack < 2; ++sack) {
      for (int ecn = 0; ecn < 2; ++ecn) {
        SynCookieOptions o;
        if (scale >= 0) o.window_scale = static_cast<std::uint8_t>(scale);
        o.sack_permitted = sack != 0;
        o.ecn = ecn != 0;
        for (std::uint32_t now : {0x12345678u, 0x12345601u, 0x0000003fu, 0xffffffc0u}) {
          const std::uint32_t ts = syn_cookie_tsval(now, o);
          EXPECT_EQ(syn_cookie_options_from_tsecr(ts), o);
          EXPECT_LE(now - ts, kSynCookieTsMask * 2 + 1);      // at most one step behind
          EXPECT_LT(static_cast<std::int32_t>(ts - now), 1);  // never ahead of the clock
        }
      }
    }
  }
}

TEST(SynCookie, TimestampValuesByHand) {
  SynCookieOptions o;
  o.window_scale = 7;
  o.sack_permitted = true;  // bits 0b010111 = 23
  EXPECT_EQ(syn_cookie_option_bits(o), 23u);
  EXPECT_EQ(syn_cookie_tsval(0x12345678u, o), 0x12345657u);    // low bits 56 >= 23: same block
  EXPECT_EQ(syn_cookie_tsval(0x12345601u, o), 0x123455d7u);    // 1 < 23: one block back
  EXPECT_EQ(syn_cookie_option_bits(SynCookieOptions{}), 15u);  // no scale, no SACK, no ECN
  SynCookieOptions all;
  all.window_scale = 14;
  all.sack_permitted = true;
  all.ecn = true;
  EXPECT_EQ(syn_cookie_option_bits(all), 14u | 16u | 32u);
}

}  // namespace
}  // namespace synack
