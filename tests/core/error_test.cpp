// The error convention (core/error.hpp): Result/Status from errno codes, what message() says,
// how codes compare, and that a broken precondition stops the program.
#include "synack/core/error.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <sstream>
#include <string>

namespace synack {
namespace {

Result<int> half(int v) {
  if (v % 2 != 0) return Unexpected{EINVAL};
  return v / 2;
}

Status open_thing(bool ok) {
  if (!ok) return Unexpected{Error{ENOENT, "open /no/such/thing"}};
  return {};
}

TEST(Error, ResultFromAnErrnoCode) {
  const auto good = half(8);
  ASSERT_TRUE(good);
  EXPECT_EQ(*good, 4);
  const auto bad = half(3);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), EINVAL);
  EXPECT_EQ(bad.error().code, EINVAL);
  EXPECT_TRUE(bad.error().context.empty());
  EXPECT_EQ(bad.error().message(), "Invalid argument");
}

TEST(Error, StatusCarriesTheContextForAPerson) {
  EXPECT_TRUE(open_thing(true));
  const Status failed = open_thing(false);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error(), ENOENT);
  EXPECT_FALSE(failed.error() == EACCES);
  EXPECT_EQ(failed.error().message(), "open /no/such/thing: No such file or directory");
  std::ostringstream printed;
  printed << failed.error();
  EXPECT_EQ(printed.str(), failed.error().message());
}

TEST(Error, ErrnoErrorTakesTheCurrentErrno) {
  errno = EACCES;
  const Error e = errno_error("write capture.pcap");
  EXPECT_EQ(e, EACCES);
  EXPECT_EQ(e.message(), "write capture.pcap: Permission denied");
}

TEST(ErrorDeathTest, BrokenPreconditionStopsWithTheLocation) {
  EXPECT_DEATH(SYNACK_CHECK(1 + 1 == 3, "arithmetic is broken"),
               "error_test.cpp:[0-9]+: broken precondition: arithmetic is broken");
}

}  // namespace
}  // namespace synack
