// Timer operations as TcpLayer and Listener keep them: a min-heap of (deadline, handle) in a
// std::priority_queue, one push per rescheduling and pops of everything due.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <functional>
#include <queue>
#include <utility>
#include <vector>

#include "synack/core/random.hpp"
#include "synack/core/time.hpp"

namespace {

using Deadline = std::pair<synack::Instant, std::uint64_t>;
using DeadlineHeap = std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>>;

// Steady state with range(0) timers pending: each iteration reschedules one (push) and fires the
// earliest (pop), as a connection's retransmission timer moves on every ACK.
void BM_DeadlineHeapPushPop(benchmark::State& state) {
  const auto pending = static_cast<std::uint64_t>(state.range(0));
  synack::Random random(1);
  DeadlineHeap heap;
  std::int64_t now = 0;
  for (std::uint64_t i = 0; i < pending; ++i) {
    heap.emplace(synack::from_micros(static_cast<std::int64_t>(random.next_u64() % 1000000)), i);
  }
  for (auto _ : state) {
    const Deadline due = heap.top();
    heap.pop();
    now = synack::to_micros(due.first);
    heap.emplace(synack::from_micros(now + 200000 + static_cast<std::int64_t>(due.second % 1000)),
                 due.second);
  }
  benchmark::DoNotOptimize(now);
}
BENCHMARK(BM_DeadlineHeapPushPop)->Arg(16)->Arg(1024)->Arg(100000);

}  // namespace
