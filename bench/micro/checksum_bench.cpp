// The Internet checksum (RFC 1071) over a minimum-size frame, an Ethernet MTU and a jumbo frame.
#include <benchmark/benchmark.h>

#include <vector>

#include "synack/wire/checksum.hpp"

namespace {

void BM_InternetChecksum(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  std::vector<std::uint8_t> data(size);
  for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<std::uint8_t>(i * 7 + 3);
  for (auto _ : state) {
    benchmark::DoNotOptimize(data.data());
    benchmark::DoNotOptimize(synack::internet_checksum(synack::Bytes{data}));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_InternetChecksum)->Arg(64)->Arg(1500)->Arg(9000);

}  // namespace
