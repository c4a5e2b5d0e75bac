// IMF-fixdate (RFC 9110 section 5.6.7) from a Unix time: the RFC's own example, the epoch,
// leap days, century rules and dates before 1970.
#include <gtest/gtest.h>

#include "synack/apps/http_date.hpp"

namespace synack::apps::http {
namespace {

TEST(ImfFixdate, TheRfcExample) {
  EXPECT_EQ(imf_fixdate(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
}

TEST(ImfFixdate, TheEpochAndTheSecondBeforeIt) {
  EXPECT_EQ(imf_fixdate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(imf_fixdate(-1), "Wed, 31 Dec 1969 23:59:59 GMT");
}

TEST(ImfFixdate, LeapDaysFollowTheGregorianCenturyRules) {
  EXPECT_EQ(imf_fixdate(951782400), "Tue, 29 Feb 2000 00:00:00 GMT");  // 400-year leap
  EXPECT_EQ(imf_fixdate(951868800), "Wed, 01 Mar 2000 00:00:00 GMT");
  EXPECT_EQ(imf_fixdate(4107542400), "Mon, 01 Mar 2100 00:00:00 GMT");  // 2100: no 29 Feb
  EXPECT_EQ(imf_fixdate(4107542399), "Sun, 28 Feb 2100 23:59:59 GMT");
  EXPECT_EQ(imf_fixdate(1709164800), "Thu, 29 Feb 2024 00:00:00 GMT");
}

TEST(ImfFixdate, PastThe32BitRollover) {
  EXPECT_EQ(imf_fixdate(2147483648), "Tue, 19 Jan 2038 03:14:08 GMT");
  EXPECT_EQ(imf_fixdate(1796097136), "Tue, 01 Dec 2026 03:52:16 GMT");
}

}  // namespace
}  // namespace synack::apps::http
