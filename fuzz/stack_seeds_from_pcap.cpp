// Turns simulator captures into seeds for fuzz_stack: the segments that the active opener of
// each captured connection sent become fuzz_stack "segment" operations, and the gaps between
// them "advance time" operations, in fuzz_stack's input encoding (see fuzz_stack.cpp).
//
// The first captured connection is replayed onto fuzz_stack's established connection (its SYN
// is skipped, sequence and acknowledgment numbers are re-based onto that connection's ISNs, so
// the data, ACKs, SACKs, FINs and retransmissions of a real exchange land in its window); later
// connections become new connections from other peer ports (their handshakes reach the
// listener, the SYN queue and the cookie paths). Mutation starts from realistic sequences
// instead of from noise.
//
// Usage: stack_seeds_from_pcap OUT_DIR CAPTURE.pcap...  (writes OUT_DIR/<capture name>)
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <vector>

#include "synack/pcap/pcap_reader.hpp"
#include "synack/wire/ethernet.hpp"
#include "synack/wire/ipv4.hpp"
#include "synack/wire/tcp.hpp"

using namespace synack;

namespace {

struct Segment {
  Instant time;
  Ipv4Address src, dst;
  TcpRepr header;
  Bytes payload;
};

std::optional<Segment> decode(const PcapPacket& p, PcapLinkType type) {
  Bytes ip{p.bytes.data(), p.bytes.size()};
  if (type == PcapLinkType::ethernet) {
    auto eth = EthernetView::parse(ip);
    if (!eth || eth->repr().ethertype != kEtherTypeIpv4) return std::nullopt;
    ip = eth->payload();
  }
  auto v4 = Ipv4View::parse(ip, false);
  if (!v4 || v4->is_fragment() || v4->repr().protocol != kIpProtocolTcp) return std::nullopt;
  auto tcp = TcpView::parse(v4->payload());
  if (!tcp) return std::nullopt;
  return Segment{p.time, v4->repr().src, v4->repr().dst, tcp->repr(), tcp->payload()};
}

// One captured connection, keyed by its active opener's endpoint.
struct Flow {
  Ipv4Address client;
  std::uint16_t client_port = 0;
  SeqNum client_isn;
  std::optional<SeqNum> server_isn;
  std::optional<std::uint32_t> first_tsval;
  int index = 0;  // 0 = replayed onto the established connection
};

class SeedWriter {
 public:
  void u8(std::uint32_t v) { out_.push_back(static_cast<std::uint8_t>(v)); }
  void u16(std::uint32_t v) {
    u8(v >> 8);
    u8(v);
  }
  void u32(std::uint32_t v) {
    u16(v >> 16);
    u16(v);
  }
  void bytes(Bytes b) { out_.insert(out_.end(), b.begin(), b.end()); }
  const std::vector<std::uint8_t>& data() const { return out_; }

