#pragma once
// A test bench for the connection's parts on their own: a TcpContext whose segments land in a
// recording sink, and a SegmentOutput that stamps a fixed ACK and window the way a connection's
// receiving half would. No second stack and no simulator.
#include <cstdint>
#include <string>
#include <vector>

#include "synack/tcp/context.hpp"
#include "synack/tcp/sender.hpp"

namespace synack::testing {

struct RecordedSegment {
  TcpRepr header;
  std::vector<std::uint8_t> payload;
  std::string reason;
  bool retransmission = false;

  SeqNum seq() const { return header.seq; }
  std::size_t length() const { return payload.size(); }
};

class RecordingSink final : public SegmentSink {
 public:
  void send_segment(const FourTuple&, const TcpRepr& header, const SplitBytes& payload) override {
    RecordedSegment s;
    s.header = header;
    s.payload.assign(payload.first.begin(), payload.first.end());
    s.payload.insert(s.payload.end(), payload.second.begin(), payload.second.end());
    segments.push_back(std::move(s));
  }
  std::vector<RecordedSegment> segments;
};

inline TcpSecrets test_secrets() {
  TcpSecrets s;
  s.isn_key.fill(1);
  s.timestamp_key.fill(2);
  s.cookie_key.fill(3);
  return s;
}

// Stands in for the connection: every segment acknowledges `rcv_nxt` with `window`.
class RecordingOutput final : public SegmentOutput {
 public:
  RecordingOutput(TcpContext& ctx, RecordingSink& sink) : ctx_(ctx), sink_(sink) {}

  TcpRepr header(std::uint8_t flags, SeqNum seq) override {
    TcpRepr h;
    h.src_port = 1000;
    h.dst_port = 80;
    h.seq = seq;
    h.flags = flags;
    h.ack = rcv_nxt;
    h.window = window;
    return h;
  }
  void emit(const TcpRepr& header, const SplitBytes& payload, std::string_view reason,
            bool retransmission, bool carries_ack) override {
    ctx_.send(now, FourTuple{}, header, payload, reason, retransmission);
    sink_.segments.back().reason = std::string(reason);
    sink_.segments.back().retransmission = retransmission;
    if (carries_ack) ++acks_carried;
  }

  Instant now;
  SeqNum rcv_nxt{5000};
  std::uint16_t window = 65535;
  int acks_carried = 0;

 private:
  TcpContext& ctx_;
  RecordingSink& sink_;
};

}  // namespace synack::testing
