// The small pieces under Host: FunctionRef, the counter listing, PacketPool and OutputQueue.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "stack_test_support.hpp"
#include "synack/core/function_ref.hpp"

namespace synack::test {
namespace {

int apply(FunctionRef<int(int)> f, int x) {
  return f(x);
}

TEST(FunctionRef, CallsLambdasWithStateAndFreeFunctions) {
  int calls = 0;
  auto add_calls = [&](int x) {
    ++calls;
    return x + calls;
  };
  EXPECT_EQ(apply(add_calls, 10), 11);
  EXPECT_EQ(apply(add_calls, 10), 12);
  EXPECT_EQ(apply([](int x) { return x * 3; }, 5), 15);
  int (*negate)(int) = [](int x) { return -x; };
  EXPECT_EQ(apply(negate, 4), -4);
}

TEST(HostCounters, ForEachListsLinuxStyleNamesWithValues) {
  Host host;
  host.add_interface(config_a());
  CapturingOutput out;
  host.receive_frame(at_ms(0), 0, bytes_of({1, 2, 3}), out);  // truncated Ethernet
  host.receive_frame(at_ms(0), 0, ethernet(kMacA, kMacB, 0x0800, ipv4_packet(kIpB, kIpB, 1, {})),
                     out);
  std::map<std::string, std::uint64_t> values;
  std::size_t listed = 0;
  host.counters().for_each([&](std::string_view name, std::uint64_t v) {
    ++listed;
    values.emplace(std::string(name), v);
  });
  EXPECT_EQ(listed, values.size()) << "a counter name is listed twice";
  // The two frames moved exactly these; every other counter, whatever is added later, stays 0.
  const std::map<std::string, std::uint64_t> moved = {
      {"EthInFrames", 2}, {"InReceives", 1}, {"InAddrErrors", 1}, {"EthernetError.Truncated", 1}};
  for (const auto& [name, value] : values) {
    const auto it = moved.find(name);
    EXPECT_EQ(value, it == moved.end() ? 0u : it->second) << name;
  }
  for (const auto& [name, value] : moved) EXPECT_TRUE(values.count(name)) << name;
  for (const char* name : {"ReasmReqds", "ReasmOKs", "ReasmFails", "ReasmTimeout", "FragCreates",
                           "EthBroadcastUnicastIp", "ArpRequestsSent", "Ipv4Error.BadChecksum"}) {
    EXPECT_TRUE(values.count(name)) << name;
  }
}

TEST(PacketPool, HandsOutEachBufferOnceUntilReleased) {
  PacketPool pool(2);
  pool.ensure_buffer_size(100);
  auto a = pool.acquire();
  auto b = pool.acquire();
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
  EXPECT_FALSE(pool.acquire().has_value());
  EXPECT_EQ(pool.buffer(*a).size(), 100u);
  pool.release(*a);
  EXPECT_EQ(pool.acquire(), a);
}

TEST(OutputQueue, IsFifoAndBounded) {
  OutputQueue q(2);
  EXPECT_TRUE(q.push({0, 1, 10}));
  EXPECT_TRUE(q.push({1, 2, 20}));
  EXPECT_FALSE(q.push({0, 3, 30}));
  EXPECT_EQ(q.pop().buffer, 1u);
  EXPECT_TRUE(q.push({0, 3, 30}));  // wraps around
  EXPECT_EQ(q.pop().buffer, 2u);
  EXPECT_EQ(q.pop().buffer, 3u);
  EXPECT_TRUE(q.empty());
}

}  // namespace
}  // namespace synack::test
