// RFC 6298 retransmission timeout arithmetic.
#include <gtest/gtest.h>

#include "synack/tcp/rtt_estimator.hpp"

namespace synack {
namespace {

TEST(RttEstimator, InitialTimeoutIsOneSecondUntilTheFirstSample) {
  RttEstimator r(seconds(1), milliseconds(200), seconds(120));
  EXPECT_EQ(r.rto(), seconds(1));
  EXPECT_FALSE(r.srtt().has_value());
}

TEST(RttEstimator, FirstAndSecondSamplesFollowSection2) {
  RttEstimator r(seconds(1), milliseconds(1), seconds(120));
  r.add_sample(milliseconds(100));  // SRTT = R, RTTVAR = R/2, RTO = SRTT + 4 RTTVAR
  EXPECT_EQ(*r.srtt(), milliseconds(100));
  EXPECT_EQ(r.rttvar(), milliseconds(50));
  EXPECT_EQ(r.rto(), milliseconds(300));
  r.add_sample(milliseconds(200));  // RTTVAR = 3/4*50 + 1/4*100; SRTT = 7/8*100 + 1/8*200
  EXPECT_EQ(r.rttvar(), microseconds(62'500));
  EXPECT_EQ(*r.srtt(), microseconds(112'500));
  EXPECT_EQ(r.rto(), microseconds(362'500));
}

TEST(RttEstimator, ClampsToTheMinimumAndBacksOffToTheMaximum) {
  RttEstimator r(seconds(1), milliseconds(200), seconds(120));
  r.add_sample(milliseconds(10));
  EXPECT_EQ(r.rto(), milliseconds(200));
  for (int i = 0; i < 9; ++i) r.back_off();
  EXPECT_EQ(r.rto(), milliseconds(102'400));
  r.back_off();
  EXPECT_EQ(r.rto(), seconds(120));
  r.back_off();
  EXPECT_EQ(r.rto(), seconds(120));
  r.add_sample(milliseconds(10));  // a fresh sample ends the backoff
  EXPECT_EQ(r.rto(), milliseconds(200));
}

}  // namespace
}  // namespace synack
