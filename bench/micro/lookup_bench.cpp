// Connection lookup as tcp_demux does it: std::unordered_map<FourTuple, SocketId> holding 100k
// connections, found by the 4-tuple of an arriving segment.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "synack/wire/address.hpp"

namespace {

std::vector<synack::FourTuple> client_tuples(std::size_t count) {
  std::vector<synack::FourTuple> tuples;
  tuples.reserve(count);
  const synack::Endpoint server{synack::IpAddress::v4(synack::Ipv4Address{{10, 0, 0, 1}}), 443};
  for (std::size_t i = 0; i < count; ++i) {
    const auto host = static_cast<std::uint32_t>(i / 28000);
    const synack::Endpoint client{
        synack::IpAddress::v4(synack::Ipv4Address::from_u32((10u << 24) | (1u << 16) | host)),
        static_cast<std::uint16_t>(32768 + i % 28000)};
    tuples.push_back(synack::FourTuple{server, client});
  }
  return tuples;
}

void BM_ConnectionLookupHit(benchmark::State& state) {
  const auto tuples = client_tuples(static_cast<std::size_t>(state.range(0)));
  std::unordered_map<synack::FourTuple, std::uint64_t> demux;
  for (std::size_t i = 0; i < tuples.size(); ++i) demux.emplace(tuples[i], i);
  std::size_t i = 0;
  for (auto _ : state) {
    // A stride through the table, so lookups do not all hit the cache.
    i = (i + 7919) % tuples.size();
    benchmark::DoNotOptimize(demux.find(tuples[i]));
  }
}
BENCHMARK(BM_ConnectionLookupHit)->Arg(1000)->Arg(100000);

void BM_ConnectionLookupMiss(benchmark::State& state) {
  const auto tuples = client_tuples(static_cast<std::size_t>(state.range(0)) * 2);
  std::unordered_map<synack::FourTuple, std::uint64_t> demux;
  for (std::size_t i = 0; i < tuples.size() / 2; ++i) demux.emplace(tuples[i], i);
  std::size_t i = 0;
  for (auto _ : state) {
    i = (i + 7919) % (tuples.size() / 2);
    benchmark::DoNotOptimize(demux.find(tuples[tuples.size() / 2 + i]));
  }
}
BENCHMARK(BM_ConnectionLookupMiss)->Arg(100000);

void BM_FourTupleHash(benchmark::State& state) {
  const auto tuples = client_tuples(1024);
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(std::hash<synack::FourTuple>{}(tuples[i++ & 1023]));
  }
}
BENCHMARK(BM_FourTupleHash);

}  // namespace
