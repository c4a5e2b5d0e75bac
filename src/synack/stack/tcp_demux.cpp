// TcpLayer: which connection an arriving segment belongs to (RFC 9293 3.10.7), and the ports.
#include <algorithm>
#include <cerrno>

#include "synack/stack/tcp_layer.hpp"
#include "synack/tcp/hash_domains.hpp"
#include "synack/wire/checksum.hpp"

namespace synack {

using namespace tcp_flags;

void TcpLayer::on_unreachable(Instant now, const IpAddress& src, const IpAddress& dst,
                              Bytes transport_header) {
  now_ = std::max(now_, now);
  if (transport_header.size() < 4) return;
  const FourTuple tuple{Endpoint{src, load_be16(&transport_header[0])},
                        Endpoint{dst, load_be16(&transport_header[2])}};
  const auto it = demux_.find(tuple);
  if (it == demux_.end()) return;
  const SocketId id = it->second;
  find(id)->connection->on_network_error(now_, EHOSTUNREACH);
  settle(id);
}

void TcpLayer::on_tcp(Instant now, const IpAddress& src, const IpAddress& dst, Bytes segment,
                      bool checksum_verified_or_offloaded) {
  now_ = std::max(now_, now);
  ++ctx_.counters.InSegs;
  const auto view = TcpView::parse(segment);
  if (!view) {
    ++ctx_.counters.InErrs;
    return;
  }
  if (!checksum_verified_or_offloaded &&
      !view->verify_checksum(pseudo_header_sum(src, dst, kIpProtocolTcp,
                                               static_cast<std::uint32_t>(segment.size())))) {
    ++ctx_.counters.InErrs;
    ++ctx_.counters.InCsumErrors;
    return;
  }
  InboundSegment seg{FourTuple{Endpoint{dst, view->dst_port()}, Endpoint{src, view->src_port()}},
                     view->repr(), view->payload()};
  ctx_.trace_segment(now_, TcpEventKind::kSegmentReceived, seg.tuple, seg.header,
                     seg.payload.size(), "received");

  if (auto it = demux_.find(seg.tuple); it != demux_.end()) {
    const SocketId id = it->second;
    Socket* s = find(id);
    s->connection->on_segment(now_, seg);
    s->connection->poll(now_);  // answer in the same instant (ACK, data, FIN)
    settle(id);
    return;
  }
  std::optional<SeqNum> isn_floor;
  if (time_wait_.contains(seg.tuple)) {
    const auto outcome = time_wait_.on_segment(now_, seg);
    if (!outcome.reopen) return;
    isn_floor = outcome.isn_floor;
  }
  auto lit = listeners_.find(seg.tuple.local);
  if (lit == listeners_.end())
    lit = listeners_.find(Endpoint{IpAddress{dst.family, {}}, seg.tuple.local.port});
  if (lit != listeners_.end()) {
    const SocketId listener_id = lit->second;
    Listener& l = *find(listener_id)->listener;
    if (demux_.size() >= ctx_.config.max_connections && !seg.header.has(kRst)) {
      // At the connection limit nothing new may start: the SYN (or handshake ACK) is dropped
      // like one for a full queue, and the client's retransmission finds room later.
      ++ctx_.counters.TCPConnLimitDrop;
      ++ctx_.counters.ListenDrops;
      ctx_.trace_segment(now_, TcpEventKind::kSegmentDropped, seg.tuple, seg.header,
                         seg.payload.size(), "connection limit reached");
      return;
    }
    const auto outcome = l.on_segment(now_, seg, mss_toward(src), isn_floor);
    if (outcome.established) on_passive_open(now_, listener_id, *outcome.established, seg);
    return;
  }
  send_reset_for_unknown(now_, seg);
}

void TcpLayer::on_passive_open(Instant now, SocketId listener_id, const PassiveOpen& open,
                               const InboundSegment& seg) {
  const SocketId id = allocate_socket();
  Socket& s = *find(id);
  s.parent = listener_id;
  s.connection = std::make_unique<TcpConnection>(ctx_, now, open);
  demux_.emplace(open.tuple, id);
  find(listener_id)->listener->enqueue_accepted(id);
  // The handshake's ACK may carry data (and even a FIN): the new connection processes it.
  s.connection->on_segment(now, seg);
  s.connection->poll(now);
  settle(id);
}

void TcpLayer::send_reset_for_unknown(Instant now, const InboundSegment& seg) {
  // RFC 9293 3.10.7.1 (CLOSED): never answer an RST; an ACK is answered <SEQ=SEG.ACK><CTL=RST>,
  // anything else <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
  const TcpRepr& in = seg.header;
  if (in.has(kRst)) {
    ctx_.trace_segment(now, TcpEventKind::kSegmentDropped, seg.tuple, in, 0,
                       "RST for no connection");
    return;
  }
  TcpRepr h;
  h.src_port = seg.tuple.local.port;
  h.dst_port = seg.tuple.remote.port;
  if (in.has(kAck)) {
    h.seq = in.ack;
    h.flags = kRst;
  } else {
    h.seq = SeqNum{0};
    h.ack = in.seq + seg.sequence_length();
    h.flags = kRst | kAck;
  }
  ++ctx_.counters.NoPortRsts;
  ctx_.send(now, seg.tuple, h, {}, "RST: no connection or listener");
}

bool TcpLayer::tuple_in_use(const FourTuple& tuple) const {
  return demux_.count(tuple) != 0 || time_wait_.contains(tuple);
}

std::optional<std::uint16_t> TcpLayer::pick_ephemeral_port(const IpAddress& local,
                                                           const Endpoint& remote) {
  // RFC 6056 section 3.3.3 (algorithm 3): start at a keyed hash of the addresses and remote
  // port plus a counter, so ports are hard to guess yet one remote sees them spread out.
  const std::uint32_t low = ctx_.config.ephemeral_port_low;
  const std::uint32_t count = ctx_.config.ephemeral_port_high - low + 1;
  const FourTuple key{Endpoint{local, 0}, remote};
  const auto offset = static_cast<std::uint32_t>(
      keyed_tuple_hash(ctx_.secrets.cookie_key, key, hash_domain::kEphemeralPort));
  for (std::uint32_t i = 0; i < count; ++i) {
    const auto port = static_cast<std::uint16_t>(low + (offset + ephemeral_counter_ + i) % count);
    const FourTuple candidate{Endpoint{local, port}, remote};
    if (tuple_in_use(candidate)) continue;
    ephemeral_counter_ += i + 1;
    return port;
  }
  return std::nullopt;
}

}  // namespace synack
