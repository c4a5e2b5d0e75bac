// Fuzzes Ipv4Reassembler under virtual time. The input is a sequence of operations: a fragment
// built from a few fields (identification, protocol, offset, length, MF) whose payload byte at
// datagram offset o is always expected_byte(id, o); a raw packet taken from the input as is
// (its source forced apart so it never mixes with the built ones); or a time step that runs
// poll(). Limits come from the first byte so the memory, datagram and fragment caps are hit.
// Checked after every operation: memory and datagram count within their limits, counters
// consistent; every datagram handed out parses, is not a fragment, and - for built fragments -
// has exactly the expected bytes at every offset.
#include <cstdlib>
#include <vector>

#include "synack/stack/ipv4_reassembler.hpp"
#include "synack/wire/checksum.hpp"
#include "synack/wire/tcp.hpp"

using namespace synack;

namespace {

const Ipv4Address kBuiltSource{{10, 0, 0, 1}};
const Ipv4Address kRawSource{{10, 1, 0, 1}};
const Ipv4Address kDestination{{10, 0, 0, 2}};

std::uint8_t expected_byte(std::uint16_t id, std::size_t offset) {
  return static_cast<std::uint8_t>(id * 31 + offset * 7 + (offset >> 8));
}

class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : p_(data), n_(size) {}
  bool empty() const { return n_ == 0; }
  std::uint8_t u8() {
    if (n_ == 0) return 0;
    --n_;
    return *p_++;
  }
  std::uint16_t u16() { return static_cast<std::uint16_t>(u8() << 8 | u8()); }
  Bytes take(std::size_t want) {
    const std::size_t k = want < n_ ? want : n_;
    Bytes b{p_, k};
    p_ += k;
    n_ -= k;
    return b;
  }

 private:
  const std::uint8_t* p_;
  std::size_t n_;
};

std::vector<std::uint8_t> built_fragment(Input& in) {
  const std::uint8_t shape = in.u8();
  const std::uint16_t id = shape & 3;
  const std::uint8_t protocol = (shape & 4) != 0 ? kIpProtocolTcp : 17;
  const bool more = (shape & 8) != 0;
  const std::size_t offset = (in.u16() & 0x1fff) * std::size_t{8};
  const std::size_t length = in.u16() % 1600;
  std::vector<std::uint8_t> packet(kIpv4MinHeaderLength + length);
  Ipv4Repr ip;
  ip.src = kBuiltSource;
  ip.dst = kDestination;
  ip.protocol = protocol;
  ip.identification = id;
  ip.dont_fragment = false;
  ip.more_fragments = more;
  ip.fragment_offset = static_cast<std::uint16_t>(offset);
  ip.payload_length = static_cast<std::uint16_t>(length);
  if (offset > 0xffff || emit_ipv4(ip, packet) == 0) return {};
  for (std::size_t i = 0; i < length; ++i) {
    packet[kIpv4MinHeaderLength + i] = expected_byte(id, offset + i);
  }
  return packet;
}

std::vector<std::uint8_t> raw_fragment(Input& in) {
  const Bytes bytes = in.take(in.u16() % 1600);
  std::vector<std::uint8_t> packet(bytes.begin(), bytes.end());
  if (packet.size() >= kIpv4MinHeaderLength) store_be32(&packet[12], kRawSource.to_u32());
  return packet;
}

void check_whole(Bytes whole) {
  auto view = Ipv4View::parse(whole);
  if (!view || view->is_fragment() || view->packet().size() != whole.size()) std::abort();
  const Ipv4Repr ip = view->repr();
  if (ip.src == kRawSource) return;
  if (ip.src != kBuiltSource || ip.dst != kDestination) std::abort();
  const Bytes payload = view->payload();
  for (std::size_t i = 0; i < payload.size(); ++i) {
    if (payload[i] != expected_byte(ip.identification, i)) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in(data, size);
  const std::uint8_t limits = in.u8();
  ReassemblyConfig config;
  config.max_bytes = std::size_t{1024} << (limits & 7);  // 1 KiB .. 128 KiB
  config.max_datagrams = 1 + ((limits >> 3) & 7);
  config.max_fragments = 2 + ((limits >> 6) & 3) * 8;
  config.timeout = seconds(30);
  ReassemblyCounters counters;
  Ipv4Reassembler reassembler(config, counters);
  Instant now = kEpoch;
  while (!in.empty()) {
    const std::uint8_t op = in.u8() % 8;
    if (op == 7) {
      now += milliseconds(in.u16()) * 8;
      reassembler.poll(now);
    } else {
      const std::vector<std::uint8_t> packet = op == 6 ? raw_fragment(in) : built_fragment(in);
      auto view = Ipv4View::parse(Bytes{packet.data(), packet.size()}, /*verify_checksum=*/false);
      if (view && view->is_fragment()) {
        const std::optional<Bytes> whole = reassembler.add(now, *view);
        if (whole) check_whole(*whole);
      }
    }
    if (reassembler.held_bytes() > config.max_bytes) std::abort();
    if (reassembler.datagram_count() > config.max_datagrams) std::abort();
    if (counters.reasm_bytes_peak > config.max_bytes) std::abort();
    if (counters.reasm_oks + counters.reasm_fails > counters.reasm_reqds + counters.reasm_timeout) {
      std::abort();
    }
    if ((reassembler.datagram_count() == 0) != (reassembler.next_deadline() == kNever)) {
      std::abort();
    }
  }
  return 0;
}
