#include "synack/core/expected.hpp"

#include <gtest/gtest.h>

#include <string>

#include "synack/wire/error.hpp"

namespace synack {
namespace {

Expected<int, WireError> half(int v) {
  if (v % 2 != 0) return Unexpected{WireError::kUnsupported};
  return v / 2;
}

TEST(Expected, HoldsValue) {
  auto r = half(10);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(static_cast<bool>(r));
  EXPECT_EQ(r.value(), 5);
  EXPECT_EQ(*r, 5);
}

TEST(Expected, HoldsError) {
  auto r = half(3);
  EXPECT_FALSE(r.has_value());
  EXPECT_FALSE(static_cast<bool>(r));
  EXPECT_EQ(r.error(), WireError::kUnsupported);
}

TEST(Expected, ArrowAndMutation) {
  Expected<std::string, WireError> r{std::string("abc")};
  EXPECT_EQ(r->size(), 3u);
  r.value() += "d";
  EXPECT_EQ(*r, "abcd");
}

TEST(WireError, EveryValueHasADistinctName) {
  const WireError all[] = {
      WireError::kTruncated,      WireError::kBadVersion,  WireError::kBadHeaderLength,
      WireError::kBadTotalLength, WireError::kBadChecksum, WireError::kBadOption,
      WireError::kFragment,       WireError::kUnsupported, WireError::kBadAddress};
  EXPECT_EQ(to_string(WireError::kTruncated), "truncated");
  EXPECT_EQ(to_string(WireError::kBadChecksum), "bad checksum");
  for (WireError a : all) {
    EXPECT_FALSE(to_string(a).empty());
    for (WireError b : all) {
      if (a != b) {
        EXPECT_NE(to_string(a), to_string(b));
      }
    }
  }
}

}  // namespace
}  // namespace synack
