#include "synack/sim/bulk_transfer.hpp"

#include <sodium.h>

#include <vector>

#include "synack/sim/seeded_secrets.hpp"

namespace synack::sim {

double BulkResult::goodput_mbps() const {
  const double s = to_seconds(finished - started);
  return s > 0 ? static_cast<double>(received) * 8 / s / 1e6 : 0;
}

Impairments path(double loss, Duration delay) {
  Impairments i;
  i.loss = loss;
  i.delay = delay;
  return i;
}

namespace {

// The data source: seeded bytes produced 64 KiB at a time.
class DataSource {
 public:
  DataSource(std::uint64_t seed, std::size_t total) : random_(seed), remaining_(total) {
    crypto_hash_sha256_init(&hash_);
  }
  // Bytes not yet taken by the stack (refilled as needed).
  Bytes pending() {
    if (offset_ == chunk_.size() && remaining_ > 0) refill();
    return Bytes{chunk_.data() + offset_, chunk_.size() - offset_};
  }
  void consume(std::size_t n) { offset_ += n; }
  bool done() const { return remaining_ == 0 && offset_ == chunk_.size(); }
  std::array<std::uint8_t, 32> digest() {
    std::array<std::uint8_t, 32> out{};
    crypto_hash_sha256_final(&hash_, out.data());
    return out;
  }

 private:
  void refill() {
    const std::size_t n = std::min<std::size_t>(remaining_, 64 * 1024);
    chunk_.resize(n);
    for (std::size_t i = 0; i < n; i += 8) {
      const std::uint64_t v = random_.next_u64();
      for (std::size_t j = 0; j < 8 && i + j < n; ++j) {
        chunk_[i + j] = static_cast<std::uint8_t>(v >> (8 * j));
      }
    }
    crypto_hash_sha256_update(&hash_, chunk_.data(), n);
    remaining_ -= n;
    offset_ = 0;
  }

  Random random_;
  std::size_t remaining_;
  std::vector<std::uint8_t> chunk_;
  std::size_t offset_ = 0;
  crypto_hash_sha256_state hash_{};
};

const Ipv4Address kClientIp{{198, 18, 0, 1}};
const Ipv4Address kServerIp{{198, 18, 0, 2}};
constexpr std::uint16_t kServerPort = 5001;

StackConfig config_for(const TcpConfig& tcp, std::uint64_t seed, std::uint64_t host) {
  StackConfig c;
  c.tcp = tcp;
  c.secrets = seeded_secrets(seed, host);
  c.host.output_queue_capacity = 4096;
  return c;
}

InterfaceConfig raw(Ipv4Address ip, std::size_t mtu) {
  InterfaceConfig i;
  i.address = ip;
  i.ethernet = false;
  i.mtu = mtu;
  return i;
}

}  // namespace

BulkResult run_bulk(const BulkOptions& o) {
  if (sodium_init() < 0) return {};
  Simulator sim(o.seed);
  Stack client(config_for(o.client_config, o.seed, 1));
  Stack server(config_for(o.server_config, o.seed, 2));
  client.add_interface(raw(kClientIp, o.mtu));
  server.add_interface(raw(kServerIp, o.mtu));
  const auto a = sim.add_node(client, "client");
  const auto b = sim.add_node(server, "server");
  LinkConfig link{o.data_path, o.ack_path, LinkLayer::raw_ip};
  link.a_to_b.mtu = link.b_to_a.mtu = o.mtu;
  Link& l = sim.connect(a, 0, b, 0, link);

  BulkResult r;
  if (!o.capture_path.empty()) {
    if (Status capturing = sim.capture_link(l.id(), o.capture_path); !capturing) {
      r.capture_error = capturing.error();
      return r;
    }
  }
  const synack::Endpoint server_ep{IpAddress::v4(kServerIp), kServerPort};
  const auto listener = server.tcp().listen(server_ep, 4, o.server_socket);
  const auto c = client.tcp().connect(sim.now(), server_ep, std::nullopt, o.client_socket);
  if (!listener || !c) return r;
  r.started = sim.now();
  DataSource source(o.seed * 7919 + 1, o.bytes);
  crypto_hash_sha256_state received_hash;
  crypto_hash_sha256_init(&received_hash);
  std::vector<std::uint8_t> buffer(256 * 1024);
  SocketId s = 0;
  bool write_closed = false;
  bool eof = false;

  auto step = [&] {
    // Sender: fill the send buffer; close writing when everything is in.
    while (!source.done()) {
      auto n = client.tcp().send(*c, source.pending());
      if (!n) break;
      source.consume(*n);
      r.sent += *n;
    }
    // Not before the handshake: shutting down a connection still in SYN_SENT aborts it (RFC
    // 9293 3.10.4, as Linux does), which lost every transfer smaller than the send buffer.
    if (source.done() && !write_closed &&
        client.tcp().state(*c) == std::optional<TcpState>(TcpState::kEstablished)) {
      client.tcp().shutdown(*c, ShutdownHow::kWrite);
      write_closed = true;
    }
    // Receiver.
    if (s == 0) {
      if (auto acc = server.tcp().accept(*listener)) s = *acc;
    }
    if (s != 0 && (!o.server_reads || o.server_reads(sim.now()))) {
      while (true) {
        auto n = server.tcp().recv(s, buffer);
        if (!n) break;
        if (*n == 0) {
          eof = true;
          break;
        }
        crypto_hash_sha256_update(&received_hash, buffer.data(), *n);
        r.received += *n;
        if (o.on_progress) o.on_progress(r.received, o.bytes);
      }
    }
    return eof;
  };
  // An application that decides by the clock must be woken even when no packet arrives. `tick`
  // lives as long as the run: each scheduled copy refers to it to schedule the next one.
  std::function<void()> tick = [&] { sim.schedule_after(milliseconds(100), tick); };
  if (o.server_reads) sim.schedule_after(milliseconds(100), tick);
  r.completed = sim.run_until(step, r.started + o.limit);
  r.finished = sim.now();
  r.sent_sha256 = source.digest();
  crypto_hash_sha256_final(&received_hash, r.received_sha256.data());
  r.client = client.tcp().counters();
  r.server = server.tcp().counters();
  r.data_path = l.stats(Direction::a_to_b);
  r.ack_path = l.stats(Direction::b_to_a);
  sim.close_captures();
  return r;
}

}  // namespace synack::sim
