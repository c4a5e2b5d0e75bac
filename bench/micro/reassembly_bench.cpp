// Out-of-order arrival: recording the range (ReassemblyRanges::add) and writing the bytes into
// the receive ring's free space (ByteRing::write_beyond), the work per segment beyond a hole.
#include <benchmark/benchmark.h>

#include <vector>

#include "synack/tcp/byte_ring.hpp"
#include "synack/tcp/reassembly.hpp"

namespace {

constexpr std::uint32_t kMss = 1448;

// Segments 1..range(0) arrive after a lost segment 0; then the hole is filled and the ranges
// collapse. Every other segment is missing too when range(1) is set (many separate ranges).
void BM_ReassemblyInsert(benchmark::State& state) {
  const auto segments = static_cast<std::uint32_t>(state.range(0));
  const bool gappy = state.range(1) != 0;
  synack::ByteRing ring(4u << 20);
  const std::vector<std::uint8_t> payload(kMss, 0x42);
  const synack::SeqNum rcv_nxt{1000};
  for (auto _ : state) {
    synack::ReassemblyRanges ranges;
    for (std::uint32_t i = 1; i <= segments; ++i) {
      if (gappy && i % 2 == 0) continue;
      const synack::SeqNum start = rcv_nxt + i * kMss;
      benchmark::DoNotOptimize(ranges.add(start, start + kMss));
      ring.write_beyond(std::size_t{i} * kMss, synack::Bytes{payload});
    }
    benchmark::DoNotOptimize(ranges.advance(rcv_nxt + kMss));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * segments /
                          (gappy ? 2 : 1));
}
BENCHMARK(BM_ReassemblyInsert)->ArgNames({"segments", "gappy"})->Args({16, 0})->Args({30, 1});

}  // namespace
