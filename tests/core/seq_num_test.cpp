// SeqNum: modulo-2^32 comparison and arithmetic (RFC 9293 section 3.4), checked at the points
// where a naive unsigned comparison goes wrong: the 2^32 wrap and the 2^31 half-way distance.
#include "synack/core/seq_num.hpp"

#include <gtest/gtest.h>

namespace synack {
namespace {

TEST(SeqNum, OrdersAcrossTheWrapAt2To32) {
  const SeqNum before_wrap{0xffffff00u};
  const SeqNum after_wrap{0x00000010u};
  EXPECT_TRUE(before_wrap < after_wrap);
  EXPECT_TRUE(after_wrap > before_wrap);
  EXPECT_FALSE(after_wrap < before_wrap);
  EXPECT_EQ(after_wrap - before_wrap, 0x110);
  EXPECT_EQ(before_wrap - after_wrap, -0x110);
}

TEST(SeqNum, AdditionWrapsModulo2To32) {
  EXPECT_EQ((SeqNum{0xfffffffeu} + 3u).raw(), 1u);
  EXPECT_EQ((SeqNum{1u} - 3u).raw(), 0xfffffffeu);
  SeqNum s{0xffffffffu};
  s += 1;
  EXPECT_EQ(s.raw(), 0u);
  s -= 1;
  EXPECT_EQ(s.raw(), 0xffffffffu);
}

TEST(SeqNum, DistanceJustBelow2To31IsAhead) {
  const SeqNum base{1000};
  const SeqNum ahead = base + 0x7fffffffu;
  EXPECT_TRUE(base < ahead);
  EXPECT_EQ(ahead - base, 0x7fffffff);
}

TEST(SeqNum, DistanceOf2To31IsBehindBothWays) {
  // At exactly 2^31 the signed distance is INT32_MIN: each number counts as "behind" the other.
  const SeqNum base{1000};
  const SeqNum half = base + 0x80000000u;
  EXPECT_EQ(half - base, INT32_MIN);
  EXPECT_EQ(base - half, INT32_MIN);
  EXPECT_TRUE(half < base);
  EXPECT_TRUE(base < half);
}

TEST(SeqNum, DistanceJustAbove2To31IsBehind) {
  const SeqNum base{5};
  const SeqNum far = base + 0x80000001u;
  EXPECT_TRUE(far < base);
  EXPECT_EQ(far - base, -0x7fffffff);
}

TEST(SeqNum, NonStrictComparisons) {
  const SeqNum a{0xfffffff0u};
  EXPECT_TRUE(a <= a);
  EXPECT_TRUE(a >= a);
  EXPECT_FALSE(a < a);
  EXPECT_TRUE(a <= a + 20u);
  EXPECT_FALSE(a >= a + 20u);
}

TEST(SeqNum, RangesAcrossTheWrap) {
  const SeqNum lo{0xfffffff0u};
  const SeqNum hi = lo + 0x20u;  // 0x10
  EXPECT_TRUE(seq_in_range(lo, lo, hi));
  EXPECT_TRUE(seq_in_range(SeqNum{0}, lo, hi));
  EXPECT_TRUE(seq_in_range(SeqNum{0xf}, lo, hi));
  EXPECT_FALSE(seq_in_range(hi, lo, hi));
  EXPECT_TRUE(seq_in_closed_range(hi, lo, hi));
  EXPECT_FALSE(seq_in_range(SeqNum{0xffffffefu}, lo, hi));
  EXPECT_FALSE(seq_in_closed_range(SeqNum{0x11}, lo, hi));
  // An empty range accepts nothing.
  EXPECT_FALSE(seq_in_range(lo, lo, lo));
}

TEST(SeqNum, MinMaxUseModuloOrder) {
  const SeqNum a{0xffffffffu};
  const SeqNum b{2};
  EXPECT_EQ(seq_max(a, b), b);
  EXPECT_EQ(seq_min(a, b), a);
  EXPECT_EQ(seq_max(b, a), b);
}

}  // namespace
}  // namespace synack
