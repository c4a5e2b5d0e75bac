// RFC 6528 initial sequence numbers: a 4 microsecond clock plus a keyed hash of the 4-tuple.
#include <gtest/gtest.h>

#include <array>
#include <set>

#include "synack/tcp/isn.hpp"

namespace synack {
namespace {

FourTuple tuple(std::uint16_t local_port, std::uint16_t remote_port = 80) {
  return FourTuple{Endpoint{IpAddress::v4(Ipv4Address{{198, 18, 0, 1}}), local_port},
                   Endpoint{IpAddress::v4(Ipv4Address{{198, 18, 0, 2}}), remote_port}};
}

SecretKey key(std::uint8_t fill) {
  SecretKey k;
  k.fill(fill);
  return k;
}

TEST(Isn, AdvancesWithTheFourMicrosecondClockForOneTuple) {
  const IsnGenerator gen(key(7));
  const SeqNum a = gen.generate(from_micros(1'000'000), tuple(40000));
  EXPECT_EQ(gen.generate(from_micros(1'000'004), tuple(40000)) - a, 1);
  EXPECT_EQ(gen.generate(from_micros(1'000'003), tuple(40000)) - a, 0);
  EXPECT_EQ(gen.generate(from_micros(1'004'000), tuple(40000)) - a, 1000);
  // 2^32 ticks of 4 us = 4.77 hours: the clock wraps, as RFC 6528 section 3 expects.
  EXPECT_EQ(gen.generate(from_micros(1'000'000 + 4 * (std::int64_t{1} << 32)), tuple(40000)), a);
}

TEST(Isn, HashComponentIsSipHashOfTheTupleUnderTheKey) {
  const IsnGenerator gen(key(7));
  EXPECT_EQ(gen.hash_component(tuple(40000)),
            static_cast<std::uint32_t>(keyed_tuple_hash(key(7), tuple(40000))));
  EXPECT_NE(IsnGenerator(key(8)).hash_component(tuple(40000)), gen.hash_component(tuple(40000)));
}

TEST(Isn, DifferentTuplesGiveUnrelatedIsns) {
  const IsnGenerator gen(key(7));
  const Instant t = from_micros(5'000'000);
  // Neighbouring ports: the differences between consecutive ISNs must look random, not constant.
  std::set<std::int32_t> steps;
  int top_bit_set = 0;
  constexpr int kTuples = 2000;
  for (std::uint16_t port = 40000; port < 40000 + kTuples; ++port) {
    const SeqNum a = gen.generate(t, tuple(port));
    const SeqNum b = gen.generate(t, tuple(static_cast<std::uint16_t>(port + 1)));
    steps.insert(b - a);
    if (a.raw() & 0x80000000u) ++top_bit_set;
  }
  EXPECT_EQ(steps.size(), static_cast<std::size_t>(kTuples));  // no repeated step
  // Each bit about half the time: 2000 fair coins are within 1000 +- 5 sigma (sigma = 22.4).
  EXPECT_NEAR(top_bit_set, kTuples / 2, 112);
}

TEST(Isn, RandomSecretKeysDiffer) {
  const auto a = random_secret_key();
  const auto b = random_secret_key();
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
}

}  // namespace
}  // namespace synack

namespace synack {
namespace {

// An off-path attacker opens connections of its own to the server, at known times, and sees
// their ISNs. From them it learns the clock M exactly (RFC 6528's M is public), but F of another
// 4-tuple is keyed: its best guess for the victim's ISN is off by an amount that is uniformly
// spread over the whole 32-bit space. Checked with a chi-square test over 64 buckets.
TEST(Isn, AnAttackersOwnIsnsDoNotPredictAnotherTuples) {
  const IsnGenerator server(key(42));
  const auto attacker_tuple = [](std::uint16_t port) {
    return FourTuple{Endpoint{IpAddress::v4(Ipv4Address{{198, 18, 0, 2}}), 80},
                     Endpoint{IpAddress::v4(Ipv4Address{{198, 18, 9, 9}}), port}};
  };
  const auto victim_tuple = [](std::uint16_t port) {
    return FourTuple{Endpoint{IpAddress::v4(Ipv4Address{{198, 18, 0, 2}}), 80},
                     Endpoint{IpAddress::v4(Ipv4Address{{198, 18, 7, 7}}), port}};
  };
  constexpr int kSamples = 6400;
  constexpr int kBuckets = 64;
  std::array<int, kBuckets> histogram{};
  int exact_hits = 0;
  for (int i = 0; i < kSamples; ++i) {
    const Instant t = from_micros(1'000'000 + 1000 * i);
    // The attacker's observation just before, on its own connection, and the best predictor it
    // has: same offset, clock advanced.
    const Instant seen_at = t - microseconds(400);
    const SeqNum seen =
        server.generate(seen_at, attacker_tuple(static_cast<std::uint16_t>(40000 + i % 1000)));
    const SeqNum guess = seen + 100;  // 400 us of the 4 us clock
    const SeqNum actual =
        server.generate(t, victim_tuple(static_cast<std::uint16_t>(50000 + i % 997)));
    const std::uint32_t error = actual.raw() - guess.raw();
    if (error == 0) ++exact_hits;
    ++histogram[error >> 26];
  }
  EXPECT_EQ(exact_hits, 0);
  double chi_square = 0;
  const double expected = static_cast<double>(kSamples) / kBuckets;
  for (const int observed : histogram) {
    chi_square += (observed - expected) * (observed - expected) / expected;
  }
  // 63 degrees of freedom: the 99.9th percentile is 103.4.
  EXPECT_LT(chi_square, 103.4);
}

}  // namespace
}  // namespace synack
