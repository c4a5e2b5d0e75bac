// TCP header parse and emit with the options a bulk transfer carries (timestamps, and SACK
// blocks under loss).
#include <benchmark/benchmark.h>

#include <array>

#include "synack/wire/tcp.hpp"

namespace {

synack::TcpRepr data_segment_header(bool with_sack) {
  synack::TcpRepr h;
  h.src_port = 5001;
  h.dst_port = 40000;
  h.seq = synack::SeqNum{123456789};
  h.ack = synack::SeqNum{987654321};
  h.flags = synack::tcp_flags::kAck;
  h.window = 1024;
  h.options.timestamps = synack::TcpTimestamps{1000, 2000};
  if (with_sack) {
    h.options.sack_block_count = 3;
    for (std::uint32_t i = 0; i < 3; ++i) {
      h.options.sack_blocks[i] = {synack::SeqNum{1000 + i * 3000}, synack::SeqNum{2000 + i * 3000}};
    }
  }
  return h;
}

void BM_TcpEmit(benchmark::State& state) {
  const auto header = data_segment_header(state.range(0) != 0);
  std::array<std::uint8_t, 60> out{};
  for (auto _ : state) {
    benchmark::DoNotOptimize(synack::emit_tcp(header, {}, out, std::nullopt));
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_TcpEmit)->ArgName("sack")->Arg(0)->Arg(1);

void BM_TcpParse(benchmark::State& state) {
  const auto header = data_segment_header(state.range(0) != 0);
  std::array<std::uint8_t, 60> out{};
  const std::size_t n = synack::emit_tcp(header, {}, out, std::nullopt);
  const synack::Bytes bytes{out.data(), n};
  for (auto _ : state) {
    auto view = synack::TcpView::parse(bytes);
    benchmark::DoNotOptimize(view);
    benchmark::DoNotOptimize(view->repr());
  }
}
BENCHMARK(BM_TcpParse)->ArgName("sack")->Arg(0)->Arg(1);

}  // namespace
