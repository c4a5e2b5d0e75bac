// No heap allocation per segment in steady state: this binary counts every operator new and
// runs a bulk transfer through the whole stack (TCP, IP host, simulator) after a warm-up.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "support/tcp_pair.hpp"

namespace {
std::atomic<std::uint64_t> g_allocations{0};
}  // namespace

void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  return operator new(n);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}

namespace synack::testing {
namespace {

struct Transfer {
  TcpPair& pair;
  SocketId client;
  SocketId server;
  std::vector<std::uint8_t> out = std::vector<std::uint8_t>(64 * 1024, 0xab);
  std::vector<std::uint8_t> in = std::vector<std::uint8_t>(64 * 1024);
  std::size_t sent = 0;
  std::size_t received = 0;
  std::size_t target = 0;
  std::function<bool()> step;

  Transfer(TcpPair& p, SocketId c, SocketId s) : pair(p), client(c), server(s) {
    step = [this] {
      while (sent < target) {
        auto n =
            pair.client.tcp().send(client, Bytes{out.data(), std::min(out.size(), target - sent)});
        if (!n) break;
        sent += *n;
      }
      while (true) {
        auto n = pair.server.tcp().recv(server, in);
        if (!n || *n == 0) break;
        received += *n;
      }
      return received >= target;
    };
  }
  bool run(std::size_t more) {
    target += more;
    return pair.sim.run_until(step, pair.sim.now() + seconds(600));
  }
};

std::uint64_t segments_sent(const TcpPair& p) {
  return p.client.tcp().counters().OutSegs;
}

// Returns the number of segments retransmitted during the measured part.
std::uint64_t expect_no_allocation_in_steady_state(double loss) {
  TcpPair p;
  auto [c, s] = p.open();
  p.client.tcp().set_event_callback(nullptr);
  p.server.tcp().set_event_callback(nullptr);
  sim::Impairments imp = p.link->impairments(sim::Direction::a_to_b);
  imp.loss = loss;
  p.link->set_impairments(sim::Direction::a_to_b, imp);
  Transfer t(p, c, s);
  EXPECT_TRUE(t.run(4u << 20));  // warm-up: pools, rings and heaps reach their working size
  const std::uint64_t segments_before = segments_sent(p);
  const std::uint64_t retransmitted_before = p.client.tcp().counters().RetransSegs;
  const std::uint64_t allocations_before = g_allocations.load();
  EXPECT_TRUE(t.run(8u << 20));
  const std::uint64_t allocations = g_allocations.load() - allocations_before;
  const std::uint64_t segments = segments_sent(p) - segments_before;
  std::printf("loss %.0f%%: %llu segments, %llu allocations\n", loss * 100,
              static_cast<unsigned long long>(segments),
              static_cast<unsigned long long>(allocations));
  EXPECT_GT(segments, 5000u);
  // None at all, the figure the README states: after the warm-up every buffer, ring, heap and
  // pool has reached its working size, and the per-segment paths only reuse them.
  EXPECT_EQ(allocations, 0u);
  return p.client.tcp().counters().RetransSegs - retransmitted_before;
}

TEST(SteadyState, CleanTransferAllocatesNothing) {
  EXPECT_EQ(expect_no_allocation_in_steady_state(0), 0u);
}

TEST(SteadyState, LossyTransferAllocatesNothing) {
  // Loss recovery (SACK scoreboard, retransmission queue, timers) runs in the measured part.
  EXPECT_GT(expect_no_allocation_in_steady_state(0.02), 50u);
}

TEST(SteadyState, TheCounterSeesAllocations) {
  const std::uint64_t before = g_allocations.load();
  // A direct call: a new-expression whose result is unused may be elided (clang does).
  void* p = ::operator new(16);
  EXPECT_EQ(g_allocations.load() - before, 1u);
  ::operator delete(p);
}

}  // namespace
}  // namespace synack::testing