 private:
  std::vector<std::uint8_t> out_;
};

// fuzz_stack's configuration byte: cookies mode 1, roomy queues, timestamps and SACK on.
constexpr std::uint8_t kConfigByte = 0x01 | (3 << 2) | (3 << 4);

void write_advance(SeedWriter& w, Duration gap) {
  // Operation 5 advances time by u16 * 200 us.
  std::int64_t units = to_micros(gap) / 200;
  while (units > 0) {
    const auto step = std::min<std::int64_t>(units, 0xffff);
    w.u8(5);
    w.u16(static_cast<std::uint32_t>(step));
    units -= step;
  }
}

// A 16-bit signed offset from `base` when it fits (fuzz_stack's relative mode), else nothing.
std::optional<std::uint16_t> relative(SeqNum value, SeqNum base) {
  const std::int32_t d = value - base;
  if (d < -32768 || d > 32767) return std::nullopt;
  return static_cast<std::uint16_t>(static_cast<std::int16_t>(d));
}

void write_segment(SeedWriter& w, const Segment& s, const Flow& f) {
  const SeqNum seq_base = f.client_isn + 1;
  const SeqNum ack_base = f.server_isn ? *f.server_isn + 1 : SeqNum{0};
  const auto rel_seq = relative(s.header.seq, seq_base);
  const auto rel_ack = f.server_isn ? relative(s.header.ack, ack_base) : std::nullopt;
  std::uint8_t op = 0;
  if (!rel_seq) op |= 0x80;
  if (!rel_ack) op |= 0x40;
  if (s.header.urgent != 0) op |= 0x10;
  w.u8(op);
  w.u8(s.header.flags);
  // target % 4 == 0: the established connection's port; 1: peer ports 40001..40008.
  w.u8(f.index == 0 ? 0 : 1 + 4 * ((f.index - 1) % 8));
  if (rel_seq) {
    w.u16(*rel_seq);
  } else {
    w.u32(s.header.seq.raw());
  }
  if (rel_ack) {
    w.u16(*rel_ack);
  } else {
    w.u32(s.header.ack.raw());
  }
  w.u16(s.header.window);
  w.u16(s.header.urgent);
  const TcpOptions& o = s.header.options;
  std::uint8_t mask = 0;
  if (o.mss) mask |= 1;
  if (o.window_scale) mask |= 2;
  if (o.sack_permitted) mask |= 4;
  if (o.timestamps) mask |= 8 | 0x40;
  if (o.sack_block_count > 0) mask |= 16;
  w.u8(mask);
  if (o.mss) w.u16(*o.mss);
  if (o.window_scale) w.u8(*o.window_scale);
  if (o.timestamps) {
    // Re-based so the replayed clock continues from fuzz_stack's handshake (TSval 5001).
    w.u32(5001 + (o.timestamps->value - f.first_tsval.value_or(o.timestamps->value)));
  }
  if (o.sack_block_count > 0) {
    const std::size_t n = std::min<std::size_t>(o.sack_block_count, 3);
    w.u8(static_cast<std::uint32_t>(n - 1));
    for (std::size_t i = 0; i < n; ++i) {
      // SACK blocks cover the server's data; fuzz_stack takes them as absolute numbers, so they
      // are re-based onto its connection only approximately (the server ISN differs).
      w.u32(o.sack_blocks[i].left.raw());
      w.u32(o.sack_blocks[i].right.raw());
    }
  }
  // Payload: u8 * 8 bytes, at most 2040.
  const std::size_t len = std::min<std::size_t>(s.payload.size() / 8, 255);
  w.u8(static_cast<std::uint32_t>(len));
  w.bytes(s.payload.first(len * 8));
}

bool convert(const std::filesystem::path& capture, const std::filesystem::path& out_dir) {
  auto file = read_pcap(capture.string());
  if (!file) {
    std::fprintf(stderr, "%s: %s\n", capture.c_str(), file.error().message().c_str());
    return false;
  }
  std::vector<Segment> segments;
  for (const auto& p : file->packets) {
    if (auto s = decode(p, file->link_type)) segments.push_back(*s);
  }
  std::map<std::pair<std::uint32_t, std::uint16_t>, Flow> flows;
  SeedWriter w;
  w.u8(kConfigByte);
  std::optional<Instant> last;
  int written = 0;
  for (const auto& s : segments) {
    const auto from_client = flows.find({s.src.to_u32(), s.header.src_port});
    const auto to_client = flows.find({s.dst.to_u32(), s.header.dst_port});
    const bool pure_syn = s.header.has(tcp_flags::kSyn) && !s.header.has(tcp_flags::kAck);
    if (from_client == flows.end() && to_client == flows.end() && pure_syn) {
      Flow f{s.src,        s.header.src_port, s.header.seq,
             std::nullopt, std::nullopt,      static_cast<int>(flows.size())};
      if (s.header.options.timestamps) f.first_tsval = s.header.options.timestamps->value;
      flows.emplace(std::pair{s.src.to_u32(), s.header.src_port}, f);
      if (f.index == 0) continue;  // fuzz_stack already opened this one
    } else if (to_client != flows.end()) {
      if (s.header.has(tcp_flags::kSyn) && !to_client->second.server_isn) {
        to_client->second.server_isn = s.header.seq;
      }
      continue;  // only the client's side is replayed
    } else if (from_client == flows.end()) {
      continue;
    }
    const Flow& f = flows.at({s.src.to_u32(), s.header.src_port});
    if (last) write_advance(w, s.time - *last);
    last = s.time;
    write_segment(w, s, f);
    ++written;
  }
  if (written == 0) return true;
  const auto out = out_dir / capture.stem();
  std::ofstream(out, std::ios::binary)
      .write(reinterpret_cast<const char*>(w.data().data()),
             static_cast<std::streamsize>(w.data().size()));
  std::printf("%s: %d segments from %zu connections, %zu bytes\n", out.c_str(), written,
              flows.size(), w.data().size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s OUT_DIR CAPTURE.pcap...\n", argv[0]);
    return 2;
  }
  const std::filesystem::path out_dir = argv[1];
  std::filesystem::create_directories(out_dir);
  int status = 0;
  for (int i = 2; i < argc; ++i) {
    if (!convert(argv[i], out_dir)) status = 1;
  }
  return status;
}
