// synack's side of the timed benchmarks: two stacks on raw-IP interfaces with checksum offload
// (as Linux loopback skips checksums), wired by bench::DirectPair and driven by this one thread
// with the wall clock as their time.
#include <vector>

#include "bench/runners/benchmarks.hpp"
#include "bench/runners/synack_pair.hpp"

namespace synack::bench {
namespace {

// What recv() returned, `otherwise` on an error (EAGAIN included).
std::size_t received(const Result<std::size_t>& r, std::size_t otherwise) {
  return r ? *r : otherwise;
}

}  // namespace

double synack_throughput(std::size_t mtu, double seconds, std::uint64_t* segments) {
  TcpConfig tcp;
  tcp.send_buffer = tcp.receive_buffer = 4u << 20;
  Pair p(mtu, tcp);
  p.client.tcp().set_event_callback(nullptr);
  p.server.tcp().set_event_callback(nullptr);
  const auto [c, s] = p.open();
  if (s == 0) return 0;
  std::vector<std::uint8_t> out(256 * 1024, 0x5a);
  std::vector<std::uint8_t> in(256 * 1024);
  std::uint64_t received = 0;
  const Clock timer;
  // The clock is read once per round; a round moves up to a send buffer's worth.
  while (timer.elapsed_seconds() < seconds) {
    while (p.client.tcp().send(c, out)) {
    }
    p.pump();
    while (true) {
      auto n = p.server.tcp().recv(s, in);
      if (!n || *n == 0) break;
      received += *n;
    }
    p.pump();  // window updates after the reads
  }
  const double elapsed = timer.elapsed_seconds();
  if (segments) *segments = p.client.tcp().counters().OutSegs;
  return static_cast<double>(received) * 8 / elapsed / 1e9;
}

double synack_connrate(std::size_t connections) {
  Pair p(1500, TcpConfig{});
  std::uint8_t buf[4] = {1, 2, 3, 4};
  std::size_t done = 0;
  const Clock timer;
  for (std::size_t i = 0; i < connections; ++i) {
    const auto [c, s] = p.open();
    if (s == 0) break;
    (void)p.client.tcp().send(c, Bytes{buf, 4});
    p.pump();
    if (received(p.server.tcp().recv(s, buf), 0) != 4) break;
    (void)p.server.tcp().send(s, Bytes{buf, 4});
    p.pump();
    if (received(p.client.tcp().recv(c, buf), 0) != 4) break;
    p.client.tcp().close(c);
    p.pump();
    if (received(p.server.tcp().recv(s, buf), 1) != 0) break;  // the client's FIN
    p.server.tcp().close(s);
    p.pump();
    ++done;
  }
  return static_cast<double>(done) / timer.elapsed_seconds();
}

double synack_rr(double seconds) {
  Pair p(1500, TcpConfig{});
  const auto [c, s] = p.open();
  if (s == 0) return 0;
  p.client.tcp().set_no_delay(c, true);
  p.server.tcp().set_no_delay(s, true);
  std::uint8_t byte[1] = {7};
  std::uint64_t trips = 0;
  const Clock timer;
  while (true) {
    // Check the clock every 256 round trips: reading it costs about as much as a trip.
    if ((trips & 255) == 0 && timer.elapsed_seconds() >= seconds) break;
    (void)p.client.tcp().send(c, Bytes{byte, 1});
    p.pump();
    if (received(p.server.tcp().recv(s, byte), 0) != 1) break;
    (void)p.server.tcp().send(s, Bytes{byte, 1});
    p.pump();
    if (received(p.client.tcp().recv(c, byte), 0) != 1) break;
    ++trips;
  }
  return static_cast<double>(trips) / timer.elapsed_seconds();
}

}  // namespace synack::bench
